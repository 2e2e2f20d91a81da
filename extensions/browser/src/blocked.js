// The page a blocked site is redirected to: the time left in the focus phase; back to the site
// when the phase ends.

import { formatRemaining } from './format.js';

/** @typedef {import('./blocker.js').FocusState} FocusState */

// The rule appends the original URL unencoded after "?url=".
const marker = location.href.indexOf('?url=');
const target = marker >= 0 ? location.href.slice(marker + 5) : '';
let host = '';
try { host = target ? new URL(target).hostname : ''; } catch { host = ''; }

/** @param {string} id */
function el(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
}

el('site').textContent = host ? `${host} is blocked during your focus session.` : '';

/** @type {FocusState | null} */
let focus = null;

function render() {
  if (focus && focus.active) {
    const left = formatRemaining(focus.until, Date.now());
    el('remaining').textContent = left ? `${left} left` : 'until you end the session';
    document.title = left ? `Focus: ${left} left` : 'Focus';
    return;
  }
  el('remaining').textContent = 'Focus ended';
  document.title = 'Focus ended';
  if (/^https?:/.test(target)) location.replace(target);
}

async function load() {
  const got = await chrome.storage.local.get('focus');
  focus = /** @type {FocusState | null} */ (got.focus ?? null);
  render();
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && 'focus' in changes) {
    focus = /** @type {FocusState | null} */ (changes.focus.newValue ?? null);
    render();
  }
});
load();
setInterval(render, 1000);
