/** When to send editor heartbeats (vscode-wakatime's rules): at once on a save or when the file
 * (or the category: coding / debugging / building) changes, otherwise at most every `interval`
 * while there is activity. Counts accumulate between heartbeats and go with the next one for the
 * same data. Pure: time comes in as milliseconds since the epoch. */
import { Counts, EditorData, Heartbeat } from './protocol';

export interface PolicyOptions {
  /** At most this long between two heartbeats while active (WakaTime: 2 minutes). */
  intervalMs: number;
  /** Seconds the host may bridge between heartbeats of equal data; above `interval` so steady
   * activity lands as one event. */
  pulsetime: number;
}

export const DEFAULT_POLICY: PolicyOptions = { intervalMs: 120_000, pulsetime: 150 };

interface Pending {
  key: string;
  data: EditorData;
  counts: Counts;
  lastActivityAt: number;
  /** Activity or counts not yet sent. */
  dirty: boolean;
}

export function addCounts(into: Counts, more: Counts): Counts {
  const out: Record<string, number> = { ...(into as Record<string, number>) };
  for (const [name, value] of Object.entries(more)) {
    if (typeof value === 'number' && value > 0) {
      out[name] = (out[name] ?? 0) + value;
    }
  }
  return out as Counts;
}

function dataKey(data: EditorData): string {
  return JSON.stringify(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export class HeartbeatPolicy {
  private pending: Pending | undefined;
  private lastSentKey: string | undefined;
  private lastSentAt = -Infinity;

  constructor(private readonly options: PolicyOptions = DEFAULT_POLICY) {}

  /** Activity on `data` at `now` (an edit, a save, a switch, a selection...); returns the
   * heartbeats to send now, oldest first. */
  record(now: number, data: EditorData, counts: Counts = {}, isWrite = false): Heartbeat[] {
    const out: Heartbeat[] = [];
    const key = dataKey(data);
    if (this.pending && this.pending.key !== key) {
      if (this.pending.dirty) {
        // Close the previous file's stretch at its last activity, with its counts.
        out.push(this.emit(this.pending, this.pending.lastActivityAt));
      }
      this.pending = undefined;
    }
    const pending = this.pending ?? { key, data, counts: {}, lastActivityAt: now, dirty: false };
    this.pending = pending;
    pending.counts = addCounts(pending.counts, isWrite ? { ...counts, writes: 1 } : counts);
    pending.lastActivityAt = now;
    pending.dirty = true;
    if (isWrite || this.lastSentKey !== key || now - this.lastSentAt >= this.options.intervalMs) {
      out.push(this.emit(pending, now));
    }
    return out;
  }

  /** Called every few seconds: sends pending activity once `interval` has passed since the last
   * heartbeat, so a stretch of activity never goes more than `interval` unreported. */
  tick(now: number): Heartbeat[] {
    const pending = this.pending;
    if (pending?.dirty && now - this.lastSentAt >= this.options.intervalMs) {
      return [this.emit(pending, pending.lastActivityAt)];
    }
    return [];
  }

  /** Sends anything not yet sent (on deactivation). */
  flush(): Heartbeat[] {
    return this.pending?.dirty ? [this.emit(this.pending, this.pending.lastActivityAt)] : [];
  }

  private emit(pending: Pending, at: number): Heartbeat {
    const heartbeat: Heartbeat = {
      source: 'editor',
      timestamp: new Date(at).toISOString(),
      duration: 0,
      pulsetime: this.options.pulsetime,
      data: pending.data,
      counts: pending.counts,
    };
    pending.counts = {};
    pending.dirty = false;
    this.lastSentKey = pending.key;
    this.lastSentAt = Math.max(this.lastSentAt, at);
    return heartbeat;
  }
}
