// Pure decisions: which page is in front, and which heartbeats a change (or a tick) sends.
// No chrome.* here: tested with `node --test`.

import { PULSETIME_SECONDS } from './config.js';

/**
 * @typedef {{url: string, domain: string, title: string, audible: boolean,
 *            incognito: boolean, browser: string}} PageData
 * @typedef {{data: PageData, lastSent: number, tabId?: number, scrollDepth?: number}} Current
 *   lastSent: ms since the epoch; tabId: the tab showing it; scrollDepth: its deepest scroll
 * @typedef {{tabId?: number, scrollDepth?: number}} Front  the tab showing the page in front, and
 *   the deepest scroll recorded on it (percent, 0..100)
 * @typedef {{source: 'browser', timestamp: string, duration: number, pulsetime: number,
 *            data: PageData, counts?: Record<string, number>}} Heartbeat
 * @typedef {{url?: string, title?: string, audible?: boolean, incognito: boolean}} TabLike
 * @typedef {{trackIncognito: boolean, excludedDomains: string[], paused: boolean}} Settings
 * @typedef {'tab_switch' | 'update' | 'window' | 'alarm' | 'idle' | 'start' | 'pause'} Reason
 */

/** @type {Settings} */
export const DEFAULT_SETTINGS = { trackIncognito: false, excludedDomains: [], paused: false };

/** @param {string} url */
export function domainOf(url) {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * A domain is excluded when it is one of `excluded` or a subdomain of one.
 * @param {string} domain @param {readonly string[]} excluded
 */
export function isExcluded(domain, excluded) {
  if (!domain) return false;
  return excluded.some((d) => {
    const e = d.trim().toLowerCase();
    return e !== '' && (domain === e || domain.endsWith('.' + e));
  });
}

/**
 * The page to record for the active tab, or null for "nothing to record" (no tab, a private
 * window when those are not tracked, an excluded site, the browser's own pages).
 * @param {TabLike | null | undefined} tab @param {Settings} settings @param {string} browser
 * @returns {PageData | null}
 */
export function pageOf(tab, settings, browser) {
  if (!tab || !tab.url) return null;
  if (tab.incognito && !settings.trackIncognito) return null;
  if (!/^(https?|file):/i.test(tab.url)) return null;
  const domain = domainOf(tab.url);
  if (isExcluded(domain, settings.excludedDomains)) return null;
  return {
    url: tab.url,
    domain,
    title: tab.title ?? '',
    audible: Boolean(tab.audible),
    incognito: Boolean(tab.incognito),
    browser,
  };
}

/** @param {PageData} a @param {PageData} b */
export function samePage(a, b) {
  return a.url === b.url && a.title === b.title && a.audible === b.audible
    && a.incognito === b.incognito && a.browser === b.browser && a.domain === b.domain;
}

/**
 * @param {PageData} data @param {number} at @param {Record<string, number>} [counts]
 * @returns {Heartbeat}
 */
export function heartbeatOf(data, at, counts) {
  /** @type {Heartbeat} */
  const hb = {
    source: 'browser', timestamp: new Date(at).toISOString(), duration: 0,
    pulsetime: PULSETIME_SECONDS, data,
  };
  if (counts && Object.keys(counts).length) hb.counts = counts;
  return hb;
}

/**
 * The gauge a heartbeat carries for a scroll depth: the host keeps the maximum of a page's
 * heartbeats (a gauge, never summed), so every heartbeat may repeat it.
 * @param {number | undefined} depth @returns {Record<string, number>}
 */
function scrollCounts(depth) {
  return depth === undefined ? {} : { scroll_depth: depth };
}

/**
 * What a change (or a tick) sends. When the page in front changes, the previous page gets a last
 * heartbeat at this instant, so its event ends exactly at the switch; the new page starts one.
 * A tick with the same page extends it. A previous page not heard of for longer than the pulse
 * (the worker slept, the computer was suspended) is not stretched over the gap.
 * Each page's heartbeats carry its deepest scroll so far (`front` for the new page, what `prev`
 * kept for the previous one: scrolling since its last heartbeat is not lost at a switch).
 * @param {Current | null} prev @param {PageData | null} page @param {number} now
 * @param {Reason} reason @param {Front} [front]
 * @returns {{heartbeats: Heartbeat[], current: Current | null}}
 */
export function decideHeartbeats(prev, page, now, reason, front = {}) {
  /** @type {Heartbeat[]} */
  const heartbeats = [];
  const changed = !prev || !page || !samePage(prev.data, page);
  const fresh = prev !== null && now - prev.lastSent <= PULSETIME_SECONDS * 1000 && now >= prev.lastSent;
  if (prev && changed && fresh) heartbeats.push(heartbeatOf(prev.data, now, scrollCounts(prev.scrollDepth)));
  if (!page) return { heartbeats, current: null };
  heartbeats.push(heartbeatOf(page, now, {
    ...(reason === 'tab_switch' ? { tab_switches: 1 } : {}), ...scrollCounts(front.scrollDepth),
  }));
  /** @type {Current} */
  const current = { data: page, lastSent: now };
  if (front.tabId !== undefined) current.tabId = front.tabId;
  if (front.scrollDepth !== undefined) current.scrollDepth = front.scrollDepth;
  return { heartbeats, current };
}

/**
 * `current` once the tab showing it reported a deeper scroll (unchanged otherwise), so the
 * page's last heartbeat carries it even when no heartbeat went out since.
 * @param {Current | null} current @param {number} tabId @param {string} url @param {number} depth
 * @returns {Current | null}
 */
export function deeper(current, tabId, url, depth) {
  if (!current || current.tabId !== tabId || current.data.url !== url) return current;
  if (current.scrollDepth !== undefined && current.scrollDepth >= depth) return current;
  return { ...current, scrollDepth: depth };
}

/**
 * The browser's name as the analysis knows it (`data.browser`).
 * @param {{userAgent: string, brands?: readonly {brand: string}[], isBrave?: boolean}} nav
 */
export function browserName(nav) {
  if (/Firefox\//.test(nav.userAgent)) return 'firefox';
  if (nav.isBrave) return 'brave';
  const brands = (nav.brands ?? []).map((b) => b.brand);
  if (brands.includes('Microsoft Edge') || /Edg\//.test(nav.userAgent)) return 'edge';
  if (brands.includes('Google Chrome')) return 'chrome';
  if (brands.includes('Chromium')) return 'chromium';
  return /Chrome\//.test(nav.userAgent) ? 'chrome' : 'browser';
}
