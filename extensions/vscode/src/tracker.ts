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
  /** Events are handled one after another, in the order VS Code fired them (each handler awaits
   * the file system or the clipboard, and the policies need time to move forward). */
  private chain: Promise<void> = Promise.resolve();
  private pausedNow: boolean;

  constructor(private readonly deps: TrackerDeps) {
    const config = vscode.workspace.getConfiguration('trackerDesktop');
    this.rules = readRules(config);
    this.breaks = new BreakReminder(config.get<number>('breakReminderMinutes') ?? 50);
    this.pausedNow = deps.context.globalState.get<boolean>(PAUSED_KEY) ?? false;
  }

  get paused(): boolean {
    return this.pausedNow;
  }

  /** Takes effect for events fired from now on; what came before is still sent. */
  async setPaused(paused: boolean): Promise<void> {
    this.pausedNow = paused;
    this.deps.onPauseChanged?.(paused);
    await this.deps.context.globalState.update(PAUSED_KEY, paused);
    if (paused) {
      await this.flush();
    }
  }

  start(): void {
    this.focused = vscode.window.state.focused;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) {
          this.enqueue((now) => this.activity(now, editor.document));
        }
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.onChange(event)),
      vscode.workspace.onDidSaveTextDocument((document) => this.enqueue((now) => this.activity(now, document, {}, true))),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        this.enqueue((now) => this.activity(now, event.textEditor.document));
      }),
      vscode.window.onDidChangeWindowState((state) => {
        this.focused = state.focused;
        if (state.focused) {
          this.enqueue((now) => this.activeActivity(now));
        }
      }),
      vscode.debug.onDidStartDebugSession(() => this.setCategoryCounter(() => (this.debugSessions += 1))),
      vscode.debug.onDidTerminateDebugSession(() => {
        this.setCategoryCounter(() => (this.debugSessions = Math.max(0, this.debugSessions - 1)));
      }),
      vscode.tasks.onDidStartTask((event) => {
        if (event.execution.task.group === vscode.TaskGroup.Build) {
          this.setCategoryCounter(() => (this.buildTasks += 1));
        }
      }),
      vscode.tasks.onDidEndTask((event) => {
        if (event.execution.task.group === vscode.TaskGroup.Build) {
          this.setCategoryCounter(() => (this.buildTasks = Math.max(0, this.buildTasks - 1)));
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
    this.enqueue((now) => this.activeActivity(now));
  }

  /** Waits for the events fired so far, then sends what is pending (deactivation). */
  async flush(): Promise<void> {
    await this.idle();
    await this.sendAll(this.policy.flush());
  }

  /** Resolves once every event fired so far has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(job: (now: number) => Promise<void>, evenWhenPaused = false): void {
    if (this.pausedNow && !evenWhenPaused) {
      return;
    }
    const now = this.deps.now();
    this.chain = this.chain.then(() => job(now)).catch((error) => this.deps.log(`event handling failed: ${String(error)}`));
  }

  /** The category is read when an event's data is built: change it in event order too. */
  private setCategoryCounter(change: () => void): void {
    // Counted even while paused (a session that ends while paused must not stay "debugging").
    const paused = this.pausedNow;
    this.enqueue(async (now) => {
      change();
      if (!paused) {
        await this.activeActivity(now);
      }
    }, true);
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
  tick(): Promise<void> {
    this.enqueue(async (now) => {
      // A debug session or a build going on while the window has focus is activity by itself.
      if ((this.debugSessions > 0 || this.buildTasks > 0) && this.focused) {
        await this.activeActivity(now);
      }
      await this.sendAll(this.policy.tick(now));
    });
    return this.chain;
  }

  private async activeActivity(now: number): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      await this.activity(now, editor.document);
    }
  }

  private onChange(event: vscode.TextDocumentChangeEvent): void {
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    if (event.contentChanges.length === 0 || event.document.uri.toString() !== active) {
      return; // a dirty-state flip, or an edit in a document nobody is looking at (e.g. a refactor)
    }
    const changes: TextChange[] = event.contentChanges.map((c) => ({
      text: c.text,
      removedLines: c.range.end.line - c.range.start.line,
    }));
    // Only a large insert needs the clipboard; read it now, before later events can change it.
    const clipboard = this.classifier.isBulk(changes) ? vscode.env.clipboard.readText() : undefined;
    this.enqueue(async (now) => {
      const result = this.classifier.classify(now, changes, clipboard ? await clipboard : undefined);
      const counts: Record<string, number> = {
        keys: result.keys,
        lines_added: result.added,
        lines_removed: result.removed,
        [`lines_${result.origin}`]: result.lines,
      };
      await this.activity(now, event.document, counts as Counts);
    });
  }

  private async activity(now: number, document: vscode.TextDocument, counts: Counts = {}, isWrite = false): Promise<void> {
    const data = await this.dataFor(document);
    if (!data) {
      return;
    }
    const coded = this.breaks.activity(now);
    if (coded !== undefined) {
      void vscode.window.showInformationMessage(
        `Tracker Desktop: you have been coding for ${coded} minutes without a break. Time to stretch?`,
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
