// The whole extension under a stub `vscode` module (events fired by hand, a fake clock) with the
// REAL host process behind it: what lands in the database is read back with `tracker-desktop events`.
import './helpers/register';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import * as vscode from 'vscode';
import { activateWith, deactivate } from '../src/extension';
import { QUEUE_PREFIX, StoredQueue } from '../src/queue';
import { editorEvents, sumCounts, tempDir, trackerBin } from './helpers/host';
import { extensionContext, Memento, stub, TaskGroup, Uri } from './helpers/vscode';

class FakeClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

function workspace(branch: string): { repo: string; file: string } {
  const repo = tempDir('b2-ws-');
  execFileSync('git', ['init', '-q', '-b', branch, repo]);
  fs.mkdirSync(path.join(repo, 'src'));
  const file = path.join(repo, 'src', 'app.py');
  fs.writeFileSync(file, '');
  stub.workspaceFolders = [{ name: path.basename(repo), uri: Uri.file(repo), index: 0 }];
  return { repo, file };
}


afterEach(async () => {
  await deactivate();
  stub.reset();
});

test('edits and a save land as one editor event: file, project, branch, language, keys, lines, writes', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', trackerBin);
  const { repo, file } = workspace('feature/tracking');
  const clock = new FakeClock(Date.now() - 30 * 60_000);
  const api = activateWith(extensionContext() as unknown as vscode.ExtensionContext, { now: clock.now });
  await once(api.connection, 'connected');

  const doc = stub.document(file, 'python');
  stub.open(doc);
  for (const ch of 'def f():') {
    clock.advance(150);
    stub.edit(doc, ch);
  }
  clock.advance(150);
  stub.edit(doc, '\n    ');
  // A paste of three lines, then (after a quiet second) an assistant inserting four.
  stub.clipboard = 'a = 1\nb = 2\nc = 3\n';
  clock.advance(2000);
  stub.edit(doc, 'a = 1\nb = 2\nc = 3\n', 1);
  clock.advance(1000);
  stub.edit(doc, 'def g(x):\n    y = x * 2\n    z = y + 1\n    return z\n', 4, 1);
  await api.tracker.idle();
  clock.advance(1000);
  stub.save(doc);
  await api.tracker.idle();
  await api.queue.flush();
  assert.equal(api.queue.size, 0);
  await deactivate();

  const events = editorEvents(dataDir);
  assert.equal(events.length, 1, JSON.stringify(events));
  assert.deepEqual(events[0].data, {
    file, language: 'python', editor: 'vscode', category: 'coding',
    project: path.basename(repo), branch: 'feature/tracking',
  });
  assert.deepEqual(events[0].counts, {
    keys: 10, lines_added: 8, lines_removed: 1, lines_typed: 1, lines_pasted: 3, lines_ai: 4, writes: 1,
  });
  assert.ok(events[0].duration >= 4, `duration ${events[0].duration} s spans the edits`);
});

test('a file switch, a debug session and a build task are separate events with their category', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', trackerBin);
  const { repo, file } = workspace('main');
  const other = path.join(repo, 'src', 'util.ts');
  fs.writeFileSync(other, '');
  const clock = new FakeClock(Date.now() - 30 * 60_000);
  const api = activateWith(extensionContext() as unknown as vscode.ExtensionContext, { now: clock.now });
  await once(api.connection, 'connected');
  const a = stub.document(file, 'python');
  const b = stub.document(other, 'typescript');
  stub.open(a);
  clock.advance(10_000);
  stub.edit(a, 'x');
  clock.advance(10_000);
  stub.open(b);
  clock.advance(5_000);
  stub.emitters.debugStart.fire({});
  clock.advance(130_000); // the debugger runs: ticks report it while the window has focus
  await api.tracker.tick();
  stub.emitters.debugEnd.fire({});
  clock.advance(1_000);
  stub.emitters.taskStart.fire({ execution: { task: { group: TaskGroup.Build } } });
  clock.advance(1_000);
  stub.emitters.taskEnd.fire({ execution: { task: { group: TaskGroup.Build } } });
  await api.tracker.idle();
  await deactivate();

  const events = editorEvents(dataDir);
  const seen = events.map((e) => [path.basename(String(e.data.file)), e.data.category, e.data.language]);
  assert.deepEqual(seen, [
    ['app.py', 'coding', 'python'],
    ['util.ts', 'coding', 'typescript'],
    ['util.ts', 'debugging', 'typescript'],
    ['util.ts', 'coding', 'typescript'],
    ['util.ts', 'building', 'typescript'],
    ['util.ts', 'coding', 'typescript'],
  ]);
  assert.equal(events[0].duration, 10, 'app.py ends at its last edit');
  assert.ok(events[2].duration >= 130, `the debug session lasted ${events[2].duration} s`);
  assert.equal(sumCounts(events).keys, 1);
});

test('exclusions and pause: nothing recorded for excluded files or while paused', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', trackerBin);
  stub.config.set('trackerDesktop.exclude', ['**/secret/**']);
  const { repo, file } = workspace('main');
  const clock = new FakeClock(Date.now() - 30 * 60_000);
  const api = activateWith(extensionContext() as unknown as vscode.ExtensionContext, { now: clock.now });
  await once(api.connection, 'connected');
  const secret = stub.document(path.join(repo, 'secret', 'k.py'), 'python');
  stub.open(secret);
  stub.edit(secret, 'x');
  stub.save(secret);
  await vscode.commands.executeCommand('trackerDesktop.pause');
  assert.equal(api.statusBar.text, '$(debug-pause) Tracking paused');
  const doc = stub.document(file, 'python');
  stub.open(doc);
  stub.edit(doc, 'y');
  stub.save(doc);
  clock.advance(5000);
  await vscode.commands.executeCommand('trackerDesktop.resume');
  stub.edit(doc, 'z');
  await api.tracker.idle();
  await deactivate();
  const events = editorEvents(dataDir);
  assert.deepEqual(events.map((e) => [path.basename(String(e.data.file)), e.counts]), [['app.py', { keys: 1 }]]);
});

test('no host: heartbeats wait in globalState across a window reload and land once it is found', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', path.join(dataDir, 'not-installed', 'tracker-desktop'));
  const { file } = workspace('main');
  const globalState = new Memento();
  const clock = new FakeClock(Date.now() - 30 * 60_000);
  let api = activateWith(extensionContext(globalState) as unknown as vscode.ExtensionContext, { now: clock.now });
  const doc = stub.document(file, 'python');
  stub.open(doc);
  stub.edit(doc, 'a');
  clock.advance(1000);
  stub.save(doc);
  await api.tracker.idle();
  assert.match(api.statusBar.text, /offline/);
  await deactivate();
  const keys = globalState.keys().filter((k) => k.startsWith(QUEUE_PREFIX));
  assert.equal(keys.length, 1);
  const queued = globalState.get<StoredQueue>(keys[0]);
  assert.equal(queued?.items.length, 2, 'the switch and the save, persisted');
  assert.equal(queued?.alive, 0, 'released by the clean shutdown');
  assert.deepEqual(editorEvents(dataDir), []);

  // Reload the window with the host installed: the same globalState, a new extension instance.
  stub.reset();
  workspace('main');
  stub.config.set('trackerDesktop.executable', trackerBin);
  api = activateWith(extensionContext(globalState) as unknown as vscode.ExtensionContext, { now: clock.now });
  await once(api.connection, 'connected');
  while (api.queue.size > 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(globalState.keys().filter((k) => k.startsWith(QUEUE_PREFIX)), [], 'adopted and sent');
  await vscode.commands.executeCommand('trackerDesktop.showToday');
  assert.match(stub.messages.at(-1) ?? '', /^Today: coding \d+ m, active \d+ m/);
  await deactivate();
  const events = editorEvents(dataDir);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].counts, { keys: 1, writes: 1 });
});

test('a break reminder as a notification after 25 minutes of coding without a pause', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', trackerBin);
  stub.config.set('trackerDesktop.breakReminderMinutes', 25);
  const { file } = workspace('main');
  const clock = new FakeClock(Date.now() - 60 * 60_000);
  const api = activateWith(extensionContext() as unknown as vscode.ExtensionContext, { now: clock.now });
  await once(api.connection, 'connected');
  const doc = stub.document(file, 'python');
  stub.open(doc);
  for (let minute = 1; minute <= 24; minute++) {
    clock.advance(60_000);
    stub.edit(doc, 'x');
  }
  await api.tracker.idle();
  assert.deepEqual(stub.messages, [], 'not yet');
  clock.advance(60_000);
  stub.edit(doc, 'x');
  await api.tracker.idle();
  assert.equal(stub.messages.length, 1);
  assert.match(stub.messages[0], /coding for 25 minutes without a break/);
});

test('Open Dashboard runs `<executable> dashboard` and shows why when it cannot start', async () => {
  // A stand-in executable (not the tracker) that fails like a tracker without a dashboard would.
  const dir = tempDir('b2-dash-');
  const fake = path.join(dir, 'tracker-desktop');
  fs.writeFileSync(fake, '#!/bin/sh\necho "$@" > "$(dirname "$0")/ran-$1"\necho "tracker-desktop: no display" >&2\nexit 2\n', { mode: 0o755 });
  stub.config.set('trackerDesktop.executable', fake);
  workspace('main');
  activateWith(extensionContext() as unknown as vscode.ExtensionContext, { backoff: { initialMs: 60_000, maxMs: 60_000, stableMs: 1 } });
  const failure = await vscode.commands.executeCommand('trackerDesktop.openDashboard');
  assert.equal(failure, 'tracker-desktop: no display');
  assert.equal(fs.readFileSync(path.join(dir, 'ran-dashboard'), 'utf8'), 'dashboard\n');
  assert.match(stub.messages.at(-1) ?? '', /cannot open the dashboard: tracker-desktop: no display/);
  stub.config.set('trackerDesktop.executable', path.join(dir, 'missing'));
  assert.match(String(await vscode.commands.executeCommand('trackerDesktop.openDashboard')), /ENOENT/);
});

test('a focus session started from the CLI shows in the status bar (the host pushes it)', async () => {
  const dataDir = tempDir('b2-ext-');
  process.env.TRACKER_DATA_DIR = dataDir;
  stub.config.set('trackerDesktop.executable', trackerBin);
  workspace('main');
  const api = activateWith(extensionContext() as unknown as vscode.ExtensionContext, {});
  await once(api.connection, 'connected');
  const focus = once(api.connection, 'focus');
  execFileSync(trackerBin, ['focus', 'start', '--mode', 'countdown', '--minutes', '25'], {
    env: { ...process.env, TRACKER_DATA_DIR: dataDir },
  });
  const [state] = await focus;
  assert.equal(state.active, true);
  assert.match(api.statusBar.text, /\$\(target\) 2[45] m$/);
  execFileSync(trackerBin, ['focus', 'stop'], { env: { ...process.env, TRACKER_DATA_DIR: dataDir } });
  const [ended] = await once(api.connection, 'focus');
  assert.equal(ended.active, false);
  assert.doesNotMatch(api.statusBar.text, /target/);
});
