// The extension's one time seam. Tests (and only tests, through chrome.storage.local
// `testClock`) may run it faster than the wall clock, to prove a 10-minute dwell with no tab
// events lands as 10 minutes without waiting 10 minutes; the alarm path still really fires.

/** @typedef {{origin: number, rate: number}} ClockSpec */

/** @type {ClockSpec} */
let spec = { origin: 0, rate: 1 };

/** Milliseconds since the epoch. */
export function now() {
  if (spec.rate === 1) return Date.now();
  return Math.round(spec.origin + (Date.now() - spec.origin) * spec.rate);
}

/** @param {ClockSpec | null | undefined} next */
export function setClock(next) {
  spec = next && next.rate > 0 ? { origin: next.origin, rate: next.rate } : { origin: 0, rate: 1 };
}
