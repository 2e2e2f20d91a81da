// The transport and the outbox against the REAL `tracker-desktop native-host` process.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { HostConnection } from '../src/hostConnection';
import { Heartbeat } from '../src/protocol';
import { HeartbeatQueue, QUEUE_PREFIX, StoredQueue } from '../src/queue';
import { editorEvents, tempDir, trackerBin } from './helpers/host';
import { Memento } from './helpers/vscode';

const fast = { initialMs: 50, maxMs: 400, stableMs: 60_000 };

function heartbeat(file: string, at: number, counts: Heartbeat['counts'] = {}): Heartbeat {
  return {
    source: 'editor', timestamp: new Date(at).toISOString(), duration: 0, pulsetime: 150,
    data: { file, language: 'python', editor: 'vscode', category: 'coding', project: 'w' }, counts,
  };
}

function connection(dataDir: string, command = trackerBin): HostConnection {
  return new HostConnection({
    command, clientVersion: '0.1.0-test', backoff: fast,
    env: { ...process.env, TRACKER_DATA_DIR: dataDir },
  });
}

test('hello, a heartbeat, a today query; stdin closed → the host exits 0 with the heartbeat stored', async () => {
  const dataDir = tempDir('b2-host-');
  const conn = connection(dataDir);
  const connected = once(conn, 'connected');
  conn.start();
  const [hello] = await connected;
  assert.equal(hello.ok, true);
  assert.equal(typeof hello.version, 'string');
  const t = Date.now() - 60_000;
  const ack = await conn.request({ type: 'heartbeat', ...heartbeat('/w/a.py', t, { keys: 5, writes: 1 }) });
  assert.deepEqual([ack.type, ack.ok], ['ack', true]);
  const today = await conn.request({ type: 'query', what: 'today' });
  assert.equal(today.type, 'today');
  assert.equal(typeof today.coding_seconds, 'number');
  const bad = await conn.request({ type: 'query', what: 'yesterday' });
  assert.deepEqual([bad.type, bad.error], ['error', 'unknown_query']);
  assert.equal(await conn.stop(), 0);
  const events = editorEvents(dataDir);
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].data, { file: '/w/a.py', language: 'python', editor: 'vscode', category: 'coding', project: 'w' });
  assert.deepEqual(events[0].counts, { keys: 5, writes: 1 });
});

test('a killed host is respawned with backoff and the outbox sent to the new one; nothing lost', async () => {
  const dataDir = tempDir('b2-host-');
  const conn = connection(dataDir);
  const store = new Memento();
  const queue = new HeartbeatQueue(store, conn, { id: 'w1' });
  let connected = once(conn, 'connected');
  conn.start();
  await connected;
  conn.on('connected', () => void queue.flush());
  const t0 = Date.now() - 600_000;
  await queue.add(heartbeat('/w/a.py', t0, { keys: 1 }));
  assert.equal(queue.size, 0, 'acknowledged, so dropped from the outbox');

  // Killed right after the ack: the queue asks for durable acks, so the heartbeat is committed.
  const pid = conn.pid;
  assert.ok(pid);
  connected = once(conn, 'connected');
  const disconnected = once(conn, 'disconnected');
  process.kill(pid, 'SIGKILL');
  await disconnected;
  // While the host is down heartbeats wait in the (persisted) outbox.
  for (let i = 1; i <= 20; i++) {
    await queue.add(heartbeat(`/w/f${i % 3}.py`, t0 + i * 1000, { keys: 1 }));
  }
  assert.ok(queue.size > 0, 'queued while disconnected');
  assert.ok((store.get<StoredQueue>(`${QUEUE_PREFIX}w1`)?.items ?? []).length > 0, 'persisted in globalState');
  await connected;
  assert.notEqual(conn.pid, pid, 'a new host process');
  await queue.flush();
  assert.equal(queue.size, 0);
  assert.equal(await conn.stop(), 0);
  const events = editorEvents(dataDir);
  const keys = events.reduce((sum, e) => sum + (e.counts.keys ?? 0), 0);
  assert.equal(keys, 21, 'every keystroke count arrived exactly once');
});

test('a heartbeat the host refuses is dropped (logged), the ones after it still land', async () => {
  const dataDir = tempDir('b2-host-');
  const conn = connection(dataDir);
  const logs: string[] = [];
  const queue = new HeartbeatQueue(new Memento(), conn, { id: 'w1', log: (m) => logs.push(m) });
  const connected = once(conn, 'connected');
  conn.start();
  await connected;
  const naive = { ...heartbeat('/w/bad.py', Date.now()), timestamp: '2026-11-30T10:00:00' };
  await queue.add(naive);
  await queue.add(heartbeat('/w/good.py', Date.now() - 1000, { keys: 2 }));
  assert.equal(queue.size, 0);
  assert.ok(logs.some((l) => l.includes('invalid_heartbeat')), logs.join('\n'));
  assert.equal(await conn.stop(), 0);
  assert.deepEqual(editorEvents(dataDir).map((e) => e.data.file), ['/w/good.py']);
});

test('a missing executable: requests fail fast, retries back off, a later start works', async () => {
  const dataDir = tempDir('b2-host-');
  const logs: string[] = [];
  const conn = new HostConnection({
    command: '/nonexistent/tracker-desktop', clientVersion: 't', backoff: fast,
    env: { ...process.env, TRACKER_DATA_DIR: dataDir }, log: (m) => logs.push(m),
  });
  conn.start();
  await assert.rejects(conn.request({ type: 'query', what: 'today' }), /not running/);
  while (logs.filter((l) => l.startsWith('restarting')).length < 3) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const delays = logs.filter((l) => l.startsWith('restarting')).map((l) => Number(/in (\d+) ms/.exec(l)?.[1]));
  assert.deepEqual(delays.slice(0, 3), [50, 100, 200]);
  await conn.stop();
  conn.setCommand(trackerBin);
  const connected = once(conn, 'connected');
  conn.start();
  await connected;
  assert.equal(await conn.stop(), 0);
});
