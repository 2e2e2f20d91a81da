/** Splits an edit's line changes into typed, pasted and AI-inserted (WakaTime's
 * human_line_changes / ai_line_changes): a large insert (several lines, or a long run of text)
 * that equals the clipboard is a paste; one that arrives while nobody has typed for `quietMs`
 * is generated (a completion or an assistant applying an edit); everything else is typing.
 * Pure: time comes in as milliseconds. */

export type Origin = 'typed' | 'pasted' | 'ai';

export interface TextChange {
  text: string;
  /** Lines the replaced range spans beyond its first (range.end.line - range.start.line). */
  removedLines: number;
}

export interface Classified {
  origin: Origin;
  /** Newlines inserted / line breaks removed (the lines_added / lines_removed counts). */
  added: number;
  removed: number;
  /** Lines credited to the origin: newlines for typing, non-blank inserted lines otherwise. */
  lines: number;
  /** Keystrokes this change stands for (0 for generated text, 1 for a paste). */
  keys: number;
}

export interface ClassifierOptions {
  quietMs: number;
  bulkChars: number;
}

export const DEFAULT_CLASSIFIER: ClassifierOptions = { quietMs: 300, bulkChars: 40 };

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    n += 1;
  }
  return n;
}

function nonBlankLines(text: string): number {
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

/** Keystrokes behind a typed change: one per character, since a busy editor (VS Code in a
 * browser, notably) delivers several typed characters in one change event; one for a deletion
 * or an Enter with its auto-indentation. Multi-cursor edits repeat one keystroke per cursor. */
function typedKeys(changes: readonly TextChange[]): number {
  let keys = 1;
  for (const { text } of changes) {
    keys = Math.max(keys, /^\r?\n[ \t]*$/.test(text) ? 1 : text.length);
  }
  return keys;
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

export class LineChangeClassifier {
  private lastTypedAt = -Infinity;

  constructor(private readonly options: ClassifierOptions = DEFAULT_CLASSIFIER) {}

  /** Whether `changes` is large enough to need the clipboard to classify (read it only then). */
  isBulk(changes: readonly TextChange[]): boolean {
    const text = changes.map((c) => c.text).join('');
    return newlines(text) >= 2 || text.trim().length >= this.options.bulkChars;
  }

  classify(now: number, changes: readonly TextChange[], clipboard?: string): Classified {
    const text = changes.map((c) => c.text).join('');
    const added = newlines(text);
    const removed = changes.reduce((sum, c) => sum + c.removedLines, 0);
    if (!this.isBulk(changes)) {
      if (text !== '' || removed > 0 || changes.length > 0) {
        this.lastTypedAt = now;
      }
      return { origin: 'typed', added, removed, lines: added, keys: typedKeys(changes) };
    }
    const lines = nonBlankLines(text);
    const pasted = clipboard !== undefined && normalise(clipboard) !== ''
      && changes.some((c) => normalise(c.text) === normalise(clipboard));
    if (pasted) {
      return { origin: 'pasted', added, removed, lines, keys: 1 };
    }
    if (now - this.lastTypedAt >= this.options.quietMs) {
      return { origin: 'ai', added, removed, lines, keys: 0 };
    }
    // Typing right before: auto-indent, format-on-type or a snippet the person is typing into.
    this.lastTypedAt = now;
    return { origin: 'typed', added, removed, lines: added, keys: 1 };
  }
}
