// The README's picture of a run report: `scripts/report-screenshot.sh REPORT.html OUT.png [--full]`
// opens a report written by `tsplay run --report` in headless Chromium and saves the top of the
// page (summary and timeline, a bar hovered to show its tooltip), or all of it with --full.
import { resolve } from 'node:path';
import { isPng, noBrowser, withReport } from '../test/e2e/report-browser.js';
import { readFile } from 'node:fs/promises';

const [file, out, ...rest] = process.argv.slice(2);
if (!file || !out || rest.some((a) => a !== '--full')) {
  process.stderr.write('usage: report-screenshot.sh REPORT.html OUT.png [--full]\n');
  process.exit(5);
}
const why = await noBrowser();
if (why) {
  process.stderr.write(`${why}\n`);
  process.exit(1);
}
await withReport(resolve(file), { width: 1400, height: 1100 }, async (page) => {
  // the slowest task's first bar: its tooltip shows what hovering gives
  const slowest = await page.locator('#slowest td:first-child').first().innerText().catch(() => undefined);
  const bar = slowest ? page.locator('#timeline .bar').filter({ has: page.locator('.tip', { hasText: slowest }) }).first() : undefined;
  if (bar && (await bar.count())) await bar.hover();
  await page.screenshot({ path: resolve(out), fullPage: rest.includes('--full') });
});
if (!isPng(await readFile(resolve(out)))) {
  process.stderr.write(`${out}: not a PNG of the page\n`);
  process.exit(1);
}
process.stdout.write(`${resolve(out)}\n`);
