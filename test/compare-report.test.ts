/** writeReport on a hand-made ComparisonReport: report.json, the HTML page's table, charts and escaping, PNGs. */
import * as fs from 'fs';
import * as path from 'path';
import { contextualityChart, polysemyChart, scoresChart, systemFontAvailable } from '../src/report/charts';
import { writeReport, WrittenReport } from '../src/report/html';
import { escapeHtml } from '../src/report/html-parts';
import type { ComparisonReport } from '../src/report/types';
import { HOSTILE, sampleReport, sampleReportWithProbes } from './compare-report-sample';
import { tmpDir } from './fixtures';

let dir: string;
let written: WrittenReport;
let html: string;
const report = sampleReport();

beforeAll(async () => {
  dir = tmpDir('report');
  written = await writeReport(report, dir);
  html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
});

/** The inline SVG of one chart's figure. */
function figureSvg(page: string, name: string): string {
  const m = new RegExp(`<figure class="chart" id="chart-${name}">(<svg[\\s\\S]*?</svg>)`).exec(page);
  if (!m) throw new Error(`no ${name} chart in the page`);
  return m[1];
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

test('report.json round-trips', () => {
  expect(written.json).toBe(path.join(dir, 'report.json'));
  expect(JSON.parse(fs.readFileSync(written.json, 'utf8'))).toEqual(report);
});

test('the table holds every embedding with its scores, vocabulary, dim, kind and layer', () => {
  const rows = html.split('<table class="scores">')[1].split('</table>')[0].split('<tr>').slice(2);
  expect(rows).toHaveLength(report.embeddings.length);
  const glove = rows[0];
  for (const cell of ['glove:6B-100d', 'static', '341,479', '>100<', '0.533', '0.298', '353 / 0', '999 / 0', '63.5%', '65.0%', '200 / 12']) expect(glove).toContain(cell);
  const distilled2 = rows.find((r) => r.includes('bert distilled L2'))!;
  for (const cell of ['distilled', '>2<', '5,000', '>32<', '0.400', '0.200', '200 / 153', '15.0%', '18.0%']) expect(distilled2).toContain(cell);
  expect(rows[1]).toContain('-0.042');
  // best of a column highlighted: w2v's WordSim Spearman 0.611
  expect(rows[1]).toMatch(/<td class="num best">0\.611</);
  for (const head of ['EN-WS-353-ALL', 'EN-SIMLEX-999', '3CosAdd', '3CosMul', 'Vocabulary', 'Dim', 'Kind', 'Layer']) expect(html).toContain(head);
});

test('the page is self-contained: inline SVG charts, no script, no external resource', () => {
  expect(written.charts).toEqual(['scores', 'contextuality', 'polysemy']);
  expect(count(html, '<svg ')).toBe(3);
  expect(html).not.toMatch(/<script|<link|<img|@import|url\(|src=/i);
  expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
});

test('the scores chart has one bar per embedding and score', () => {
  const svg = figureSvg(html, 'scores');
  // 8 embeddings × (2 Spearman + 3CosAdd + 3CosMul)
  expect(count(svg, 'aria-roledescription="bar"')).toBe(report.embeddings.length * 4);
  for (const title of ['EN-WS-353-ALL Spearman', 'EN-SIMLEX-999 Spearman', 'Analogy 3CosAdd', 'Analogy 3CosMul']) expect(svg).toContain(title);
});

test('the contextuality chart has a line per measure over the layers, the polysemy chart a point per occurrence and the centroid', () => {
  const ctx = figureSvg(html, 'contextuality');
  expect(count(ctx, 'aria-roledescription="line mark"')).toBeGreaterThan(0);
  expect(ctx).toContain('>Measure<'); // the legend naming the lines
  for (const m of ['self-similarity', 'intra-sentence similarity', 'max. explainable variance', 'anisotropy (baseline)', 'MEV baseline', 'Adjusted for anisotropy']) expect(ctx).toContain(m);
  const poly = figureSvg(html, 'polysemy');
  expect(count(poly, 'aria-roledescription="point"')).toBe(report.polysemy!.points.length + 1);
  expect(poly).toContain('centroid (distilled)');
  // the contextuality values and the neighbour lists are in the page too
  expect(html).toContain('<th scope="row">2</th><td class="num">0.500</td><td class="num">0.300</td><td class="num">0.400</td><td class="num">0.600</td><td class="num">0.260</td>');
  expect(html).toContain('banks <span class="sim">0.81</span>');
  expect(html).toContain('<span class="w">banking</span> <span class="sim">0.753</span>');
  expect(html).toContain('Cluster purity against the labels: <b>0.833</b>');
});

test('hostile text is escaped, in the HTML and in the SVG', () => {
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain(escapeHtml(`w2v ${HOSTILE}.vec`));
  expect(html).toContain(`<title>ctxembed comparison: fixture &lt;b onmouseover=&quot;x&quot;&gt;&amp;&#39;</title>`);
  expect(html).not.toMatch(/<b onmouseover/);
  expect(figureSvg(html, 'polysemy')).toContain('&lt;script&gt;');
  expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});

test('a PNG per chart when a system font is there', () => {
  if (!systemFontAvailable()) {
    console.warn('no system font: PNGs are skipped');
    expect(written.pngs).toEqual([]);
    expect(written.pngSkipped).toMatch(/font/);
    return;
  }
  expect(written.pngs.map((f) => path.basename(f))).toEqual(['scores.png', 'contextuality.png', 'polysemy.png']);
  for (const f of written.pngs) {
    const png = fs.readFileSync(f);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThan(300); // width, drawn at twice the SVG's size
  }
});

test('sections without data are left out', async () => {
  const bare: ComparisonReport = { ...sampleReport(), model: undefined, corpus: undefined, contextuality: [], polysemy: undefined };
  bare.embeddings = bare.embeddings.filter((e) => e.kind === 'static').map((e) => ({ ...e, neighbours: {} }));
  expect(contextualityChart(bare)).toBeUndefined();
  expect(polysemyChart(bare)).toBeUndefined();
  expect(scoresChart({ ...bare, embeddings: [] })).toBeUndefined();
  const out = tmpDir('report-bare');
  const w = await writeReport(bare, out, { png: false });
  const page = fs.readFileSync(w.html, 'utf8');
  expect(w.charts).toEqual(['scores']);
  expect(w.pngs).toEqual([]);
  expect(fs.readdirSync(out).sort()).toEqual(['index.html', 'report.json']);
  expect(page).toContain('id="scores"');
  for (const gone of ['id="contextuality"', 'id="polysemy"', 'id="neighbours"', 'Model:', 'Corpus:']) expect(page).not.toContain(gone);
});

test('the Downstream section: accuracy ± std per row and dataset, the best of each column, hostile names as text', async () => {
  const probes = sampleReportWithProbes();
  const d = tmpDir('report-probes');
  const w = await writeReport(probes, d, { png: false });
  expect(w.charts).toEqual(['scores', 'contextuality', 'polysemy', 'downstream-classification', 'downstream-wsd', 'layers-bert']);
  const page = fs.readFileSync(w.html, 'utf8');
  const section = page.split('<section id="downstream">')[1].split('</section>')[0];
  const [classification, senses] = section.split('<table class="downstream">').slice(1).map((t) => t.split('</table>')[0].split('<tr>').slice(2));
  expect(classification).toHaveLength(10);
  // glove's MR mean: 72.8 ± 1.2 over its folds, 93% of the words with a vector, the best of the MR column
  expect(classification[0]).toMatch(/<td class="num best" title="folds: [^"]+; 12\.5 s">72\.8 <span class="sd">± 1\.2<\/span> <small class="dim" title="words with a vector">93% words<\/small><\/td>/);
  expect(senses.find((r) => r.includes('most frequent sense'))).toContain('53.5');
  expect(senses.find((r) => r.includes('>2<') && r.includes('target · LR'))).toContain('<td class="num best"');
  expect(section).toContain(escapeHtml(`w2v ${HOSTILE}.vec`));
  expect(section).not.toContain(HOSTILE);
  expect(figureSvg(page, 'layers-bert')).toContain('glove:6B-100d · mean 72.8');
});
