// All chrome.storage access goes through here: one typed record of what the worker keeps
// (an MV3 service worker is stopped after 30 s without events; nothing lives only in memory).

import { DEFAULT_SETTINGS } from './heartbeat.js';
import { emptyQueue } from './queue.js';
import { NO_DEPTHS } from './scroll.js';

/**
 * @typedef {import('./heartbeat.js').Settings} Settings
 * @typedef {import('./heartbeat.js').Current} Current
 * @typedef {import('./queue.js').Queue} Queue
 * @typedef {import('./blocker.js').FocusState} FocusState
 * @typedef {import('./clock.js').ClockSpec} ClockSpec
 * @typedef {'unknown' | 'connected' | 'missing' | 'disconnected'} HostStatus
 * @typedef {{
 *   settings: Settings,
 *   queue: Queue,
 *   current: Current | null,
 *   focus: FocusState | null,
 *   hostStatus: HostStatus,
 *   hostError: string,
 *   idle: boolean,
 *   browserFocused: boolean,
 *   testClock: ClockSpec | null,
 *   testAlarmMinutes: number | null,
 * }} Store
 */

/** @type {Store} */
const DEFAULTS = {
  settings: DEFAULT_SETTINGS,
  queue: emptyQueue(),
  current: null,
  focus: null,
  hostStatus: 'unknown',
  hostError: '',
  idle: false,
  browserFocused: true,
  testClock: null,
  testAlarmMinutes: null,
};

/**
 * @template {keyof Store} K
 * @param {K} key
 * @returns {Promise<Store[K]>}
 */
export async function get(key) {
  const got = await chrome.storage.local.get(key);
  return /** @type {Store[K]} */ (key in got ? got[key] : DEFAULTS[key]);
}

/**
 * @template {keyof Store} K
 * @param {K} key @param {Store[K]} value
 */
export async function set(key, value) {
  await chrome.storage.local.set({ [key]: value });
}

/**
 * Call `fn` with the new value whenever `key` changes (in any of the extension's pages).
 * @template {keyof Store} K
 * @param {K} key @param {(value: Store[K]) => void} fn
 */
export function onChange(key, fn) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && key in changes) {
      const change = changes[key];
      fn(/** @type {Store[K]} */ ('newValue' in change ? change.newValue : DEFAULTS[key]));
    }
  });
}

// What lasts only as long as the browser session (chrome.storage.session, in memory, never on
// disk): tab ids are reused after a restart, so what is keyed by them must not outlive it.

/**
 * @typedef {import('./scroll.js').Depths} Depths
 * @typedef {{
 *   depths: Depths,
 * }} SessionStore
 */

/** @type {SessionStore} */
const SESSION_DEFAULTS = {
  depths: NO_DEPTHS,
};

/**
 * @template {keyof SessionStore} K
 * @param {K} key
 * @returns {Promise<SessionStore[K]>}
 */
export async function getSession(key) {
  const got = await chrome.storage.session.get(key);
  return /** @type {SessionStore[K]} */ (key in got ? got[key] : SESSION_DEFAULTS[key]);
}

/**
 * @template {keyof SessionStore} K
 * @param {K} key @param {SessionStore[K]} value
 */
export async function setSession(key, value) {
  await chrome.storage.session.set({ [key]: value });
}
