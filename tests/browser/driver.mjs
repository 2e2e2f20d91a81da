// A small line-protocol driver for Debian's chromium through playwright-core, spawned by pytest
// (tests/browser/chromium.py): one JSON command per stdin line, one JSON reply per stdout line.
// It launches chromium headless (--headless=new) with the unpacked extension loaded and leaves
// every assertion to the Python side, which reads the database.

import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extensionDir = path.resolve(here, '../../extensions/browser');
const require = createRequire(path.join(extensionDir, 'package.json'));
const { chromium } = require('playwright-core');

/** @type {import('playwright-core').BrowserContext | null} */
let context = null;
/** @type {import('playwright-core').Worker | null} */
let worker = null;
/** @type {Map<string, import('playwright-core').Page>} */
const tabs = new Map();

async function launch({ userDataDir, args = [] }) {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`,
      ...args,
    ],
  });
  worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 30000 });
  const first = context.pages()[0] ?? await context.newPage();
  tabs.set('first', first);
  return { extensionId: new URL(worker.url()).host };
}

/** The page of a tab name, opened on first use. */
async function tab(name) {
  let page = tabs.get(name);
  if (!page) {
    page = await context.newPage();
    tabs.set(name, page);
  }
  return page;
}

const commands = {
  launch,
  async goto({ tab: name, url }) {
    const page = await tab(name);
    await page.goto(url, { waitUntil: 'load' }).catch((e) => ({ error: String(e) }));
    return { url: page.url(), title: await page.title() };
  },
  async activate({ tab: name }) {
    const page = await tab(name);
    await page.bringToFront();
    return { url: page.url() };
  },
  async page({ tab: name }) {
    const page = await tab(name);
    return { url: page.url(), title: await page.title(),
      text: await page.evaluate(() => document.body?.innerText ?? '').catch(() => '') };
  },
  async waitText({ tab: name, text, timeout = 15000 }) {
    const page = await tab(name);
    const deadline = Date.now() + timeout;
    let seen = '';
    while (Date.now() < deadline) {
      seen = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (seen.includes(text)) return { text: seen };
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`"${text}" never showed in ${name}: ${seen.slice(0, 500)}`);
  },
  /** Evaluate an expression's source in a tab's page (its main world), e.g. to scroll it. */
  async evaluate({ tab: name, expression }) {
    const page = await tab(name);
    return await page.evaluate(expression);
  },
  async click({ tab: name, selector }) {
    const page = await tab(name);
    await page.click(selector);
    return {};
  },
  /** Wait until the tab is at a URL starting with `prefix` (and, if given, shows `title`). */
  async waitUrl({ tab: name, prefix, title = null, timeout = 15000 }) {
    const page = await tab(name);
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (page.url().startsWith(prefix)) {
        const shown = await page.title().catch(() => "");  // "" while it navigates
        if (title === null || shown === title) return { url: page.url(), title: shown };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} is at ${page.url()}, not ${prefix}...${title === null ? "" : ` titled ${title}`}`);
  },
  /** Evaluate an async function's source in the extension's service worker. */
  async sw({ fn, arg = null }) {
    // eslint-disable-next-line no-new-func
    return await worker.evaluate(`(${fn})(${JSON.stringify(arg)})`);
  },
  async storage() {
    return await worker.evaluate(() => chrome.storage.local.get(null));
  },
  async close() {
    await context?.close();
    context = null;
    return {};
  },
};

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const { cmd, ...args } = JSON.parse(line);
  try {
    const result = await commands[cmd](args);
    process.stdout.write(JSON.stringify({ ok: true, result: result ?? null }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e?.stack ?? e) }) + '\n');
  }
  if (cmd === 'close') break;
}
rl.close();
await context?.close().catch(() => {});
process.exit(0);
