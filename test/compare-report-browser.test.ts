/**
 * The HTML report in headless Chromium (Debian's `chromium`, driven by playwright-core): the page
 * loads with no console error or blocked request, its charts are laid out, and a screenshot is
 * kept in test-output/compare-report.png. Skipped, with a message, when chromium is absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeReport } from '../src/report/html';
import { sampleReportWithProbes } from './compare-report-sample';
import { ROOT, tmpDir } from './fixtures';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'test-output', 'compare-report.png');
const available = fs.existsSync(CHROMIUM);
if (!available) console.warn(`skipping the browser test: ${CHROMIUM} is absent (apt-get install -y chromium)`);

(available ? test : test.skip)('the report renders in headless Chromium with no console error', async () => {
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const dir = tmpDir('report-browser');
  const { html } = await writeReport(sampleReportWithProbes(), dir, { png: false });
  const userDataDir = tmpDir('chromium-profile');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${html}`, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart svg', (svgs) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return { id: s.parentElement!.id, width: box.width, height: box.height, bars: s.querySelectorAll('[aria-roledescription="bar"]').length };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-scores', 'chart-contextuality', 'chart-polysemy', 'chart-downstream-classification', 'chart-downstream-wsd', 'chart-layers-bert']);
    for (const c of charts) {
      expect(c.width).toBeGreaterThan(200);
      expect(c.height).toBeGreaterThan(100);
    }
    expect(charts[0].bars).toBe(32);
    expect(await page.locator('table.scores tbody tr').count()).toBe(8);
    // hostile names are text, not markup
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('table.scores tbody tr').nth(1).locator('th').textContent()).toBe('w2v <script>alert("x")</script>&\'.vec');
    // the Downstream section: a table per task, a bar per static row and per model series at its best layer
    const downstream = page.locator('#downstream');
    expect(await downstream.locator('h2').textContent()).toBe('Downstream');
    expect(await downstream.locator('table.downstream').nth(0).locator('tbody tr').count()).toBe(2 * 2 + 2 * 3);
    expect(await downstream.locator('table.downstream').nth(1).locator('tbody tr').count()).toBe(2 * 3 + 3 * 2);
    expect(await downstream.locator('td.best').count()).toBe(3);
    expect(charts[3].bars).toBe(2 * (2 * 2 + 2));
    expect(charts[4].bars).toBe(2 * 3 + 2);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot of the report: ${SCREENSHOT}`);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => u !== `file://${html}`)).toEqual([]);
  } finally {
    await context.close();
  }
});
