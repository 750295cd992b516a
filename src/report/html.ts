/**
 * Writes a ComparisonReport as DIR/report.json and DIR/index.html, a self-contained page (inline
 * CSS and SVG charts, no script, font or stylesheet fetched: it opens offline), plus one PNG per
 * chart (DIR/<chart>.png) when a system font is there to draw the text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../files';
import { datasetName, renderCharts, reportCharts, RenderedChart, writePngs } from './charts';
import { downstreamSection } from './downstream';
import { downstreamCharts } from './downstream-charts';
import { chartFigure, Column, count, escapeHtml, fixed, highlightedTable, isNum, MISSING, percent } from './html-parts';
import type { ComparisonReport, EmbeddingScores, LayerContextuality } from './types';

export interface WriteReportOptions {
  /** Write DIR/<chart>.png files (default true). */
  png?: boolean;
}

export interface WrittenReport {
  json: string;
  html: string;
  /** PNG files written, one per chart. */
  pngs: string[];
  /** Why no PNG was written, when none was. */
  pngSkipped?: string;
  /** The charts drawn, by name. */
  charts: string[];
}

export async function writeReport(report: ComparisonReport, outDir: string, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, 'report.json');
  writeFileAtomic(json, `${JSON.stringify(report, null, 2)}
`);
  const charts = await renderCharts([...reportCharts(report), ...downstreamCharts(report)]);
  const html = path.join(outDir, 'index.html');
  writeFileAtomic(html, renderHtml(report, charts));
  const png = opts.png === false ? { written: [] as string[], skipped: 'not asked for' } : writePngs(charts, outDir);
  return { json, html, pngs: png.written, pngSkipped: png.skipped, charts: charts.map((c) => c.name) };
}

function scoreColumns(report: ComparisonReport): Column<EmbeddingScores>[] {
  const datasets = [...new Set([...report.datasets.wordsim, ...report.embeddings.flatMap((e) => e.wordsim.map((w) => w.dataset))])];
  const cols: Column<EmbeddingScores>[] = [
    { head: 'Embedding', cell: (e) => `<th scope="row">${escapeHtml(e.name)}</th>` },
    { head: 'Kind', cell: (e) => `<td><span class="kind kind-${escapeHtml(e.kind)}">${escapeHtml(e.kind)}</span></td>` },
    { head: 'Layer', cell: (e) => `<td class="num">${e.layer === undefined ? MISSING : escapeHtml(e.layer)}</td>` },
    { head: 'Vocabulary', cell: (e) => `<td class="num">${count(e.vocabulary)}</td>` },
    { head: 'Dim', cell: (e) => `<td class="num">${count(e.dim)}</td>` },
  ];
  for (const ds of datasets) {
    const result = (e: EmbeddingScores) => e.wordsim.find((w) => w.dataset === ds);
    cols.push(
      { head: `${escapeHtml(datasetName(ds))}<br><small>Spearman</small>`, title: ds, cell: (e) => `<td class="num">${fixed(result(e)?.spearman)}</td>`, value: (e) => result(e)?.spearman },
      { head: '<small>pairs / OOV</small>', title: `${ds}: pairs scored / pairs with a word out of the vocabulary`, cell: (e) => { const r = result(e); return `<td class="num dim">${r ? `${count(r.pairs)} / ${count(r.oov)}` : MISSING}</td>`; } },
    );
  }
  if (report.datasets.analogy || report.embeddings.some((e) => e.analogy)) {
    const ds = report.datasets.analogy ?? report.embeddings.find((e) => e.analogy)!.analogy!.dataset;
    cols.push(
      { head: 'Analogy<br><small>3CosAdd</small>', title: ds, cell: (e) => `<td class="num">${percent(e.analogy?.accuracy)}</td>`, value: (e) => e.analogy?.accuracy },
      { head: 'Analogy<br><small>3CosMul</small>', title: ds, cell: (e) => `<td class="num">${percent(e.analogy?.cosmulAccuracy)}</td>`, value: (e) => e.analogy?.cosmulAccuracy },
      { head: '<small>questions / OOV</small>', title: `${ds}: questions answered / questions with a word out of the vocabulary`, cell: (e) => `<td class="num dim">${e.analogy ? `${count(e.analogy.total)} / ${count(e.analogy.oov)}` : MISSING}</td>` },
    );
  }
  return cols;
}

function contextualityTable(rows: LayerContextuality[]): string {
  const baseline = rows.some((c) => isNum(c.varianceBaseline));
  const head = ['Layer', 'Self-similarity', 'Intra-sentence', 'MEV', 'Anisotropy', ...(baseline ? ['MEV baseline'] : []), 'Adj. self-similarity', 'Adj. intra-sentence', 'Adj. MEV', 'Words', 'Sentences'];
  const body = [...rows]
    .sort((a, b) => a.layer - b.layer)
    .map((c) => {
      const values = [c.selfSimilarity, c.intraSentenceSimilarity, c.maxExplainableVariance, c.anisotropy, ...(baseline ? [c.varianceBaseline] : []), c.adjustedSelfSimilarity, c.adjustedIntraSentenceSimilarity, c.adjustedMaxExplainableVariance];
      return `<tr><th scope="row">${escapeHtml(c.layer)}</th>${values.map((x) => `<td class="num">${fixed(x)}</td>`).join('')}<td class="num dim">${count(c.words)}</td><td class="num dim">${count(c.sentences)}</td></tr>`;
    });
  return `<div class="scroll"><table class="compact"><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

function neighbourList(list: { word: string; similarity: number }[]): string {
  if (list.length === 0) return `<p class="na">no neighbours (word not in the vocabulary)</p>`;
  return `<ol class="nn">${list.map((n) => `<li><span class="w">${escapeHtml(n.word)}</span> <span class="sim">${fixed(n.similarity)}</span></li>`).join('')}</ol>`;
}

function polysemySection(report: ComparisonReport, chart: RenderedChart | undefined): string {
  const p = report.polysemy;
  if (!p) return '';
  const counts = new Map<string, number>();
  for (const pt of p.points) counts.set(pt.label, (counts.get(pt.label) ?? 0) + 1);
  const labels = (p.labels.length > 0 ? p.labels : [...counts.keys()]).map((l) => `${escapeHtml(l)} (${counts.get(l) ?? 0})`).join(', ');
  const lists = p.staticNeighbours
    .map((s) => `<div class="card"><h4>${escapeHtml(s.embedding)}</h4>${neighbourList(s.neighbours)}</div>`)
    .join('');
  const caption = `Each point is one occurrence of “${escapeHtml(p.word)}” (layer ${escapeHtml(p.layer)}), projected by ${escapeHtml(p.projection.toUpperCase())}; colour: the sense label, shape: the k-means cluster${p.centroid ? '; the cross is the word’s one static vector from the model (the mean of its contextual vectors: distilled)' : ''}.`;
  return `<section id="polysemy"><h2>Polysemy: “${escapeHtml(p.word)}”</h2>
<p>${p.points.length} occurrences, senses: ${labels}. Cluster purity against the labels: <b>${fixed(p.purity)}</b> (k-means, k = ${p.labels.length || counts.size}).</p>
<div class="side">${chartFigure(chart, caption)}${lists ? `<div class="cards"><h3>One vector per word: nearest neighbours of “${escapeHtml(p.word)}”</h3>${lists}</div>` : ''}</div>
</section>`;
}

function neighboursSection(report: ComparisonReport): string {
  const words = [...new Set(report.embeddings.flatMap((e) => Object.keys(e.neighbours ?? {})))];
  if (words.length === 0) return '';
  const blocks = words.map((w) => {
    const rows = report.embeddings
      .filter((e) => e.neighbours && Object.prototype.hasOwnProperty.call(e.neighbours, w))
      .map((e) => `<tr><th scope="row">${escapeHtml(e.name)}</th><td>${e.neighbours[w].map((n) => `${escapeHtml(n.word)} <span class="sim">${fixed(n.similarity, 2)}</span>`).join(', ') || MISSING}</td></tr>`);
    return `<h3>“${escapeHtml(w)}”</h3><div class="scroll"><table class="compact nnt"><tbody>${rows.join('')}</tbody></table></div>`;
  });
  return `<section id="neighbours"><h2>Nearest neighbours</h2>${blocks.join('\n')}</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1360px; margin: 0 auto; padding: 24px 28px 48px; background: white; min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #e3e3e3; }
h3 { font-size: 14px; margin: 16px 0 6px; }
h4 { font-size: 13px; margin: 0 0 4px; }
.meta { color: #555; margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 22px; }
.meta b { color: #222; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 9px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #ccc; font-weight: 600; vertical-align: bottom; white-space: nowrap; }
thead th small { font-weight: normal; color: #666; }
tbody th { font-weight: 500; white-space: nowrap; }
tbody tr:hover { background: #f5f8fc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.dim, .dim { color: #777; }
td.best { font-weight: 700; background: #eef5ea; }
.na { color: #aaa; }
.kind { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; color: white; }
.kind-static { background: #4c78a8; } .kind-distilled { background: #f58518; } .kind-isolated { background: #54a24b; } .kind-contextual { background: #e45756; }
.sd { color: #777; font-size: 12px; }
figure.chart { margin: 12px 0; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #666; font-size: 12px; max-width: 760px; margin-top: 4px; }
.side figure.chart { max-width: 600px; }
.side { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-start; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; align-content: flex-start; max-width: 560px; }
.cards h3 { flex-basis: 100%; margin: 12px 0 0; }
.card { border: 1px solid #e3e3e3; border-radius: 4px; padding: 8px 12px; min-width: 160px; }
ol.nn { margin: 0; padding-left: 22px; font-size: 13px; }
.sim { color: #888; font-size: 12px; font-variant-numeric: tabular-nums; }
table.nnt td { white-space: normal; }
footer { color: #888; font-size: 12px; margin-top: 36px; }
`;

export function renderHtml(report: ComparisonReport, charts: RenderedChart[]): string {
  const chart = (name: string) => charts.find((c) => c.name === name);
  const meta: string[] = [];
  if (report.model) meta.push(`<li>Model: <b>${escapeHtml(report.model.id)}</b>${report.model.layers.length ? `, layers ${escapeHtml(report.model.layers.join(', '))}` : ''}</li>`);
  if (report.corpus) meta.push(`<li>Corpus: <b>${escapeHtml(report.corpus)}</b></li>`);
  for (const ws of report.datasets.wordsim) meta.push(`<li>Word similarity: <b>${escapeHtml(datasetName(ws))}</b></li>`);
  if (report.datasets.analogy) meta.push(`<li>Analogies: <b>${escapeHtml(datasetName(report.datasets.analogy))}</b></li>`);
  for (const ds of report.datasets.classify ?? []) meta.push(`<li>Classification: <b>${escapeHtml(datasetName(ds))}</b></li>`);
  for (const ds of report.datasets.wsd ?? []) meta.push(`<li>Word senses: <b>${escapeHtml(datasetName(ds))}</b></li>`);
  meta.push(`<li>Created: ${escapeHtml(report.created)}</li>`);

  const sections: string[] = [];
  if (report.embeddings.length > 0) {
    sections.push(`<section id="scores"><h2>Scores</h2>
<p class="dim">Word similarity: Spearman correlation of cosine similarity with the human scores (pairs with a word out of the vocabulary skipped and counted as OOV). Analogies: accuracy over the questions with every word in the vocabulary, by 3CosAdd and 3CosMul. The best value of each column is highlighted.</p>
${highlightedTable(report.embeddings, scoreColumns(report), 'scores')}
${chartFigure(chart('scores'), 'One panel per score; bars coloured by how the vectors were obtained (static: trained or pretrained; distilled: the mean of a word’s contextual vectors over the corpus; isolated: the word run through the model alone).')}
</section>`);
  }
  if (report.contextuality.length > 0) {
    sections.push(`<section id="contextuality"><h2>Contextuality by layer</h2>
<p class="dim">Ethayarajh (2019): self-similarity (mean cosine between a word’s vectors in different contexts), intra-sentence similarity (to its sentence’s mean vector) and maximum explainable variance (share of a word’s variance on its first principal component); anisotropy is the mean cosine between random tokens’ vectors, the baseline the adjusted similarities subtract (the MEV baseline: the same random vectors’ maximum explainable variance). Lower self-similarity means more context-specific vectors.</p>
${chartFigure(chart('contextuality'), 'Per hidden state (0 = the embedding layer).')}
${contextualityTable(report.contextuality)}
</section>`);
  }
  const poly = polysemySection(report, chart('polysemy'));
  if (poly) sections.push(poly);
  const downstream = downstreamSection(report, charts);
  if (downstream) sections.push(downstream);
  const nn = neighboursSection(report);
  if (nn) sections.push(nn);

  const title = report.model ? `ctxembed comparison: ${path.basename(report.model.id.replace(/[\\/]+$/, '')) || report.model.id}` : 'ctxembed comparison';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<ul class="meta">${meta.join('')}</ul>
${sections.join('\n')}
<footer>Written by ${escapeHtml(report.tool)}; the data is in report.json next to this page. Charts: Vega-Lite, rendered to SVG.</footer>
</main>
</body>
</html>
`;
}
