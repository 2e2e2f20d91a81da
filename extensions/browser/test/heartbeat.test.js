import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PULSETIME_SECONDS } from '../src/config.js';
import {
  DEFAULT_SETTINGS, browserName, decideHeartbeats, domainOf, isExcluded, pageOf,
} from '../src/heartbeat.js';

const T = Date.parse('2026-11-30T10:00:00Z');
const tab = (url, extra = {}) => ({ url, title: 'T', audible: false, incognito: false, ...extra });
const page = (url) => pageOf(tab(url), DEFAULT_SETTINGS, 'chromium');

test('pageOf keeps http(s) and file pages with the data keys the analysis reads', () => {
  assert.deepEqual(page('https://Docs.Example.org/a?b=1'), {
    url: 'https://Docs.Example.org/a?b=1', domain: 'docs.example.org', title: 'T',
    audible: false, incognito: false, browser: 'chromium',
  });
  assert.equal(page('chrome://settings'), null);
  assert.equal(page('about:blank'), null);
  assert.equal(pageOf(undefined, DEFAULT_SETTINGS, 'chromium'), null);
  assert.equal(pageOf({ incognito: false }, DEFAULT_SETTINGS, 'chromium'), null);
});

test('private windows are not tracked unless allowed; excluded domains never', () => {
  const priv = tab('https://a.test/', { incognito: true });
  assert.equal(pageOf(priv, DEFAULT_SETTINGS, 'chromium'), null);
  assert.equal(pageOf(priv, { ...DEFAULT_SETTINGS, trackIncognito: true }, 'chromium')?.incognito, true);
  const settings = { ...DEFAULT_SETTINGS, excludedDomains: ['bank.test'] };
  assert.equal(pageOf(tab('https://bank.test/x'), settings, 'c'), null);
  assert.equal(pageOf(tab('https://my.bank.test/x'), settings, 'c'), null);
  assert.notEqual(pageOf(tab('https://notbank.test/x'), settings, 'c'), null);
  assert.equal(isExcluded('', ['a']), false);
  assert.equal(domainOf('not a url'), '');
});

test('a switch ends the previous page at the switch and starts the next one, counted', () => {
  const a = page('https://a.test/');
  const b = page('https://b.test/');
  const first = decideHeartbeats(null, a, T, 'start');
  assert.equal(first.heartbeats.length, 1);
  assert.equal(first.heartbeats[0].counts, undefined);
  const sw = decideHeartbeats(first.current, b, T + 30_000, 'tab_switch');
  assert.deepEqual(sw.heartbeats.map((h) => [h.data.url, h.timestamp, h.counts]), [
    ['https://a.test/', '2026-11-30T10:00:30.000Z', undefined],
    ['https://b.test/', '2026-11-30T10:00:30.000Z', { tab_switches: 1 }],
  ]);
  assert.ok(sw.heartbeats.every((h) => h.pulsetime === PULSETIME_SECONDS && h.duration === 0));
  assert.equal(sw.current?.data.url, 'https://b.test/');
});

test('a tick on the same page extends it; leaving to nothing ends it', () => {
  const a = page('https://a.test/');
  const start = decideHeartbeats(null, a, T, 'start');
  const tick = decideHeartbeats(start.current, a, T + 60_000, 'alarm');
  assert.deepEqual(tick.heartbeats.map((h) => h.timestamp), ['2026-11-30T10:01:00.000Z']);
  const away = decideHeartbeats(tick.current, null, T + 90_000, 'idle');
  assert.deepEqual(away.heartbeats.map((h) => [h.data.url, h.timestamp]),
    [['https://a.test/', '2026-11-30T10:01:30.000Z']]);
  assert.equal(away.current, null);
});

test('a page not heard of for longer than the pulse is not stretched over the gap', () => {
  const a = page('https://a.test/');
  const b = page('https://b.test/');
  const start = decideHeartbeats(null, a, T, 'start');
  const late = decideHeartbeats(start.current, b, T + (PULSETIME_SECONDS + 1) * 1000, 'tab_switch');
  assert.deepEqual(late.heartbeats.map((h) => h.data.url), ['https://b.test/']);
});

test('a title change is a new page (equal data merges, so it must differ)', () => {
  const a = page('https://a.test/');
  const renamed = { ...a, title: 'Other' };
  const r = decideHeartbeats({ data: a, lastSent: T }, renamed, T + 1000, 'update');
  assert.equal(r.heartbeats.length, 2);
});

test('browserName tells the Chromium family and Firefox apart', () => {
  assert.equal(browserName({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' }), 'firefox');
  assert.equal(browserName({ userAgent: 'Chrome/156', brands: [{ brand: 'Chromium' }] }), 'chromium');
  assert.equal(browserName({ userAgent: 'Chrome/156', brands: [{ brand: 'Chromium' }, { brand: 'Google Chrome' }] }), 'chrome');
  assert.equal(browserName({ userAgent: 'Chrome/156 Edg/156', brands: [] }), 'edge');
  assert.equal(browserName({ userAgent: 'Chrome/156', isBrave: true }), 'brave');
});
