// Opens an HTML run report in headless Chromium (Debian's, driven by playwright-core) as a person
// would: reads what the page shows, hovers a timeline bar, takes a screenshot, and records every
// request the page makes (a self-contained report makes none beyond its own file).
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** why the browser tests cannot run here, or undefined when they can */
export async function noBrowser(): Promise<string | undefined> {
  try {
    await access(CHROMIUM);
    return undefined;
  } catch {
    return `${CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)`;
  }
}

export interface ReportView {
  title: string;
  /** every text the page shows */
  text: string;
  /** the summary's figures by their label (hosts, changed, failed, unreachable, duration, exit code) */
  cards: Record<string, string>;
  /** the hosts of the summary table */
  recapHosts: string[];
  /** per host of the timeline: its bars (`tip`: the tooltip's text, shown on hover) */
  timeline: Record<string, { task: string; status: string; tip: string }[]>;
  changed: { host: string; task: string; text: string }[];
  failures: { host: string; task: string; status: string; text: string }[];
  slowest: string[];
  /** the hovered bar's tooltip: shown before and after the pointer is on it, and its text */
  hover: { shownBefore: boolean; shownAfter: boolean; text: string };
  /** requests for anything but the report itself */
  requests: string[];
}

/**
 * `fn` with the report at `file` open in a fresh headless Chromium; `requests` lists what the page
 * asked for besides its own file.
 */
export async function withReport<T>(file: string, o: { width?: number; height?: number }, fn: (page: Page, requests: string[]) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  // a fresh profile each time: nothing from an earlier session, no cache
  const profile = await mkdtemp(join(tmpdir(), 'tsplay-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
    // this machine has no network: nothing may try to reach one
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await context.newPage();
    const self = pathToFileURL(file).href;
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== self) requests.push(r.url());
    });
    await page.goto(self, { waitUntil: 'load' });
    return await fn(page, requests);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * The report at `file` as the browser shows it. `hover` picks the bar to hover (host and task);
 * `screenshot` is where the full page's PNG goes.
 */
export function viewReport(file: string, o: { screenshot: string; hover: { host: string; task: string } }): Promise<ReportView> {
  return withReport(file, {}, async (page, requests) => {
    const view = await page.evaluate(() => {
      const all = (sel: string, root: ParentNode = document) => [...root.querySelectorAll<HTMLElement>(sel)];
      const timeline: Record<string, { task: string; status: string; tip: string }[]> = {};
      for (const track of all('#timeline .track')) {
        timeline[track.dataset.host ?? ''] = all('.bar', track).map((b) => ({ task: b.dataset.task ?? '', status: b.dataset.status ?? '', tip: b.querySelector('.tip')?.textContent ?? '' }));
      }
      const entries = (id: string) => all(`#${id} .entry`).map((e) => ({ host: e.dataset.host ?? '', task: e.dataset.task ?? '', status: e.dataset.status ?? '', text: e.innerText }));
      return {
        title: document.title,
        text: document.body.innerText,
        cards: Object.fromEntries(all('#summary .card').map((c) => [c.lastChild?.textContent ?? '', c.querySelector('b')?.innerText ?? ''])),
        recapHosts: all('#summary table.recap tbody tr').map((r) => r.dataset.host ?? ''),
        timeline,
        changed: entries('changed').map(({ host, task, text }) => ({ host, task, text })),
        failures: entries('failures'),
        slowest: all('#slowest td:first-child').map((td) => td.innerText),
      };
    });
    const bar = page.locator(`#timeline .track[data-host="${cssString(o.hover.host)}"] .bar[data-task="${cssString(o.hover.task)}"]`).first();
    const tip = bar.locator('.tip');
    const shownBefore = await tip.isVisible();
    await bar.hover();
    const shownAfter = await tip.isVisible();
    const text = shownAfter ? await tip.innerText() : '';
    await page.screenshot({ path: o.screenshot, fullPage: true });
    return { ...view, hover: { shownBefore, shownAfter, text }, requests };
  });
}

/** a value inside a quoted CSS attribute selector */
function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

/** the PNG signature and a size that holds more than an empty page */
export function isPng(b: Buffer): boolean {
  return b.length > 1000 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** what a self-contained page must not hold: anything that loads from elsewhere */
export const EXTERNAL = [/https?:/i, /\bsrc\s*=/i, /\bhref\s*=/i, /url\s*\(/i, /<link\b/i, /<script\b/i, /@import/i, /<iframe\b/i];
