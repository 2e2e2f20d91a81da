/** The outbox: every heartbeat is persisted (VS Code's globalState) before it is sent and dropped
 * only once the host has acknowledged it as committed, so a host that is missing, restarting or
 * killed — or a window reload — loses nothing.
 *
 * globalState is shared by every window, so each window keeps its own queue under its own key
 * (with the time its owner last touched it) and adopts the queues of windows that are gone: closed
 * cleanly (released) or silent for `LEASE_MS` (crashed). */
import { Heartbeat, Reply } from './protocol';

/** The part of vscode.Memento the queue uses. */
export interface Store {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
  keys(): readonly string[];
}

export interface Requester {
  readonly connected: boolean;
  request(message: Record<string, unknown>): Promise<Reply>;
}

/** What a window's queue key holds. */
export interface StoredQueue {
  items: Heartbeat[];
  /** When its window last touched it (ms since the epoch); 0 once released. */
  alive: number;
}

export const QUEUE_PREFIX = 'trackerDesktop.queue.';
/** A window touches its non-empty queue every `LEASE_MS / 4`; silent for longer, it is gone. */
export const LEASE_MS = 120_000;
/** Items per `heartbeats` frame: far under the host's 8 MiB inbound limit (≈ 400 bytes each). */
export const BATCH_SIZE = 500;
/** A month of 2-minute heartbeats; past it the oldest go (a bound, never reached in practice). */
export const MAX_QUEUED = 100_000;

export interface QueueOptions {
  /** This window's id (vscode.env.sessionId). */
  id: string;
  now?: () => number;
  log?: (message: string) => void;
}

export class HeartbeatQueue {
  private cache: Heartbeat[] | undefined;
  private flushing: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private readonly key: string;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(
    private readonly store: Store,
    private readonly host: Requester,
    options: QueueOptions,
  ) {
    this.key = QUEUE_PREFIX + options.id;
    this.now = options.now ?? (() => Date.now());
    this.log = options.log ?? (() => undefined);
  }

  get size(): number {
    return this.items().length;
  }

  /** The queue, oldest first. Read from the store once, then kept in memory (arrays are
   * replaced, never changed in place, so what the store holds is never altered behind it). */
  items(): readonly Heartbeat[] {
    this.cache ??= this.store.get<StoredQueue>(this.key)?.items ?? [];
    return this.cache;
  }

  /** Moves the queues of windows that are gone into this one (oldest first); returns how many
   * heartbeats were adopted. */
  async adoptOrphans(): Promise<number> {
    const adopted: Heartbeat[] = [];
    for (const key of this.store.keys()) {
      if (!key.startsWith(QUEUE_PREFIX) || key === this.key) {
        continue;
      }
      const other = this.store.get<StoredQueue>(key);
      if (other && this.now() - other.alive < LEASE_MS) {
        continue; // a live window: it sends its own
      }
      adopted.push(...(other?.items ?? []));
      await this.store.update(key, undefined);
    }
    if (adopted.length > 0) {
      // In time order with what is queued here: the host merges each source's heartbeats in order.
      const merged = [...adopted, ...this.items()].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      this.log(`adopted ${adopted.length} heartbeat(s) queued by windows that are gone`);
      await this.save(merged);
      void this.flush();
    }
    return adopted.length;
  }

  /** Tells other windows this queue is alive (call every `LEASE_MS / 4`). */
  async touch(): Promise<void> {
    if (this.items().length > 0) {
      await this.save([...this.items()]);
    }
  }

  /** On a clean shutdown: lets the next window adopt what is left at once. */
  async release(): Promise<void> {
    const items = [...this.items()];
    if (items.length > 0) {
      await this.store.update(this.key, { items, alive: 0 } satisfies StoredQueue);
    }
  }

  private async save(items: Heartbeat[]): Promise<void> {
    this.cache = items;
    await this.store.update(this.key, items.length > 0 ? ({ items, alive: this.now() } satisfies StoredQueue) : undefined);
  }

  /** Persists `heartbeat` and starts sending the queue; resolves once it is persisted (a long
   * backlog being flushed never holds up the caller). */
  async push(heartbeat: Heartbeat): Promise<void> {
    const items = [...this.items(), heartbeat];
    await this.save(items.length > MAX_QUEUED ? items.slice(-MAX_QUEUED) : items);
    void this.flush();
  }

  /** Persists `heartbeat`, then sends everything queued (while connected). */
  async add(heartbeat: Heartbeat): Promise<void> {
    await this.push(heartbeat);
    await this.flush();
  }

  /** Sends the queue in order while the host is connected; one flush at a time. Resolves once
   * everything queued before the call was sent (or the host went away). */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = undefined;
      });
      return this.flushing;
    }
    // The running flush may have looked at the queue before the latest items: once more after it.
    this.next ??= this.flushing.then(() => {
      this.next = undefined;
      return this.flush();
    });
    return this.next;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const items = this.items();
      if (items.length === 0 || !this.host.connected) {
        return;
      }
      const batch = items.slice(0, BATCH_SIZE);
      let reply: Reply;
      try {
        // durable: the host acks only once its writer has committed, so dropping an acked
        // heartbeat can never lose it, even if the host is then killed.
        reply = batch.length === 1
          ? await this.host.request({ type: 'heartbeat', durable: true, ...batch[0] })
          : await this.host.request({ type: 'heartbeats', durable: true, items: batch });
      } catch (error) {
        this.log(`queue kept (${items.length}): ${String(error)}`);
        return;
      }
      if (reply.type === 'error') {
        // The host judged the message itself invalid: resending it would fail forever.
        this.log(`host refused ${batch.length} heartbeat(s): ${reply.error}: ${reply.message}`);
      } else if (reply.type !== 'ack') {
        this.log(`unexpected reply ${JSON.stringify(reply)}; queue kept`);
        return;
      } else if (Array.isArray(reply.rejected)) {
        this.log(`host refused some heartbeats: ${JSON.stringify(reply.rejected)}`);
      }
      // Drop what was sent, keeping anything added while we waited.
      await this.save(this.items().slice(batch.length));
    }
  }
}
