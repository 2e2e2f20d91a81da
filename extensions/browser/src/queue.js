// The heartbeat queue, pure: every heartbeat is queued (persisted by the caller in
// chrome.storage) and leaves the queue only once the host acknowledged it, so nothing is lost
// while the host is missing or restarting. Unlike aw-watcher-web's, it drops nothing.

import { MAX_BATCH } from './config.js';

/**
 * @typedef {import('./heartbeat.js').Heartbeat} Heartbeat
 * @typedef {{seq: number, hb: Heartbeat}} Queued
 * @typedef {{items: Queued[], nextSeq: number}} Queue
 * @typedef {{id: string, lastSeq: number, items: Queued[]}} Batch
 */

/** @returns {Queue} */
export function emptyQueue() {
  return { items: [], nextSeq: 1 };
}

/** @param {Queue} q @param {readonly Heartbeat[]} heartbeats @returns {Queue} */
export function enqueue(q, heartbeats) {
  let seq = q.nextSeq;
  const added = heartbeats.map((hb) => ({ seq: seq++, hb }));
  return { items: [...q.items, ...added], nextSeq: seq };
}

/** The next batch to send (oldest first), or null when the queue is empty.
 * @param {Queue} q @param {number} [max] @returns {Batch | null} */
export function nextBatch(q, max = MAX_BATCH) {
  if (!q.items.length) return null;
  const items = q.items.slice(0, max);
  const lastSeq = items[items.length - 1].seq;
  return { id: `q${items[0].seq}-${lastSeq}`, lastSeq, items };
}

/** The queue without what the host acknowledged (every seq up to `lastSeq`).
 * @param {Queue} q @param {number} lastSeq @returns {Queue} */
export function acknowledge(q, lastSeq) {
  return { items: q.items.filter((i) => i.seq > lastSeq), nextSeq: q.nextSeq };
}

/** The host message for a batch: one `heartbeat`, or a `heartbeats` flush.
 * @param {Batch} batch @returns {Record<string, unknown>} */
export function toMessage(batch) {
  if (batch.items.length === 1) return { type: 'heartbeat', id: batch.id, ...batch.items[0].hb };
  return { type: 'heartbeats', id: batch.id, items: batch.items.map((i) => i.hb) };
}
