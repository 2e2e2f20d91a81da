/** Break reminders: after `minutes` of coding with no pause of at least `gapMs`, remind once, then
 * again after another `minutes`. Pure: time comes in as milliseconds. */
export const DEFAULT_BREAK_GAP_MS = 5 * 60_000;

export class BreakReminder {
  private streakStart: number | undefined;
  private lastActivity = -Infinity;

  constructor(private minutes: number, private readonly gapMs = DEFAULT_BREAK_GAP_MS) {}

  setMinutes(minutes: number): void {
    this.minutes = minutes;
  }

  /** Activity at `now`; when a reminder is due, the minutes coded since the last break (or the
   * last reminder), else undefined. */
  activity(now: number): number | undefined {
    if (this.streakStart === undefined || now - this.lastActivity >= this.gapMs) {
      this.streakStart = now;
    }
    this.lastActivity = now;
    const minutes = Math.floor((now - this.streakStart) / 60_000);
    if (this.minutes > 0 && minutes >= this.minutes) {
      this.streakStart = now;
      return minutes;
    }
    return undefined;
  }

  /** Minutes of the current unbroken stretch at `now` (0 after a pause). */
  streakMinutes(now: number): number {
    if (this.streakStart === undefined || now - this.lastActivity >= this.gapMs) {
      return 0;
    }
    return Math.floor((now - this.streakStart) / 60_000);
  }
}
