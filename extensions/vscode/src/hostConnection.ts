/** Transport: spawns `tracker-desktop native-host`, speaks the framing over its stdin/stdout,
 * matches replies to requests by id, and respawns the host with backoff when it exits.
 * Node only (no vscode), so tests drive it against the real host process. */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import { EventEmitter } from 'events';
import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { encodeFrame, FocusState, FrameDecoder, Reply } from './protocol';

export interface HostConnectionOptions {
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  clientVersion: string;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class HostUnavailable extends Error {}

/**
 * Events: `connected` (the host answered `hello`; arg: the hello reply), `disconnected`
 * (arg: the reason), `focus` (arg: FocusState pushed by the host).
 */
export class HostConnection extends EventEmitter {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private ready = false;
  private stopped = true;
  private startedAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private readonly log: (message: string) => void;

  constructor(private readonly options: HostConnectionOptions) {
    super();
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.log = options.log ?? (() => undefined);
  }

  /** The running host's process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Takes effect at the next (re)start. */
  setCommand(command: string): void {
    this.options.command = command;
  }

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.spawnHost();
  }

  /** Sends `message` (an `id` is added) and resolves with the host's reply to it. */
  request(message: Record<string, unknown>, timeoutMs?: number): Promise<Reply> {
    return this.send(message, timeoutMs, true);
  }

  /** Closes the host's stdin (it flushes and exits 0) and waits for it; no respawn after. */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    this.stopped = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      return child?.exitCode ?? null;
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  private send(message: Record<string, unknown>, timeoutMs: number | undefined, needReady: boolean): Promise<Reply> {
    const child = this.child;
    if (!child || (needReady && !this.ready)) {
      return Promise.reject(new HostUnavailable('the tracker host is not running'));
    }
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostUnavailable(`no reply from the tracker host to ${String(message.type)}`));
      }, timeoutMs ?? this.options.requestTimeoutMs ?? 30_000);
      this.pending.set(id, { resolve, reject, timer });
      child.stdin.write(encodeFrame({ ...message, id }));
    });
  }

  private spawnHost(): void {
    const args = [...(this.options.args ?? []), 'native-host'];
    this.log(`starting ${this.options.command} ${args.join(' ')}`);
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(this.options.command, args, {
        env: this.options.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      this.onExit(`cannot start ${this.options.command}: ${String(error)}`);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    const decoder = new FrameDecoder();
    child.stdout.on('data', (chunk: Buffer) => {
      let messages: Reply[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        this.log(`broken stream from the host: ${String(error)}`);
        child.kill();
        return;
      }
      for (const message of messages) {
        this.onMessage(message);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => this.log(`host: ${chunk.toString('utf8').trimEnd()}`));
    // EPIPE when the host died mid-write: the exit handler deals with it.
    child.stdin.on('error', (error) => this.log(`host stdin: ${error.message}`));
    let gone = false;
    const exited = (reason: string): void => {
      if (!gone) {
        gone = true;
        if (this.child === child) {
          this.onExit(reason);
        }
      }
    };
    child.on('error', (error) => exited(`cannot run ${this.options.command}: ${error.message}`));
    child.on('exit', (code, signal) => exited(`host exited (${signal ?? code})`));
    this.send({ type: 'hello', client: 'vscode', version: this.options.clientVersion }, undefined, false).then(
      (reply) => {
        if (reply.type === 'hello' && reply.ok === true && this.child === child) {
          this.ready = true;
          this.emit('connected', reply);
          const focus = reply.focus as FocusState | undefined;
          if (focus) {
            this.emit('focus', focus);
          }
        } else if (this.child === child) {
          this.log(`unexpected hello reply: ${JSON.stringify(reply)}`);
        }
      },
      (error: Error) => this.log(`hello failed: ${error.message}`),
    );
  }

  private onMessage(message: Reply): void {
    if (message.type === 'focus' && message.id === undefined) {
      this.emit('focus', message as unknown as FocusState);
      return;
    }
    const id = typeof message.id === 'number' ? message.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) {
      this.log(`unmatched message from the host: ${JSON.stringify(message).slice(0, 500)}`);
      return;
    }
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(message);
  }

  private onExit(reason: string): void {
    const wasReady = this.ready;
    this.ready = false;
    this.child = undefined;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new HostUnavailable(reason));
      this.pending.delete(id);
    }
    this.log(reason);
    if (wasReady) {
      this.emit('disconnected', reason);
    }
    if (this.stopped) {
      return;
    }
    const delay = this.backoff.next(Date.now() - this.startedAt);
    this.log(`restarting the host in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) {
        this.spawnHost();
      }
    }, delay);
  }
}
