// The background worker: listens to the browser, asks the pure modules what to do, and hands the
// result to storage and the host. MV3 workers are stopped when idle, so every listener is
// registered synchronously at the top level and all state lives in chrome.storage.

import { now, setClock } from './clock.js';
import { ALARM_NAME, ALARM_PERIOD_MINUTES, IDLE_SECONDS, INSTALL_HINT } from './config.js';
import { browserName, decideHeartbeats, deeper, pageOf } from './heartbeat.js';
import { HostPort } from './host.js';
import { acknowledge, enqueue, nextBatch, toMessage } from './queue.js';
import { RULE_ID_LIMIT, rulesFor } from './blocker.js';
import { depthOf, noteDepth, resetDepth, validDepth } from './scroll.js';
import * as store from './storage.js';

/**
 * @typedef {import('./heartbeat.js').Reason} Reason
 * @typedef {import('./blocker.js').FocusState} FocusState
 * @typedef {import('./host.js').HostMessage} HostMessage
 */

const nav = /** @type {Navigator & {userAgentData?: {brands: {brand: string}[]}, brave?: unknown}} */ (navigator);
const BROWSER = browserName({ userAgent: nav.userAgent, brands: nav.userAgentData?.brands, isBrave: 'brave' in nav });

// State changes run one at a time: two events must not read-modify-write storage at once.
/** @type {Promise<unknown>} */
let chain = Promise.resolve();
/** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
function serial(fn) {
  const run = chain.then(fn);
  chain = run.catch((e) => console.error('tracker:', e));
  return run;
}

let inFlight = false;

const host = new HostPort(BROWSER, {
  onConnected: (hello) => {
    serial(async () => {
      // The focus state first: whoever sees "connected" (the popup, a blocked page) sees the
      // host's focus state with it.
      if (hello.focus) await applyFocus(/** @type {FocusState} */ (hello.focus));
      await store.set('hostError', '');
      await store.set('hostStatus', 'connected');
      await updateBadge();
    }).then(flush);
  },
  onDisconnected: (missing, error) => {
    inFlight = false;
    serial(async () => {
      await store.set('hostStatus', missing ? 'missing' : 'disconnected');
      await store.set('hostError', error);
      await updateBadge();
    });
  },
  onPush: (msg) => {
    if (msg.type === 'focus') serial(() => applyFocus(/** @type {FocusState} */ (msg)));
  },
});

/** @param {FocusState} focus */
async function applyFocus(focus) {
  await store.set('focus', focus);
  const rules = rulesFor(focus, chrome.runtime.getURL('src/blocked.html'));
  const existing = await chrome.declarativeNetRequest.getDynamicRules();
  await chrome.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: existing.map((r) => r.id).filter((id) => id <= RULE_ID_LIMIT),
    addRules: rules,
  });
}

async function updateBadge() {
  const status = await store.get('hostStatus');
  const ok = status === 'connected';
  await chrome.action.setBadgeText({ text: ok ? '' : '!' });
  if (!ok) await chrome.action.setBadgeBackgroundColor({ color: '#c62828' });
  await chrome.action.setTitle({
    title: ok ? 'Tracker Desktop'
      : status === 'missing' ? `Tracker Desktop: the host is not installed. ${INSTALL_HINT}`
        : 'Tracker Desktop: not connected to the host; heartbeats are kept until it is back',
  });
}

/**
 * The page in front, the tab showing it and the deepest scroll recorded on it.
 * @param {import('./heartbeat.js').Settings} settings
 * @returns {Promise<{page: import('./heartbeat.js').PageData | null, front: import('./heartbeat.js').Front}>}
 */
async function activePage(settings) {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  const page = pageOf(tab, settings, BROWSER);
  if (!page || tab?.id === undefined) return { page, front: {} };
  return { page, front: { tabId: tab.id, scrollDepth: depthOf(await store.getSession('depths'), tab.id, page.url) } };
}

/** Record what is in front now. @param {Reason} reason */
function track(reason) {
  return serial(async () => {
    const settings = await store.get('settings');
    const off = settings.paused || (await store.get('idle')) || !(await store.get('browserFocused'));
    const { page, front } = off ? { page: null, front: {} } : await activePage(settings);
    const { heartbeats, current } = decideHeartbeats(await store.get('current'), page, now(), reason, front);
    if (heartbeats.length) await store.set('queue', enqueue(await store.get('queue'), heartbeats));
    await store.set('current', current);
  }).then(flush);
}

/** Send the oldest queued heartbeats; they leave the queue once the host acknowledged them. */
function flush() {
  return serial(async () => {
    if (!host.connected || inFlight) return;
    const batch = nextBatch(await store.get('queue'));
    if (!batch) return;
    inFlight = true;
    host.request(toMessage(batch)).then((reply) => serial(async () => {
      inFlight = false;
      // A database failure on the host: keep them, the next alarm tries again.
      if (reply.type === 'error' && reply.error === 'internal') return false;
      // An ack, or an error saying they can never be taken: either way they are done.
      if (reply.type === 'error') console.warn('tracker: the host refused heartbeats:', reply.message);
      await store.set('queue', acknowledge(await store.get('queue'), batch.lastSeq));
      return true;
    }).then((more) => { if (more) flush(); }), () => { inFlight = false; });
  });
}

async function ensureAlarm() {
  const period = (await store.get('testAlarmMinutes')) ?? ALARM_PERIOD_MINUTES;
  const alarm = await chrome.alarms.get(ALARM_NAME);
  if (!alarm || alarm.periodInMinutes !== period) {
    await chrome.alarms.create(ALARM_NAME, { periodInMinutes: period, delayInMinutes: period });
  }
}

/**
 * A content script's new deepest scroll on its page (src/content/scroll.js). Kept only where the
 * page's heartbeats are sent (not in a private window unless allowed, not on an excluded site,
 * not while paused), for the tab and URL it came from; the page's next heartbeat carries it.
 * @param {unknown} reported @param {string} url @param {chrome.runtime.MessageSender} sender
 */
function noteScroll(reported, url, sender) {
  const tab = sender.tab;
  const depth = validDepth(reported);
  // Only the top frame measures; a report from a page the tab already left is stale.
  if (!tab || tab.id === undefined || sender.frameId !== 0 || depth === null || url !== tab.url) return;
  const tabId = tab.id;
  serial(async () => {
    const settings = await store.get('settings');
    if (settings.paused || !pageOf(tab, settings, BROWSER)) return;
    const { depths, grew } = noteDepth(await store.getSession('depths'), tabId, url, depth);
    if (!grew) return;
    await store.setSession('depths', depths);
    const current = await store.get('current');
    const updated = deeper(current, tabId, url, depth);
    if (updated !== current) await store.set('current', updated);
  });
}

/** A tab navigated (`url`) or closed (null): its recorded depth is for a page it no longer shows.
 * @param {number} tabId @param {string | null} url */
function forgetDepth(tabId, url) {
  serial(async () => {
    const depths = await store.getSession('depths');
    const kept = resetDepth(depths, tabId, url);
    if (kept !== depths) await store.setSession('depths', kept);
  });
}

// -- listeners (top level, synchronous) ----------------------------------------------------------
chrome.tabs.onActivated.addListener(() => { track('tab_switch'); });
chrome.tabs.onRemoved.addListener((tabId) => { forgetDepth(tabId, null); });
chrome.tabs.onUpdated.addListener((id, change, tab) => {
  if (change.url) forgetDepth(id, change.url);
  if (tab.active && (change.url || change.title || 'audible' in change || change.status === 'complete')) {
    track('update');
  }
});
chrome.windows.onFocusChanged.addListener((windowId) => {
  serial(() => store.set('browserFocused', windowId !== chrome.windows.WINDOW_ID_NONE))
    .then(() => track('window'));
});
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name !== ALARM_NAME) return;
  if (!host.port) host.connect();
  track('alarm');
});
chrome.idle.onStateChanged.addListener((state) => {
  serial(() => store.set('idle', state !== 'active')).then(() => track('idle'));
});
chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (msg?.kind === 'scroll') {
    noteScroll(msg.depth, String(msg.url), sender);
    return false;
  }
  // The rest is for the extension's own pages (the popup), never for a content script.
  if (!sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
  if (msg?.kind === 'today') {
    host.request({ type: 'query', what: 'today' }).then(sendResponse,
      (e) => sendResponse({ type: 'error', message: String(e?.message ?? e) }));
    return true;
  }
  if (msg?.kind === 'status') {
    Promise.all([store.get('hostStatus'), store.get('hostError'), store.get('focus'),
      store.get('settings'), store.get('queue'), store.get('current')])
      .then(([hostStatus, hostError, focus, settings, queue, current]) => sendResponse({
        hostStatus, hostError, focus, settings, queued: queue.items.length, current,
      }));
    return true;
  }
  if (msg?.kind === 'settings') {
    serial(() => store.set('settings', msg.settings)).then(() => track('pause'))
      .then(() => sendResponse({ ok: true }));
    return true;
  }
  return false;
});
store.onChange('testClock', (spec) => setClock(spec));
store.onChange('testAlarmMinutes', () => { ensureAlarm(); });

async function start() {
  setClock(await store.get('testClock'));
  chrome.idle.setDetectionInterval(IDLE_SECONDS);
  await ensureAlarm();
  host.connect();
  await track('start');
}

start();
