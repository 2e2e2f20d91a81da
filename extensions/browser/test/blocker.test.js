import assert from 'node:assert/strict';
import { test } from 'node:test';

import { domainRegex, isBlocked, rulesFor } from '../src/blocker.js';
import { formatDuration, formatRemaining } from '../src/format.js';

const focus = (active, blocklist = ['youtube.com', 'a.test']) => ({
  type: 'focus', active, until: '2026-11-30T10:25:00Z', blocklist,
});

test('an active focus phase turns the blocklist into one redirect rule per domain', () => {
  const rules = rulesFor(/** @type {any} */ (focus(true, ['YouTube.com', 'a.test', 'a.test', ' '])),
    'chrome-extension://id/src/blocked.html');
  assert.deepEqual(rules.map((r) => r.id), [1, 2]);
  assert.equal(rules[0].action.redirect?.regexSubstitution, 'chrome-extension://id/src/blocked.html?url=\\1');
  assert.deepEqual(rules[0].condition.resourceTypes, ['main_frame']);
  assert.equal(rulesFor(/** @type {any} */ (focus(false)), 'x').length, 0);
  assert.equal(rulesFor(null, 'x').length, 0);
});

test('a domain blocks itself and its subdomains, nothing else', () => {
  const f = /** @type {any} */ (focus(true));
  for (const url of ['https://youtube.com/', 'https://www.youtube.com/watch?v=1', 'http://a.test:8080/x',
    'http://A.TEST/']) {
    assert.ok(isBlocked(url, f), url);
  }
  for (const url of ['https://notyoutube.com/', 'https://youtube.com.evil.test/', 'http://b.test/',
    'https://example.org/?u=youtube.com', 'http://youtube.com@b.test/']) {
    assert.ok(!isBlocked(url, f), url);
  }
  assert.ok(!isBlocked('https://youtube.com/', /** @type {any} */ (focus(false))));
  const m = new RegExp(domainRegex('a.test')).exec('http://a.test:81/p?q=1');
  assert.equal(m?.[1], 'http://a.test:81/p?q=1');
});

test('durations and the time left read well', () => {
  assert.equal(formatDuration(40.4), '40 s');
  assert.equal(formatDuration(12 * 60 + 5), '12 min');
  assert.equal(formatDuration(2 * 3600 + 5 * 60), '2 h 05 min');
  const now = Date.parse('2026-11-30T10:00:00Z');
  assert.equal(formatRemaining('2026-11-30T10:24:05Z', now), '24:05');
  assert.equal(formatRemaining('2026-11-30T11:00:01Z', now), '1:00:01');
  assert.equal(formatRemaining(null, now), '');
  assert.equal(formatRemaining('2026-11-30T09:00:00Z', now), '00:00');
});
