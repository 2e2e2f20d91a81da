/** A stub of the `vscode` module: the API surface the extension uses, with events the tests fire
 * by hand. Only the editor is fake; the tests run the real host process behind it. */
import * as path from 'path';

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return new Disposable(() => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    });
  };
  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      listener(event);
    }
  }
  get count(): number {
    return this.listeners.length;
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  dispose(): void {
    this.fn();
  }
}

export enum StatusBarAlignment { Left = 1, Right = 2 }

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static from(parts: { scheme: string; path: string }): Uri {
    return new Uri(parts.scheme, parts.path);
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}

export class TaskGroup {
  static Build = new TaskGroup('build');
  static Test = new TaskGroup('test');
  private constructor(readonly id: string) {}
}

export class Memento {
  private values = new Map<string, unknown>();
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (structuredClone(this.values.get(key)) as T) : fallback;
  }
  update(key: string, value: unknown): Promise<void> {
    // Stored as a copy, like VS Code's JSON-backed storage; undefined removes the key.
    if (value === undefined) {
      this.values.delete(key);
    } else {
      this.values.set(key, structuredClone(value));
    }
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

export interface StubDocument {
  uri: Uri;
  languageId: string;
  fileName: string;
}

export interface StubEditor {
  document: StubDocument;
}

export interface StatusItem {
  text: string;
  tooltip: string;
  name: string;
  command: string;
  shown: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

const emitters = {
  activeEditor: new EventEmitter<StubEditor | undefined>(),
  selection: new EventEmitter<{ textEditor: StubEditor }>(),
  windowState: new EventEmitter<{ focused: boolean }>(),
  change: new EventEmitter<{ document: StubDocument; contentChanges: { text: string; range: Range }[]; reason?: number }>(),
  save: new EventEmitter<StubDocument>(),
  config: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  debugStart: new EventEmitter<unknown>(),
  debugEnd: new EventEmitter<unknown>(),
  taskStart: new EventEmitter<{ execution: { task: { group?: TaskGroup } } }>(),
  taskEnd: new EventEmitter<{ execution: { task: { group?: TaskGroup } } }>(),
};

/** Test controls and what the extension showed. */
export const stub = {
  emitters,
  activeTextEditor: undefined as StubEditor | undefined,
  config: new Map<string, unknown>(),
  clipboard: '',
  sessionId: 'window-1',
  focused: true,
  workspaceFolders: [] as { name: string; uri: Uri; index: number }[],
  messages: [] as string[],
  statusItems: [] as StatusItem[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  output: [] as string[],

  contexts: [] as { subscriptions: { dispose(): unknown }[] }[],

  /** Disposes what the extension registered (as VS Code does after deactivate) and clears state. */
  reset(): void {
    for (const context of this.contexts.splice(0)) {
      for (const d of context.subscriptions.splice(0)) {
        d.dispose();
      }
    }
    this.activeTextEditor = undefined;
    this.config.clear();
    this.clipboard = '';
    this.sessionId = `window-${Math.random().toString(36).slice(2)}`;
    this.focused = true;
    this.workspaceFolders = [];
    this.messages = [];
    this.statusItems = [];
    this.commands.clear();
    this.output = [];
  },

  document(file: string, languageId: string): StubDocument {
    return { uri: Uri.file(file), languageId, fileName: file };
  },

  /** Makes `document` the active editor, as clicking its tab does. */
  open(document: StubDocument): StubEditor {
    const editor = { document };
    this.activeTextEditor = editor;
    emitters.activeEditor.fire(editor);
    return editor;
  },

  /** One text-change event inserting `text` at `line` (replacing `removedLines` lines). */
  edit(document: StubDocument, text: string, line = 0, removedLines = 0): void {
    const range = new Range(new Position(line, 0), new Position(line + removedLines, 0));
    emitters.change.fire({ document, contentChanges: [{ text, range }] });
  },

  save(document: StubDocument): void {
    emitters.save.fire(document);
  },
};

export const window = {
  get activeTextEditor(): StubEditor | undefined {
    return stub.activeTextEditor;
  },
  get state(): { focused: boolean } {
    return { focused: stub.focused };
  },
  onDidChangeActiveTextEditor: emitters.activeEditor.event,
  onDidChangeTextEditorSelection: emitters.selection.event,
  onDidChangeWindowState: emitters.windowState.event,
  createStatusBarItem(): StatusItem {
    const item: StatusItem = {
      text: '', tooltip: '', name: '', command: '', shown: false,
      show() { item.shown = true; },
      hide() { item.shown = false; },
      dispose() { item.shown = false; },
    };
    stub.statusItems.push(item);
    return item;
  },
  createOutputChannel() {
    return { appendLine: (line: string) => stub.output.push(line), dispose: () => undefined };
  },
  showInformationMessage(message: string): Promise<undefined> {
    stub.messages.push(message);
    return Promise.resolve(undefined);
  },
  showWarningMessage(message: string): Promise<undefined> {
    stub.messages.push(message);
    return Promise.resolve(undefined);
  },
  showErrorMessage(message: string): Promise<undefined> {
    stub.messages.push(message);
    return Promise.resolve(undefined);
  },
};

export const workspace = {
  getConfiguration(section: string) {
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        const value = stub.config.get(`${section}.${key}`);
        return value === undefined ? fallback : (value as T);
      },
    };
  },
  getWorkspaceFolder(uri: Uri) {
    return stub.workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath + path.sep));
  },
  onDidChangeTextDocument: emitters.change.event,
  onDidSaveTextDocument: emitters.save.event,
  onDidChangeConfiguration: emitters.config.event,
};

export const debug = {
  onDidStartDebugSession: emitters.debugStart.event,
  onDidTerminateDebugSession: emitters.debugEnd.event,
};

export const tasks = {
  onDidStartTask: emitters.taskStart.event,
  onDidEndTask: emitters.taskEnd.event,
};

export const commands = {
  registerCommand(id: string, fn: (...args: unknown[]) => unknown): Disposable {
    stub.commands.set(id, fn);
    return new Disposable(() => stub.commands.delete(id));
  },
  executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const fn = stub.commands.get(id);
    return fn ? Promise.resolve(fn(...args)) : Promise.reject(new Error(`no command ${id}`));
  },
};

export const env = {
  clipboard: {
    readText: (): Promise<string> => Promise.resolve(stub.clipboard),
  },
  /** A new one per window (re)load: stub.reset() draws another. */
  get sessionId(): string {
    return stub.sessionId;
  },
};

export const extensions = {
  getExtension: (): undefined => undefined,
};

/** An ExtensionContext with a fresh (or the given) globalState, as on a window (re)load. */
export function extensionContext(globalState = new Memento()) {
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    globalState,
    extension: { packageJSON: { version: '0.1.0-test' } },
  };
  stub.contexts.push(context);
  return context;
}
