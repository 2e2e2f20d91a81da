// Drives a running code-server with Debian's headless chromium (playwright-core): opens the
// workspace, then for each edit opens the file through Quick Open, types into it and saves it.
//   node drive_code_server.mjs '{"url": "...", "edits": [{"file": "hello.py", "text": "..."}], "artifacts": "DIR"}'
// Prints one JSON line per step, then {"step": "ready"} and keeps the page open until stdin
// closes; on failure prints {"step": "error"}, saves a screenshot in `artifacts`, exits 1.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../extensions/vscode/package.json'));
const { chromium } = require('playwright-core');

const args = JSON.parse(process.argv[2]);
const step = (name, extra = {}) => console.log(JSON.stringify({ step: name, t: Date.now(), ...extra }));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(60_000);
try {
  await page.goto(args.url);
  await page.waitForSelector('.monaco-workbench .part.editor');
  // The explorer shows the workspace once the remote file system is up.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: args.edits[0].file }).first().waitFor();
  step('workbench');

  // The extension is active once its status bar item shows today's coding time (it activates
  // when start-up has finished and shows "Tracker offline" until the host answered).
  const item = page.locator('.statusbar-item', { hasText: /^\s*\d+ m\s*$/ });
  await item.first().waitFor({ timeout: 60_000 });
  step('status', { text: (await item.first().innerText()).trim() });
  if (await page.locator('.statusbar-item', { hasText: 'Tracker offline' }).count()) {
    throw new Error('the status bar says the tracker is offline');
  }

  for (const { file, text } of args.edits) {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget .quick-input-box input');
    await page.keyboard.type(file, { delay: 20 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[data-resource-name="${file}"]`);
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await editor.waitFor();
    step('opened', { file });

    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(text, { delay: 40 });
    // The edits reached the document (its tab is dirty: auto-save is off in the test's settings).
    await page.waitForSelector(`.tab.active.dirty[data-resource-name="${file}"]`);
    step('typed', { file, chars: text.length });
    await page.keyboard.press('Control+S');
    await page.waitForSelector(`.tab.active[data-resource-name="${file}"]:not(.dirty)`);
    step('saved', { file });
  }

  // Keep the window open (closing it would end the session) until the test has what it needs.
  step('ready');
  for await (const _ of process.stdin) {
    // the test closes stdin when done
  }
} catch (error) {
  await page.screenshot({ path: path.join(args.artifacts, 'code-server-failure.png') }).catch(() => undefined);
  step('error', { message: String(error?.stack ?? error) });
  process.exitCode = 1;
} finally {
  await browser.close();
}
