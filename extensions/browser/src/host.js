// Transport: the native-messaging port to `tracker-desktop native-host`. Keeps it open (an open
// port keeps an MV3 worker alive since Chrome 105), reconnects with back-off when it drops, and
// matches replies to requests by id. No decisions here.

import { HOST_NAME, RECONNECT_MAX_MS, RECONNECT_MIN_MS, VERSION } from './config.js';

/**
 * @typedef {Record<string, any>} HostMessage
 * @typedef {{onConnected: (hello: HostMessage) => void,
 *            onDisconnected: (missing: boolean, error: string) => void,
 *            onPush: (msg: HostMessage) => void}} HostEvents
 */

export class HostPort {
  /** @param {string} client @param {HostEvents} events */
  constructor(client, events) {
    this.client = client;
    this.events = events;
    /** @type {chrome.runtime.Port | null} */
    this.port = null;
    this.connected = false;
    /** @type {Map<string, {resolve: (m: HostMessage) => void, reject: (e: Error) => void}>} */
    this.pending = new Map();
    this.backoff = RECONNECT_MIN_MS;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.retryTimer = null;
    this.counter = 0;
  }

  connect() {
    if (this.port) return;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    let port;
    try {
      port = chrome.runtime.connectNative(HOST_NAME);
    } catch (e) {
      this.dropped(true, String(e));
      return;
    }
    this.port = port;
    port.onMessage.addListener((msg) => this.received(msg));
    port.onDisconnect.addListener(() => {
      const error = chrome.runtime.lastError?.message ?? '';
      if (this.port === port) this.dropped(/not found|not registered|no such native/i.test(error), error);
    });
    // The host answers hello with the focus state; the first tab's load happened before we ran.
    this.request({ type: 'hello', client: this.client, version: VERSION }).then((hello) => {
      this.connected = true;
      this.backoff = RECONNECT_MIN_MS;
      this.events.onConnected(hello);
    }, () => {});
  }

  /** @param {boolean} missing @param {string} error */
  dropped(missing, error) {
    this.port = null;
    this.connected = false;
    for (const p of this.pending.values()) p.reject(new Error(error || 'the host disconnected'));
    this.pending.clear();
    this.events.onDisconnected(missing, error);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, this.backoff);
    this.backoff = Math.min(this.backoff * 2, RECONNECT_MAX_MS);
  }

  /** @param {HostMessage} msg */
  received(msg) {
    const id = typeof msg.id === 'string' ? msg.id : null;
    const waiting = id !== null ? this.pending.get(id) : undefined;
    if (id !== null && waiting) {
      this.pending.delete(id);
      waiting.resolve(msg);
    } else {
      this.events.onPush(msg);
    }
  }

  /**
   * Send a message and wait for the reply with its id (the message's own `id`, else a new one).
   * @param {HostMessage} msg @returns {Promise<HostMessage>}
   */
  request(msg) {
    const port = this.port;
    if (!port) return Promise.reject(new Error('the host is not connected'));
    const id = typeof msg.id === 'string' ? msg.id : `r${++this.counter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        port.postMessage({ ...msg, id });
      } catch (e) {
        this.pending.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }
}
