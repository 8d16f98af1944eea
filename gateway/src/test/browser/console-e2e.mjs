// ConsoleBrowserIT's script: the web console in the system's headless Chromium, driven with
// playwright-core as a person would use it — sign in with a token, create a sandbox, open a
// terminal, run python3 in it, read the answer. Prints one JSON report on stdout; a failure is
// reported as {"failure": ...} after a screenshot of the page as it was.
import { chromium } from 'playwright-core';

const url = process.env.BASTION_URL;
const token = process.env.BASTION_TOKEN;
const screenshot = process.env.SCREENSHOT;
const report = { console_errors: [] };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  // The tests run as root, where Chromium refuses to start with its sandbox on. It is a test
  // browser on a loopback page this build serves, so going without that sandbox here is fine.
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
// Script errors and Content-Security-Policy violations surface as console errors.
page.on('console', (message) => {
  if (message.type() === 'error') report.console_errors.push(message.text());
});
page.on('pageerror', (error) => report.console_errors.push(String(error)));

const rowsText = () => page.locator('#terminal .xterm-rows').innerText();

try {
  await page.goto(`${url}/ui/`);
  await page.locator('#token').fill(token);
  await page.locator('#token').press('Enter');
  await page.locator('#workspace').waitFor({ state: 'visible' });
  report.signed_in = true;

  await page.locator('#create-kind').selectOption('template');
  await page.locator('#create-name').fill('python');
  await page.locator('#create-name').press('Enter');
  const row = page.locator('#sandboxes tbody tr[data-sandbox-id]').first();
  await row.waitFor({ timeout: 180_000 });
  report.sandbox = await row.getAttribute('data-sandbox-id');
  report.phase = await row.locator('td').nth(1).innerText();
  await page.locator('#details').waitFor({ state: 'visible' });

  await row.getByRole('button', { name: 'Terminal' }).click();
  await page.locator('#terminal-state', { hasText: 'connected' }).waitFor({ timeout: 30_000 });
  await page.locator('#terminal .xterm-helper-textarea').focus();
  await page.keyboard.type('python3 -c "print(6*7)"');
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => /^42\s*$/m.test(document.querySelector('#terminal .xterm-rows')?.innerText ?? ''),
    null,
    { timeout: 30_000 },
  );
  report.terminal = await rowsText();

  // The code panel: cells that keep their state, a figure drawn inline, a table, an error.
  const cells = page.locator('#cells .cell');
  const runCell = async (code) => {
    const before = await cells.count();
    await page.locator('#cell-code').fill(code);
    await page.locator('#cell-code').press('Shift+Enter');
    // Every earlier cell has ended, so the one at this index among ended cells is the new one.
    const cell = page.locator('#cells .cell:not(.running)').nth(before);
    await cell.waitFor({ timeout: 120_000 });
    return cell;
  };
  await runCell('x = 6 * 7');
  report.cell_answer = await (await runCell('print(x)')).locator('pre.stdout').innerText();
  const figure = (await runCell('import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()')).locator('img');
  await figure.waitFor();
  // The browser decoded the PNG: a broken image has no natural size.
  report.figure_width = await figure.evaluate(async (img) => {
    await img.decode();
    return img.naturalWidth;
  });
  const table = await runCell("import pandas as pd\npd.DataFrame({'answer': [x]})");
  report.table_cells = await table.frameLocator('iframe').locator('td').allInnerTexts();
  report.table_frame_sandbox = await table.locator('iframe').getAttribute('sandbox');
  report.error_text = await (await runCell('1/0')).locator('pre.error').innerText();
  report.contexts = await page.locator('#context option').count();
  report.audit_rows = await page.locator('#audit tbody tr').count();
  await page.screenshot({ path: screenshot, fullPage: true });
  report.screenshot = screenshot;
} catch (error) {
  report.failure = String(error?.message ?? error);
  report.terminal_state = await page.locator('#terminal-state').innerText().catch(() => '');
  report.status = await page.locator('#status').innerText().catch(() => '');
  await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
