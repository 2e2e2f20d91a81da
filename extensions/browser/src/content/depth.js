// How far down a page the person has read: pure functions shared by the content script (loaded
// before src/content/scroll.js, in the page's isolated world) and its unit tests (which run this
// file in a `vm` context). A classic script, not a module: content scripts declared in the
// manifest cannot be modules, and bundling one function is not worth a build step.

/**
 * The part of the page scrolled into view so far, in percent of its height, as an integer 0..100:
 * (scrollY + innerHeight) / scrollHeight. A page that fits the viewport is 100 (all of it was seen).
 * @param {{scrollY: number, innerHeight: number, scrollHeight: number}} m
 * @returns {number}
 */
function scrollDepth(m) {
  const { scrollY, innerHeight, scrollHeight } = m;
  // Nothing to go by: claim nothing was read rather than all of it.
  if (!Number.isFinite(scrollHeight) || !Number.isFinite(innerHeight) || innerHeight <= 0) return 0;
  if (scrollHeight <= innerHeight) return 100;
  const seen = (Math.max(0, Number.isFinite(scrollY) ? scrollY : 0) + innerHeight) / scrollHeight;
  return Math.min(100, Math.max(0, Math.round(seen * 100)));
}

/**
 * The deepest point reached on one document, reset when its URL changes (a single-page app moves
 * to another "page" without reloading the script). `offer` returns the depth to tell the
 * background, or null when the maximum did not grow: the background hears of each new maximum
 * once, at most 101 times a page.
 */
class MaxDepth {
  constructor() {
    /** @type {string | null} */
    this.url = null;
    this.max = -1;
  }

  /** @param {string} url @param {number} depth @returns {number | null} */
  offer(url, depth) {
    if (url !== this.url) {
      this.url = url;
      this.max = -1;
    }
    if (depth <= this.max) return null;
    this.max = depth;
    return depth;
  }
}
