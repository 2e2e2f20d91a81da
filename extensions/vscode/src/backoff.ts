/** Reconnect delays: exponential from `initialMs` up to `maxMs`, reset once a connection has
 * lasted `stableMs` (a host that dies at once must not be respawned in a tight loop). Pure. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 60_000, stableMs: 30_000 };

export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before the next attempt, given how long the last connection lasted. */
  next(lastUptimeMs: number): number {
    if (lastUptimeMs >= this.options.stableMs) {
      this.failures = 0;
    }
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures += 1;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
