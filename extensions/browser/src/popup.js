// The popup: today's figures from the host, focus state with the time left, pause and exclusions.

import { INSTALL_HINT } from './config.js';
import { formatDuration, formatRemaining } from './format.js';

/** @param {string} id */
function el(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing`);
  return found;
}

/** @param {string} id @param {{name: string, seconds: number}[]} items */
function list(id, items) {
  const ol = el(id);
  ol.replaceChildren(...items.slice(0, 5).map((i) => {
    const li = document.createElement('li');
    li.textContent = `${i.name} — ${formatDuration(i.seconds)}`;
    return li;
  }));
}

/** @type {any} */
let status = null;

async function render() {
  status = await chrome.runtime.sendMessage({ kind: 'status' });
  const missing = el('host-missing');
  missing.hidden = status.hostStatus === 'connected';
  missing.textContent = status.hostStatus === 'missing'
    ? `The Tracker Desktop host is not installed. ${INSTALL_HINT}`
    : `Not connected to Tracker Desktop${status.hostError ? ` (${status.hostError})` : ''}; ` +
      'your browsing is kept and sent when it is back.';
  /** @type {HTMLInputElement} */ (el('paused')).checked = Boolean(status.settings.paused);
  el('queued').textContent = status.queued ? `${status.queued} heartbeat(s) waiting to be sent` : '';
  renderFocus();
  if (status.hostStatus !== 'connected') return;
  const today = await chrome.runtime.sendMessage({ kind: 'today' });
  if (today.type !== 'today') return;
  el('active').textContent = formatDuration(today.active_seconds);
  el('score').textContent = today.productivity_score === null ? '–' : `${Math.round(today.productivity_score)}`;
  el('coding').textContent = formatDuration(today.coding_seconds);
  el('streak').textContent = `${today.streak_days} day(s)`;
  list('sites', today.sites);
  list('categories', today.categories);
}

function renderFocus() {
  const focus = status?.focus;
  el('focus').hidden = !focus || !focus.session_id;
  if (!focus || !focus.session_id) return;
  el('focus-phase').textContent = focus.paused ? 'paused' : (focus.phase ?? '').replace('_', ' ');
  el('focus-left').textContent = formatRemaining(focus.until, Date.now());
}

el('paused').addEventListener('change', async (e) => {
  const paused = /** @type {HTMLInputElement} */ (e.target).checked;
  await chrome.runtime.sendMessage({ kind: 'settings', settings: { ...status.settings, paused } });
});
el('exclude').addEventListener('click', async () => {
  const domain = status?.current?.data?.domain;
  if (!domain) return;
  const excludedDomains = [...new Set([...status.settings.excludedDomains, domain])];
  await chrome.runtime.sendMessage({ kind: 'settings', settings: { ...status.settings, excludedDomains } });
  render();
});

render();
setInterval(renderFocus, 1000);
