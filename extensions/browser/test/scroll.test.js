import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import vm from 'node:vm';

import { DEFAULT_SETTINGS, decideHeartbeats, deeper, pageOf } from '../src/heartbeat.js';
import { NO_DEPTHS, depthOf, noteDepth, resetDepth, validDepth } from '../src/scroll.js';

// The content script's pure part is a classic script (content scripts cannot be modules): run it
// as the browser does, in a global scope of its own, and take its functions from there.
const context = vm.createContext({});
vm.runInContext(readFileSync(new URL('../src/content/depth.js', import.meta.url), 'utf8'), context);
const { scrollDepth } = context;
const MaxDepth = vm.runInContext('MaxDepth', context);

const T = Date.parse('2026-11-30T10:00:00Z');
const page = (url) => pageOf({ url, title: 'T', incognito: false }, DEFAULT_SETTINGS, 'chromium');

test('scroll depth is the part of the page scrolled into view, in whole percent', () => {
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 1000, scrollHeight: 10000 }), 10);
  assert.equal(scrollDepth({ scrollY: 4000, innerHeight: 1000, scrollHeight: 10000 }), 50);
  assert.equal(scrollDepth({ scrollY: 9000, innerHeight: 1000, scrollHeight: 10000 }), 100);
  // Fractional scroll positions (zoom, high-DPI) at the bottom still read as the whole page.
  assert.equal(scrollDepth({ scrollY: 8999.6, innerHeight: 1000, scrollHeight: 10000 }), 100);
  assert.equal(scrollDepth({ scrollY: 1234, innerHeight: 700, scrollHeight: 9000 }), 21);
});

test('a page that fits the viewport is 100; out-of-range input is clamped, nonsense is 0', () => {
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 800, scrollHeight: 800 }), 100);
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 800, scrollHeight: 300 }), 100);
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 800, scrollHeight: 0 }), 100);
  // Overscroll (elastic scrolling) past either end.
  assert.equal(scrollDepth({ scrollY: 20000, innerHeight: 1000, scrollHeight: 10000 }), 100);
  assert.equal(scrollDepth({ scrollY: -300, innerHeight: 1000, scrollHeight: 10000 }), 10);
  assert.equal(scrollDepth({ scrollY: NaN, innerHeight: 1000, scrollHeight: 10000 }), 10);
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: NaN, scrollHeight: 10000 }), 0);
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 0, scrollHeight: 10000 }), 0);
  assert.equal(scrollDepth({ scrollY: 0, innerHeight: 800, scrollHeight: Infinity }), 0);
  for (let y = 0; y < 12000; y += 537) {
    const d = scrollDepth({ scrollY: y, innerHeight: 900, scrollHeight: 11000 });
    assert.ok(Number.isInteger(d) && d >= 0 && d <= 100, String(d));
  }
});

test('the content script reports only a new maximum, and starts over on another URL', () => {
  const max = new MaxDepth();
  assert.deepEqual([10, 10, 30, 20, 30, 55, 54, 100, 90].map((d) => max.offer('https://a.test/', d)),
    [10, null, 30, null, null, 55, null, 100, null]);
  // A single-page app moving to another route: the new page starts from its first measure.
  assert.equal(max.offer('https://a.test/#/other', 12), 12);
  assert.equal(max.offer('https://a.test/#/other', 5), null);
});

test('depths are kept per tab and URL, grow only, and reset when the tab navigates or closes', () => {
  let { depths, grew } = noteDepth(NO_DEPTHS, 7, 'https://a.test/', 40);
  assert.ok(grew);
  assert.deepEqual(NO_DEPTHS, {}); // never changed in place
  ({ depths, grew } = noteDepth(depths, 7, 'https://a.test/', 25));
  assert.ok(!grew);
  assert.equal(depthOf(depths, 7, 'https://a.test/'), 40);
  ({ depths, grew } = noteDepth(depths, 7, 'https://a.test/', 90));
  assert.ok(grew && depthOf(depths, 7, 'https://a.test/') === 90);
  ({ depths } = noteDepth(depths, 8, 'https://b.test/', 15));
  assert.equal(depthOf(depths, 8, 'https://b.test/'), 15);
  // Another URL in the same tab is another page: its own maximum, from its first report.
  assert.equal(depthOf(depths, 7, 'https://a.test/next'), undefined);
  assert.equal(depthOf(depths, undefined, 'https://a.test/'), undefined);
  ({ depths, grew } = noteDepth(depths, 7, 'https://a.test/next', 5));
  assert.ok(grew && depthOf(depths, 7, 'https://a.test/next') === 5);
  assert.equal(depthOf(depths, 7, 'https://a.test/'), undefined);
  // Navigating resets; the same URL again (a title change, a reload event) keeps it.
  assert.equal(resetDepth(depths, 7, 'https://a.test/next'), depths);
  const moved = resetDepth(depths, 7, 'https://c.test/');
  assert.equal(depthOf(moved, 7, 'https://a.test/next'), undefined);
  assert.equal(depthOf(moved, 8, 'https://b.test/'), 15);
  assert.deepEqual(Object.keys(resetDepth(moved, 8, null)), []);
  assert.equal(resetDepth(moved, 99, null), moved);
});

test('only an integer 0..100 is a depth', () => {
  assert.deepEqual([0, 55, 100].map(validDepth), [0, 55, 100]);
  assert.deepEqual([-1, 101, 5.5, '50', null, undefined, NaN, true].map(validDepth),
    [null, null, null, null, null, null, null, null]);
});

test("the page's heartbeats carry its deepest scroll; the previous page's last one carries its own", () => {
  const a = page('https://a.test/');
  const b = page('https://b.test/');
  const start = decideHeartbeats(null, a, T, 'start', { tabId: 1, scrollDepth: 10 });
  assert.deepEqual(start.heartbeats.map((h) => h.counts), [{ scroll_depth: 10 }]);
  assert.deepEqual(start.current, { data: a, lastSent: T, tabId: 1, scrollDepth: 10 });
  // Scrolled since: the stored current page learns it, so the switch's last heartbeat says so.
  const scrolled = deeper(start.current, 1, 'https://a.test/', 60);
  assert.equal(scrolled?.scrollDepth, 60);
  assert.equal(deeper(scrolled, 1, 'https://a.test/', 30), scrolled); // never lower
  assert.equal(deeper(scrolled, 2, 'https://a.test/', 90), scrolled); // another tab
  assert.equal(deeper(scrolled, 1, 'https://b.test/', 90), scrolled); // another page
  assert.equal(deeper(null, 1, 'https://a.test/', 90), null);
  const sw = decideHeartbeats(scrolled, b, T + 5000, 'tab_switch', { tabId: 2 });
  assert.deepEqual(sw.heartbeats.map((h) => [h.data.url, h.counts]), [
    ['https://a.test/', { scroll_depth: 60 }],
    ['https://b.test/', { tab_switches: 1 }],
  ]);
  assert.deepEqual(sw.current, { data: b, lastSent: T + 5000, tabId: 2 });
  // A tick repeats the maximum (the host keeps it, never sums it).
  const tick = decideHeartbeats(sw.current, b, T + 65000, 'alarm', { tabId: 2, scrollDepth: 100 });
  assert.deepEqual(tick.heartbeats.map((h) => h.counts), [{ scroll_depth: 100 }]);
  const again = decideHeartbeats(tick.current, b, T + 125000, 'alarm', { tabId: 2, scrollDepth: 100 });
  assert.deepEqual(again.heartbeats.map((h) => h.counts), [{ scroll_depth: 100 }]);
  // Leaving for nothing (idle, another app): the last heartbeat carries it too.
  const away = decideHeartbeats(again.current, null, T + 130000, 'idle');
  assert.deepEqual(away.heartbeats.map((h) => h.counts), [{ scroll_depth: 100 }]);
});
