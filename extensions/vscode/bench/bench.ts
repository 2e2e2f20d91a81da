// Figures for the VS Code extension (run by bench/bench_vscode_extension.py): the per-event cost
// of its decisions, the real host's start as the extension sees it, and an outbox backlog flushed
// to the real host with durable acks.
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { HeartbeatPolicy } from '../src/heartbeats';
import { HostConnection } from '../src/hostConnection';
import { LineChangeClassifier } from '../src/lineChanges';
import { EditorData, Heartbeat } from '../src/protocol';
import { HeartbeatQueue, QUEUE_PREFIX } from '../src/queue';
import { editorEvents, tempDir, trackerBin } from '../test/helpers/host';
import { Memento } from '../test/helpers/vscode';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

function decisions(): void {
  const n = 1_000_000;
  const policy = new HeartbeatPolicy();
  const classifier = new LineChangeClassifier();
  const data: EditorData[] = ['a.py', 'b.py', 'c.ts'].map((f) => ({ file: `/w/${f}`, language: 'python', editor: 'vscode', category: 'coding', project: 'w' }));
  let sent = 0;
  const t0 = performance.now();
  let now = Date.parse('2026-11-30T09:00:00Z');
  for (let i = 0; i < n; i++) {
    now += 150; // a keystroke every 150 ms, a file switch every 2,000 keystrokes
    const c = classifier.classify(now, [{ text: 'x', removedLines: 0 }]);
    sent += policy.record(now, data[Math.floor(i / 2000) % 3], { keys: c.keys }).length;
  }
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`decisions: ${us.toFixed(2)} µs per text-change event (policy + classifier), ${n.toLocaleString('en')} events, ${sent} heartbeats`);
}

async function startLatency(runs: number): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const conn = new HostConnection({ command: trackerBin, clientVersion: 'bench', env: { ...process.env, TRACKER_DATA_DIR: tempDir('b2-bench-') } });
    const t0 = performance.now();
    const connected = once(conn, 'connected');
    conn.start();
    await connected;
    times.push(performance.now() - t0);
    await conn.stop();
  }
  console.log(`host start (spawn -> hello reply), ${runs} runs: median ${median(times).toFixed(0)} ms, p90 ${p(times, 0.9).toFixed(0)} ms`);
}

async function backlog(n: number): Promise<void> {
  const dataDir = tempDir('b2-bench-');
  const conn = new HostConnection({ command: trackerBin, clientVersion: 'bench', env: { ...process.env, TRACKER_DATA_DIR: dataDir } });
  const store = new Memento();
  const t = Date.now() - n * 3000;
  const items: Heartbeat[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      source: 'editor', timestamp: new Date(t + i * 3000).toISOString(), duration: 0, pulsetime: 150,
      data: { file: `/w/f${Math.floor(i / 50) % 7}.py`, language: 'python', editor: 'vscode', category: 'coding', project: 'w' },
      counts: { keys: 3, lines_added: 1, lines_typed: 1 },
    });
  }
  await store.update(`${QUEUE_PREFIX}bench`, { items, alive: Date.now() });
  const queue = new HeartbeatQueue(store, conn, { id: 'bench' });
  const connected = once(conn, 'connected');
  conn.start();
  await connected;
  const t0 = performance.now();
  await queue.flush();
  const ms = performance.now() - t0;
  await conn.stop();
  const keys = editorEvents(dataDir).reduce((s, e) => s + (e.counts.keys ?? 0), 0);
  console.log(`outbox backlog: ${n.toLocaleString('en')} heartbeats flushed in ${ms.toFixed(0)} ms (${Math.round(n / (ms / 1000)).toLocaleString('en')}/s, batches of 500, durable acks); stored keys ${keys} of ${3 * n}`);
}

async function main(): Promise<void> {
  decisions();
  await startLatency(Number(process.env.RUNS ?? 10));
  await backlog(Number(process.env.BACKLOG ?? 20_000));
}

void main();
