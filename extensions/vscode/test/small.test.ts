import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import './helpers/register';
import { BreakReminder } from '../src/breaks';
import { isExcluded } from '../src/exclusions';
import { formatDuration } from '../src/format';
import { branchFromHead, readBranch } from '../src/gitHead';
import { statusText } from '../src/statusBar';
import { tempDir } from './helpers/host';

test('exclusions: globs on absolute or workspace-relative paths, projects, languages', () => {
  const rules = { globs: ['**/secrets/**', '*.env', '**/node_modules/**'], projects: ['private'], languages: ['plaintext'] };
  const t = (p: string, extra = {}): boolean => isExcluded({ path: p, relativePath: path.relative('/w', p), project: 'w', language: 'python', ...extra }, rules);
  assert.equal(t('/w/src/app.py'), false);
  assert.equal(t('/w/secrets/key.py'), true);
  assert.equal(t('/w/.env'), true, 'dotfiles are matched too');
  assert.equal(t('/w/prod.env'), true);
  assert.equal(t('/w/node_modules/x/index.js'), true);
  assert.equal(t('/w/src/app.py', { project: 'private' }), true);
  assert.equal(t('/w/notes.txt', { language: 'plaintext' }), true);
});

test('break reminder after N minutes of unbroken activity; a 5-minute pause resets it', () => {
  const r = new BreakReminder(50);
  const min = (m: number): number => m * 60_000;
  const due: number[] = [];
  for (let m = 0; m <= 49; m++) {
    const minutes = r.activity(min(m));
    if (minutes !== undefined) due.push(minutes);
  }
  assert.deepEqual(due, []);
  assert.equal(r.activity(min(50)), 50);
  assert.equal(r.activity(min(51)), undefined, 'once, then again after another 50');
  assert.equal(r.activity(min(58)), undefined, 'a 7-minute pause starts a new stretch');
  assert.equal(r.streakMinutes(min(59)), 1);
  for (let m = 60; m < 108; m += 4) assert.equal(r.activity(min(m)), undefined);
  assert.equal(r.activity(min(108)), 50);
  const off = new BreakReminder(0);
  assert.equal(off.activity(0), undefined);
  assert.equal(off.activity(min(4)), undefined, '0 turns reminders off');
});

test('durations and the status bar text', () => {
  assert.equal(formatDuration(59), '0 m');
  assert.equal(formatDuration(3 * 3600 + 5 * 60), '3 h 05 m');
  const today = { type: 'today' as const, date: '2026-11-30', active_seconds: 7200, coding_seconds: 4980, productivity_score: 71.6 };
  assert.equal(statusText({ paused: false, connected: true, queued: 0, today }).text, '$(clock) 1 h 23 m');
  assert.match(statusText({ paused: false, connected: true, queued: 0, today }).tooltip, /score 72/);
  assert.equal(statusText({ paused: true, connected: true, queued: 0, today }).text, '$(debug-pause) Tracking paused');
  assert.match(statusText({ paused: false, connected: false, queued: 3 }).tooltip, /3 heartbeats waiting/);
  const focus = { active: true, until: null, remaining_seconds: 600 };
  assert.equal(statusText({ paused: false, connected: true, queued: 0, today, focus }).text, '$(clock) 1 h 23 m $(target) 10 m');
});

test('the branch is read from .git/HEAD of a real repository, from any subdirectory', async () => {
  assert.equal(branchFromHead('ref: refs/heads/feature/x\n'), 'feature/x');
  assert.equal(branchFromHead('3f1c0d2e8a\n'), undefined, 'detached HEAD');
  const repo = tempDir('b2-git-');
  execFileSync('git', ['init', '-q', '-b', 'topic/editor', repo]);
  fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
  assert.equal(await readBranch(path.join(repo, 'src', 'deep')), 'topic/editor');
  execFileSync('git', ['-C', repo, 'checkout', '-q', '-b', 'second']);
  assert.equal(await readBranch(repo), 'second');
  assert.equal(await readBranch(tempDir('b2-nogit-')), undefined);
});
