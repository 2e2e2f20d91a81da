// Pure bookkeeping of the deepest scroll per tab and URL (issue 9, seed 000), which the active
// tab's heartbeats carry as the gauge `counts.scroll_depth`. No chrome.* here: the worker keeps
// the record in chrome.storage.session (tab ids mean nothing after a browser restart).

/**
 * @typedef {{url: string, depth: number}} TabDepth
 * @typedef {Record<string, TabDepth>} Depths  keyed by tab id
 */

/** @type {Depths} */
export const NO_DEPTHS = {};

/**
 * A depth as a content script reported it, or null if it is not one (the host would refuse
 * anything but an integer 0..100 anyway; a page's own scripts cannot reach this message, but a
 * broken content script should not poison the queue).
 * @param {unknown} value @returns {number | null}
 */
export function validDepth(value) {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : null;
}

/**
 * `depths` with a new report for `tabId` at `url`: the maximum grows, and a report for another
 * URL than the one recorded starts that URL over.
 * @param {Depths} depths @param {number} tabId @param {string} url @param {number} depth
 * @returns {{depths: Depths, grew: boolean}}
 */
export function noteDepth(depths, tabId, url, depth) {
  const key = String(tabId);
  const prev = depths[key];
  if (prev && prev.url === url && prev.depth >= depth) return { depths, grew: false };
  return { depths: { ...depths, [key]: { url, depth } }, grew: true };
}

/**
 * The deepest scroll recorded for `tabId` while it shows `url`, or undefined.
 * @param {Depths} depths @param {number | undefined} tabId @param {string} url
 * @returns {number | undefined}
 */
export function depthOf(depths, tabId, url) {
  if (tabId === undefined) return undefined;
  const got = depths[String(tabId)];
  return got && got.url === url ? got.depth : undefined;
}

/**
 * `depths` once `tabId` navigated to `url` (a URL change resets the page's maximum) or closed
 * (`url` null).
 * @param {Depths} depths @param {number} tabId @param {string | null} url @returns {Depths}
 */
export function resetDepth(depths, tabId, url) {
  const key = String(tabId);
  const got = depths[key];
  if (!got || got.url === url) return depths;
  const { [key]: _gone, ...rest } = depths;
  return rest;
}
