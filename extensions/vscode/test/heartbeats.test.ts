import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addCounts, HeartbeatPolicy } from '../src/heartbeats';
import { EditorData } from '../src/protocol';

const T0 = Date.parse('2026-11-30T10:00:00Z');
const a: EditorData = { file: '/w/a.py', language: 'python', editor: 'vscode', category: 'coding', project: 'w' };
const b: EditorData = { ...a, file: '/w/b.ts', language: 'typescript' };
const sec = (s: number): number => T0 + s * 1000;

test('first activity sends; more activity within 2 minutes waits, then goes with the counts', () => {
  const p = new HeartbeatPolicy({ intervalMs: 120_000, pulsetime: 150 });
  const first = p.record(sec(0), a, { keys: 1 });
  assert.equal(first.length, 1);
  assert.equal(first[0].timestamp, '2026-11-30T10:00:00.000Z');
  assert.deepEqual(first[0].counts, { keys: 1 });
  assert.equal(first[0].pulsetime, 150);
  assert.deepEqual(p.record(sec(30), a, { keys: 2, lines_added: 1 }), []);
  assert.deepEqual(p.record(sec(90), a, { keys: 3 }), []);
  const later = p.record(sec(120), a, { keys: 1 });
  assert.equal(later.length, 1);
  assert.deepEqual(later[0].counts, { keys: 6, lines_added: 1 });
});

test('a save sends at once with writes: 1', () => {
  const p = new HeartbeatPolicy();
  p.record(sec(0), a);
  const saved = p.record(sec(5), a, { keys: 2 }, true);
  assert.equal(saved.length, 1);
  assert.deepEqual(saved[0].counts, { keys: 2, writes: 1 });
});

test('a file switch closes the previous file at its last activity, then opens the new one', () => {
  const p = new HeartbeatPolicy();
  p.record(sec(0), a);
  p.record(sec(40), a, { keys: 4 });
  const out = p.record(sec(50), b);
  assert.deepEqual(out.map((h) => [h.data.file, h.timestamp, h.counts]), [
    ['/w/a.py', '2026-11-30T10:00:40.000Z', { keys: 4 }],
    ['/w/b.ts', '2026-11-30T10:00:50.000Z', {}],
  ]);
});

test('a category change (debugging) is a new heartbeat', () => {
  const p = new HeartbeatPolicy();
  p.record(sec(0), a);
  const out = p.record(sec(1), { ...a, category: 'debugging' });
  assert.equal(out.at(-1)?.data.category, 'debugging');
});

test('tick reports activity left unsent once the interval passes, and only then', () => {
  const p = new HeartbeatPolicy({ intervalMs: 120_000, pulsetime: 150 });
  p.record(sec(0), a);
  p.record(sec(100), a, { keys: 1 });
  assert.deepEqual(p.tick(sec(110)), []);
  const out = p.tick(sec(125));
  assert.equal(out.length, 1);
  assert.equal(out[0].timestamp, '2026-11-30T10:01:40.000Z', 'stamped at the last activity, not the tick');
  assert.deepEqual(p.tick(sec(400)), [], 'nothing new: no heartbeat while idle');
  assert.deepEqual(p.flush(), []);
});

test('steady activity never leaves a gap over the pulsetime between heartbeats', () => {
  const p = new HeartbeatPolicy({ intervalMs: 120_000, pulsetime: 150 });
  const sent: number[] = [];
  for (let s = 0; s <= 3600; s += 7) {
    sent.push(...p.record(sec(s), a, { keys: 1 }).map((h) => Date.parse(h.timestamp)));
    if (s % 15 === 0) {
      sent.push(...p.tick(sec(s)).map((h) => Date.parse(h.timestamp)));
    }
  }
  sent.push(...p.flush().map((h) => Date.parse(h.timestamp)));
  for (let i = 1; i < sent.length; i++) {
    assert.ok(sent[i] - sent[i - 1] <= 150_000, `gap ${sent[i] - sent[i - 1]} ms`);
  }
  assert.ok(sent.length >= 30 && sent.length <= 40, `${sent.length} heartbeats for an hour`);
});

test('counts add and zeroes are dropped', () => {
  assert.deepEqual(addCounts({ keys: 1 }, { keys: 2, lines_added: 0, lines_ai: 3 }), { keys: 3, lines_ai: 3 });
});
