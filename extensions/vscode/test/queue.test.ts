import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Heartbeat, Reply } from '../src/protocol';
import { HeartbeatQueue, LEASE_MS, QUEUE_PREFIX, StoredQueue } from '../src/queue';
import { Memento } from './helpers/vscode';

const offline = { connected: false, request: (): Promise<Reply> => Promise.reject(new Error('offline')) };

function hb(at: number, keys: number): Heartbeat {
  return {
    source: 'editor', timestamp: new Date(at).toISOString(), duration: 0, pulsetime: 150,
    data: { file: '/w/a.py', editor: 'vscode', category: 'coding' }, counts: { keys },
  };
}

test('each window queues under its own key; a gone window\'s queue is adopted, a live one\'s is not', async () => {
  const store = new Memento();
  let now = Date.parse('2026-11-30T10:00:00Z');
  const clock = (): number => now;
  const a = new HeartbeatQueue(store, offline, { id: 'a', now: clock });
  const b = new HeartbeatQueue(store, offline, { id: 'b', now: clock });
  await a.push(hb(now - 3000, 1));
  await b.push(hb(now - 2000, 2));
  await a.push(hb(now - 1000, 3));
  assert.deepEqual(a.items().map((h) => h.counts.keys), [1, 3], 'two windows never overwrite each other');
  assert.deepEqual(store.get<StoredQueue>(`${QUEUE_PREFIX}b`)?.items.map((h) => h.counts.keys), [2]);

  // A third window starts while both are alive: nothing to adopt.
  const c = new HeartbeatQueue(store, offline, { id: 'c', now: clock });
  assert.equal(await c.adoptOrphans(), 0);

  // a closes cleanly (released): adopted at once. b goes silent: adopted once its lease ran out.
  await a.release();
  assert.equal(await c.adoptOrphans(), 2);
  now += LEASE_MS / 2;
  assert.equal(await c.adoptOrphans(), 0, 'b is still within its lease');
  now += LEASE_MS;
  assert.equal(await c.adoptOrphans(), 1);
  assert.deepEqual(c.items().map((h) => h.counts.keys), [1, 2, 3], 'oldest first');
  assert.deepEqual(store.keys(), [`${QUEUE_PREFIX}c`]);
});

test('a window that keeps touching its queue keeps it', async () => {
  const store = new Memento();
  let now = 1_000_000;
  const a = new HeartbeatQueue(store, offline, { id: 'a', now: () => now });
  const c = new HeartbeatQueue(store, offline, { id: 'c', now: () => now });
  await a.push(hb(now, 1));
  for (let i = 0; i < 10; i++) {
    now += LEASE_MS / 4;
    await a.touch();
    assert.equal(await c.adoptOrphans(), 0);
  }
  assert.equal(a.size, 1);
});

test('an emptied queue leaves no key behind', async () => {
  const store = new Memento();
  const sent: unknown[] = [];
  const host = { connected: true, request: (m: Record<string, unknown>): Promise<Reply> => (sent.push(m), Promise.resolve({ type: 'ack', ok: true })) };
  const q = new HeartbeatQueue(store, host, { id: 'a' });
  await q.add(hb(Date.now(), 1));
  assert.equal(sent.length, 1);
  assert.equal((sent[0] as { durable?: boolean }).durable, true, 'durable acks requested');
  assert.equal(store.get(`${QUEUE_PREFIX}a`), undefined);
});
