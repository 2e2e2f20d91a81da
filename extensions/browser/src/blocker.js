// Focus-mode blocking: the host's blocklist as declarativeNetRequest dynamic rules while a focus
// session's work phase runs. A blocked page is redirected to the extension's blocked.html, which
// gets the page's URL so it can go back there when the focus phase ends.

/**
 * @typedef {{type: 'focus', active: boolean, until: string | null, blocklist: string[],
 *            phase?: string | null, mode?: string | null, remaining_seconds?: number | null,
 *            paused?: boolean, session_id?: number | null}} FocusState
 */

/** Rule ids this module owns: 1 .. RULE_ID_LIMIT. */
export const RULE_ID_LIMIT = 1000;

/** @param {string} s */
export function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A URL regex (RE2) matching a domain and its subdomains, capturing the whole URL.
 * @param {string} domain */
export function domainRegex(domain) {
  return `^(https?://(?:[^/?#@]*\\.)?${escapeRegex(domain.toLowerCase())}(?::[0-9]+)?(?:[/?#].*)?)$`;
}

/**
 * The dynamic rules for a focus state: one redirect per blocked domain, none when not active.
 * @param {FocusState | null} focus @param {string} blockedPage the blocked page's full URL
 * @returns {chrome.declarativeNetRequest.Rule[]}
 */
export function rulesFor(focus, blockedPage) {
  if (!focus || !focus.active) return [];
  const domains = [...new Set(focus.blocklist.map((d) => d.trim().toLowerCase()).filter(Boolean))];
  return domains.slice(0, RULE_ID_LIMIT).map((domain, i) => ({
    id: i + 1,
    priority: 1,
    action: {
      type: /** @type {chrome.declarativeNetRequest.RuleActionType} */ ('redirect'),
      redirect: { regexSubstitution: `${blockedPage}?url=\\1` },
    },
    condition: {
      regexFilter: domainRegex(domain),
      isUrlFilterCaseSensitive: false,
      resourceTypes: [/** @type {chrome.declarativeNetRequest.ResourceType} */ ('main_frame')],
    },
  }));
}

/** Whether a URL would be blocked under `focus` (what the rules do; used by the popup).
 * @param {string} url @param {FocusState | null} focus */
export function isBlocked(url, focus) {
  if (!focus || !focus.active) return false;
  return focus.blocklist.some((d) => new RegExp(domainRegex(d), 'i').test(url));
}
