/** Events → decisions → outbox: listens to VS Code, asks the pure policies (heartbeats.ts,
 * lineChanges.ts, exclusions.ts, breaks.ts) what to do, and hands heartbeats to the queue. */
import * as path from 'path';
import * as vscode from 'vscode';
import { BreakReminder } from './breaks';
import { ExclusionRules, isExcluded } from './exclusions';
import { readBranch } from './gitHead';
import { HeartbeatPolicy } from './heartbeats';
import { LineChangeClassifier, TextChange } from './lineChanges';
import { Category, Counts, EditorData, Heartbeat } from './protocol';

export const PAUSED_KEY = 'trackerDesktop.paused';
const TICK_MS = 15_000;
const TRACKED_SCHEMES = new Set(['file', 'vscode-remote']);

export interface TrackerDeps {
  context: vscode.ExtensionContext;
  send: (heartbeat: Heartbeat) => Promise<void>;
  now: () => number;
  log: (message: string) => void;
  onPauseChanged?: (paused: boolean) => void;
}

interface GitApi {
  getRepository(uri: vscode.Uri): { state: { HEAD?: { name?: string } } } | null;
}

export function readRules(config: vscode.WorkspaceConfiguration): ExclusionRules {
  return {
    globs: config.get<string[]>('exclude') ?? [],
    projects: config.get<string[]>('excludeProjects') ?? [],
    languages: config.get<string[]>('excludeLanguages') ?? [],
  };
}

export class EditorTracker implements vscode.Disposable {
  private readonly policy = new HeartbeatPolicy();
  private readonly classifier = new LineChangeClassifier();
  private readonly breaks: BreakReminder;
  private rules: ExclusionRules;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private debugSessions = 0;
  private buildTasks = 0;
  private focused = true;
  private gitApi: GitApi | undefined;
  private readonly branches = new Map<string, { branch: string | undefined; at: number }>();

  constructor(private readonly deps: TrackerDeps) {
    const config = vscode.workspace.getConfiguration('trackerDesktop');
    this.rules = readRules(config);
    this.breaks = new BreakReminder(config.get<number>('breakReminderMinutes') ?? 50);
  }

  get paused(): boolean {
    return this.deps.context.globalState.get<boolean>(PAUSED_KEY) ?? false;
  }

  async setPaused(paused: boolean): Promise<void> {
    if (paused) {
      await this.sendAll(this.policy.flush());
    }
    await this.deps.context.globalState.update(PAUSED_KEY, paused);
    this.deps.onPauseChanged?.(paused);
  }

  start(): void {
    this.focused = vscode.window.state.focused;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) {
          void this.activity(editor.document);
        }
      }),
      vscode.workspace.onDidChangeTextDocument((event) => void this.onChange(event)),
      vscode.workspace.onDidSaveTextDocument((document) => void this.activity(document, {}, true)),
      vscode.window.onDidChangeTextEditorSelection((event) => void this.activity(event.textEditor.document)),
      vscode.window.onDidChangeWindowState((state) => {
        this.focused = state.focused;
        if (state.focused) {
          void this.activeActivity();
        }
      }),
      vscode.debug.onDidStartDebugSession(() => {
        this.debugSessions += 1;
        void this.activeActivity();
      }),
      vscode.debug.onDidTerminateDebugSession(() => {
        this.debugSessions = Math.max(0, this.debugSessions - 1);
        void this.activeActivity();
      }),
      vscode.tasks.onDidStartTask((event) => {
        if (event.execution.task.group === vscode.TaskGroup.Build) {
          this.buildTasks += 1;
          void this.activeActivity();
        }
      }),
      vscode.tasks.onDidEndTask((event) => {
        if (event.execution.task.group === vscode.TaskGroup.Build) {
          this.buildTasks = Math.max(0, this.buildTasks - 1);
          void this.activeActivity();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('trackerDesktop')) {
          const config = vscode.workspace.getConfiguration('trackerDesktop');
          this.rules = readRules(config);
          this.breaks.setMinutes(config.get<number>('breakReminderMinutes') ?? 50);
        }
      }),
    );
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    void this.activeActivity();
  }

  /** Sends what is pending (deactivation). */
  async flush(): Promise<void> {
    await this.sendAll(this.policy.flush());
  }

  dispose(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }

  get category(): Category {
    return this.debugSessions > 0 ? 'debugging' : this.buildTasks > 0 ? 'building' : 'coding';
  }

  /** Runs the timer's work now (tests call it instead of waiting). */
  async tick(): Promise<void> {
    // A debug session or a build going on while the window has focus is activity by itself.
    if ((this.debugSessions > 0 || this.buildTasks > 0) && this.focused) {
      await this.activeActivity();
    }
    await this.sendAll(this.policy.tick(this.deps.now()));
  }

  private async activeActivity(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      await this.activity(editor.document);
    }
  }

  private async onChange(event: vscode.TextDocumentChangeEvent): Promise<void> {
    if (event.contentChanges.length === 0 || event.document !== vscode.window.activeTextEditor?.document) {
      return; // a dirty-state flip, or an edit in a document nobody is looking at (e.g. a refactor)
    }
    const changes: TextChange[] = event.contentChanges.map((c) => ({
      text: c.text,
      removedLines: c.range.end.line - c.range.start.line,
    }));
    const now = this.deps.now();
    // Only a large insert needs the clipboard (and reading it is asynchronous).
    const clipboard = this.classifier.isBulk(changes) ? await vscode.env.clipboard.readText() : undefined;
    const result = this.classifier.classify(now, changes, clipboard);
    const counts: Record<string, number> = {
      keys: result.keys,
      lines_added: result.added,
      lines_removed: result.removed,
      [`lines_${result.origin}`]: result.lines,
    };
    await this.activity(event.document, counts as Counts, false, now);
  }

  private async activity(document: vscode.TextDocument, counts: Counts = {}, isWrite = false, at?: number): Promise<void> {
    if (this.paused) {
      return;
    }
    const now = at ?? this.deps.now();
    const data = await this.dataFor(document);
    if (!data) {
      return;
    }
    if (this.breaks.activity(now)) {
      void vscode.window.showInformationMessage(
        `Tracker Desktop: you have been coding for ${this.breaks.streakMinutes(now) || 'many'} minutes without a break. Time to stretch?`,
      );
    }
    await this.sendAll(this.policy.record(now, data, counts, isWrite));
  }

  private async sendAll(heartbeats: Heartbeat[]): Promise<void> {
    for (const heartbeat of heartbeats) {
      await this.deps.send(heartbeat);
    }
  }

  private async dataFor(document: vscode.TextDocument): Promise<EditorData | undefined> {
    if (!TRACKED_SCHEMES.has(document.uri.scheme)) {
      return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const file = document.uri.fsPath;
    const relativePath = folder ? path.relative(folder.uri.fsPath, file) : undefined;
    const target = { path: file, relativePath, project: folder?.name, language: document.languageId };
    if (isExcluded(target, this.rules)) {
      return undefined;
    }
    const data: EditorData = { file, language: document.languageId, editor: 'vscode', category: this.category };
    if (folder) {
      data.project = folder.name;
    }
    const branch = await this.branchOf(document.uri, path.dirname(file));
    if (branch) {
      data.branch = branch;
    }
    return data;
  }

  private async branchOf(uri: vscode.Uri, dir: string): Promise<string | undefined> {
    const api = this.git();
    const fromApi = api?.getRepository(uri)?.state.HEAD?.name;
    if (fromApi) {
      return fromApi;
    }
    // .git/HEAD, read at most every 10 s per directory.
    const cached = this.branches.get(dir);
    const now = this.deps.now();
    if (cached && now - cached.at < 10_000) {
      return cached.branch;
    }
    const branch = await readBranch(dir);
    this.branches.set(dir, { branch, at: now });
    return branch;
  }

  private git(): GitApi | undefined {
    if (!this.gitApi) {
      const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
      if (extension?.isActive) {
        try {
          this.gitApi = extension.exports.getAPI(1);
        } catch (error) {
          this.deps.log(`git extension API unavailable: ${String(error)}`);
        }
      }
    }
    return this.gitApi;
  }
}
