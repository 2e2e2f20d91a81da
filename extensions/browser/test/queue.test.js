import assert from 'node:assert/strict';
import { test } from 'node:test';

import { acknowledge, emptyQueue, enqueue, nextBatch, toMessage } from '../src/queue.js';

const hb = (n) => ({ source: 'browser', timestamp: `2026-11-30T10:00:${String(n).padStart(2, '0')}Z`,
  duration: 0, pulsetime: 80, data: { url: `https://${n}.test/`, domain: `${n}.test`, title: '',
    audible: false, incognito: false, browser: 'chromium' } });

test('heartbeats leave the queue only when acknowledged, oldest first', () => {
  let q = enqueue(emptyQueue(), [hb(1), hb(2)]);
  q = enqueue(q, [hb(3)]);
  const batch = nextBatch(q, 2);
  assert.deepEqual(batch?.items.map((i) => i.seq), [1, 2]);
  assert.equal(batch?.id, 'q1-2');
  // Sent, then the host went away: nothing is lost, the same batch goes again.
  assert.deepEqual(nextBatch(q, 2)?.items.map((i) => i.seq), [1, 2]);
  q = acknowledge(q, 2);
  assert.deepEqual(q.items.map((i) => i.seq), [3]);
  q = enqueue(q, [hb(4)]);
  assert.deepEqual(q.items.map((i) => i.seq), [3, 4]);
  q = acknowledge(q, 4);
  assert.equal(nextBatch(q), null);
  assert.equal(q.nextSeq, 5);
});

test('the queue is never mutated in place', () => {
  const q = emptyQueue();
  const q2 = enqueue(q, [hb(1)]);
  assert.equal(q.items.length, 0);
  acknowledge(q2, 1);
  assert.equal(q2.items.length, 1);
});

test('one heartbeat goes as `heartbeat`, more as a `heartbeats` flush', () => {
  const one = toMessage(/** @type {any} */ (nextBatch(enqueue(emptyQueue(), [hb(1)]))));
  assert.equal(one.type, 'heartbeat');
  assert.equal(one.id, 'q1-1');
  assert.equal(one.source, 'browser');
  const many = toMessage(/** @type {any} */ (nextBatch(enqueue(emptyQueue(), [hb(1), hb(2)]))));
  assert.equal(many.type, 'heartbeats');
  assert.equal(/** @type {any[]} */ (many.items).length, 2);
});
