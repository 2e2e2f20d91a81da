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

  /** Activity at `now`; true when a reminder is due. */
  activity(now: number): boolean {
    if (this.streakStart === undefined || now - this.lastActivity >= this.gapMs) {
      this.streakStart = now;
    }
    this.lastActivity = now;
    if (this.minutes > 0 && now - this.streakStart >= this.minutes * 60_000) {
      this.streakStart = now;
      return true;
    }
    return false;
  }

  /** Minutes of the current unbroken stretch at `now` (0 after a pause). */
  streakMinutes(now: number): number {
    if (this.streakStart === undefined || now - this.lastActivity >= this.gapMs) {
      return 0;
    }
    return Math.floor((now - this.streakStart) / 60_000);
  }
}
