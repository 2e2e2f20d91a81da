/** The native-messaging framing and message shapes (docs/native-messaging.md): a 4-byte
 * little-endian length, then UTF-8 JSON. Pure: no I/O, no vscode. */

/** Host → extension frames are at most 1 MiB; anything longer means a broken stream. */
export const MAX_INBOUND_FRAME = 1024 * 1024;

export interface EditorData {
  file: string;
  project?: string;
  language?: string;
  editor: string;
  branch?: string;
  category: Category;
}

export type Category = 'coding' | 'debugging' | 'building';

export interface Counts {
  keys?: number;
  lines_added?: number;
  lines_removed?: number;
  lines_typed?: number;
  lines_pasted?: number;
  lines_ai?: number;
  writes?: number;
}

/** One heartbeat as queued and sent (the `heartbeat` message without `type`/`id`). */
export interface Heartbeat {
  source: 'editor';
  timestamp: string;
  duration: number;
  pulsetime: number;
  data: EditorData;
  counts: Counts;
}

export interface FocusState {
  active: boolean;
  until: string | null;
  blocklist?: string[];
  phase?: string | null;
  remaining_seconds?: number | null;
}

export interface TodaySummary {
  type: 'today';
  date: string;
  active_seconds: number;
  coding_seconds: number;
  productivity_score: number | null;
  streak_days?: number;
  projects?: { name: string; seconds: number }[];
  languages?: { name: string; seconds: number }[];
  categories?: { name: string; seconds: number }[];
  focus?: FocusState;
}

export interface Reply {
  type: string;
  id?: string | number | null;
  ok?: boolean;
  error?: string;
  message?: string;
  [key: string]: unknown;
}

export function encodeFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a byte stream into decoded messages; chunks may cut frames anywhere. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  /** Returns the complete messages in `chunk`; throws on a frame over the limit or bad JSON. */
  push(chunk: Buffer): Reply[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Reply[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32LE(0);
      if (length > MAX_INBOUND_FRAME) {
        throw new Error(`frame of ${length} bytes is over the ${MAX_INBOUND_FRAME}-byte limit`);
      }
      if (this.buffer.length < 4 + length) {
        break;
      }
      const body = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      const message: unknown = JSON.parse(body);
      if (typeof message !== 'object' || message === null || typeof (message as Reply).type !== 'string') {
        throw new Error('frame is not a message object');
      }
      out.push(message as Reply);
    }
    return out;
  }

  /** Bytes of an incomplete frame still waiting (a non-zero value at end of stream = truncated). */
  get pending(): number {
    return this.buffer.length;
  }
}
