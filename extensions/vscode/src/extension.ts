/** Composition root of the extension: builds the host connection, the outbox, the tracker and
 * the status bar, and registers the commands. */
import { spawn } from 'child_process';
import * as vscode from 'vscode';
import { BackoffOptions } from './backoff';
import { formatDuration } from './format';
import { HostConnection } from './hostConnection';
import { FocusState, TodaySummary } from './protocol';
import { HeartbeatQueue, LEASE_MS } from './queue';
import { StatusBar } from './statusBar';
import { EditorTracker } from './tracker';

const REFRESH_MS = 60_000;

/** What `activate` returns: used by the tests (and handy for other extensions). */
export interface TrackerApi {
  readonly connection: HostConnection;
  readonly queue: HeartbeatQueue;
  readonly tracker: EditorTracker;
  readonly statusBar: StatusBar;
  refreshToday(): Promise<TodaySummary | undefined>;
}

let running: { api: TrackerApi; dispose: () => Promise<void> } | undefined;

function executable(): string {
  return vscode.workspace.getConfiguration('trackerDesktop').get<string>('executable') || 'tracker-desktop';
}

export interface ActivateOptions {
  now?: () => number;
  backoff?: BackoffOptions;
}

export function activate(context: vscode.ExtensionContext): TrackerApi {
  return activateWith(context, {});
}

/** `activate` with the seams tests use: a clock and faster reconnects. */
export function activateWith(context: vscode.ExtensionContext, options: ActivateOptions): TrackerApi {
  const output = vscode.window.createOutputChannel('Tracker Desktop');
  const log = (message: string): void => output.appendLine(`${new Date().toISOString()} ${message}`);
  const version = String((context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0.0.0');
  const connection = new HostConnection({ command: executable(), clientVersion: version, log, backoff: options.backoff });
  const now = options.now ?? (() => Date.now());
  const queue = new HeartbeatQueue(context.globalState, connection, { id: vscode.env.sessionId, now, log });
  const statusBar = new StatusBar();
  const tracker = new EditorTracker({
    context,
    now,
    log,
    send: async (heartbeat) => {
      await queue.push(heartbeat);
      statusBar.update({ queued: queue.size });
    },
    onPauseChanged: (paused) => statusBar.update({ paused }),
  });

  const refreshToday = async (): Promise<TodaySummary | undefined> => {
    if (!connection.connected) {
      return undefined;
    }
    try {
      const reply = await connection.request({ type: 'query', what: 'today' });
      if (reply.type === 'today') {
        const today = reply as unknown as TodaySummary;
        statusBar.update({ today, focus: today.focus ?? undefined });
        return today;
      }
      log(`today query: ${JSON.stringify(reply)}`);
    } catch (error) {
      log(`today query failed: ${String(error)}`);
    }
    return undefined;
  };

  connection.on('connected', () => {
    statusBar.update({ connected: true });
    void queue.flush().then(() => {
      statusBar.update({ queued: queue.size });
      return refreshToday();
    });
  });
  connection.on('disconnected', () => statusBar.update({ connected: false, queued: queue.size }));
  connection.on('focus', (focus: FocusState) => statusBar.update({ focus }));

  const showToday = async (): Promise<void> => {
    const today = await refreshToday();
    if (!today) {
      void vscode.window.showWarningMessage(`Tracker Desktop: the tracker host is not reachable (${queue.size} heartbeats waiting).`);
      return;
    }
    const projects = (today.projects ?? []).slice(0, 3).map((p) => `${p.name} ${formatDuration(p.seconds)}`).join(', ');
    const score = today.productivity_score == null ? '' : `; score ${Math.round(today.productivity_score)}`;
    void vscode.window.showInformationMessage(
      `Today: coding ${formatDuration(today.coding_seconds)}, active ${formatDuration(today.active_seconds)}${score}` +
        (projects ? `; projects: ${projects}` : ''),
    );
  };

  /** Starts `tracker-desktop dashboard` (a window of its own); resolves once it has started, or
   * with the reason it could not (also shown to the user). */
  const openDashboard = (): Promise<string | undefined> => new Promise((resolve) => {
    const child = spawn(executable(), ['dashboard'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const fail = (reason: string): void => {
      if (settled) return; // the window was up: how it ends later is its own business
      settled = true;
      clearTimeout(started);
      void vscode.window.showErrorMessage(`Tracker Desktop: cannot open the dashboard: ${reason}`);
      resolve(reason);
    };
    child.on('error', (error) => fail(error.message));
    // 'close', not 'exit': 'exit' can come before the last of stderr has been read, and the
    // reason would be lost.
    child.on('close', (code) => {
      if (code !== 0) {
        fail(stderr.trim().split('\n').pop() || `exit code ${code}`);
      }
    });
    // Still running after a few seconds: it is up; let it live on its own.
    const started = setTimeout(() => {
      settled = true;
      child.stderr.destroy();
      child.unref();
      resolve(undefined);
    }, 3000);
  });

  context.subscriptions.push(
    output,
    statusBar,
    tracker,
    vscode.commands.registerCommand('trackerDesktop.pause', () => tracker.setPaused(true)),
    vscode.commands.registerCommand('trackerDesktop.resume', () => tracker.setPaused(false)),
    vscode.commands.registerCommand('trackerDesktop.showToday', showToday),
    vscode.commands.registerCommand('trackerDesktop.openDashboard', openDashboard),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('trackerDesktop.executable')) {
        void connection.stop().then(() => {
          connection.setCommand(executable());
          connection.start();
        });
      }
    }),
  );
  const refresher = setInterval(() => {
    void refreshToday();
    void queue.adoptOrphans(); // windows that crashed with heartbeats queued
  }, REFRESH_MS);
  const toucher = setInterval(() => void queue.touch(), LEASE_MS / 4);
  void queue.adoptOrphans();
  statusBar.update({ paused: tracker.paused, queued: queue.size });
  connection.start();
  tracker.start();

  const api: TrackerApi = { connection, queue, tracker, statusBar, refreshToday };
  running = {
    api,
    dispose: async () => {
      clearInterval(refresher);
      clearInterval(toucher);
      await tracker.flush();
      tracker.dispose();
      await queue.flush();
      await queue.release();
      await connection.stop();
    },
  };
  return api;
}

export async function deactivate(): Promise<void> {
  const current = running;
  running = undefined;
  await current?.dispose();
}
