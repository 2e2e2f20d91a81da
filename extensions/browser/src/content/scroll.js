// Content script (http/https pages, top frame): measures the deepest scroll reached on the page and
// tells the background each time it grows. The background decides whether the page is recorded
// at all (private windows, excluded sites, pause), exactly as for its heartbeats.
// Uses scrollDepth and MaxDepth from ./depth.js, loaded before this file.

(() => {
  /** Measuring reads layout (scrollHeight): at most once per THROTTLE_MS while scrolling. */
  const THROTTLE_MS = 250;
  const tracked = new MaxDepth();
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;

  function measure() {
    timer = null;
    const root = document.documentElement;
    if (!root) return;
    const depth = scrollDepth({
      scrollY: window.scrollY, innerHeight: window.innerHeight, scrollHeight: root.scrollHeight,
    });
    const grown = tracked.offer(location.href, depth);
    if (grown === null) return;
    // The worker may be starting or gone (extension reloaded): a lost report is re-measured on the
    // next scroll, so nothing is retried here.
    try {
      chrome.runtime.sendMessage({ kind: 'scroll', url: location.href, depth: grown }).catch(() => {});
    } catch {
      // "Extension context invalidated": the extension was updated or removed under this page.
    }
  }

  function schedule() {
    if (timer === null) timer = setTimeout(measure, THROTTLE_MS);
  }

  addEventListener('scroll', schedule, { passive: true });
  addEventListener('resize', schedule, { passive: true });
  // Late images and fonts change the height; a short page is all in view once loaded.
  addEventListener('load', schedule, { passive: true });
  measure();
})();
