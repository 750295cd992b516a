/**
 * The report's charts: Vega-Lite specs built from a ComparisonReport, rendered to SVG by Vega in
 * Node (no browser, no canvas) and to PNG by resvg.
 *
 * Vega 6 and Vega-Lite 6 are ES modules with top-level await, which CommonJS cannot `require`
 * and which jest's module sandbox cannot `import()`. They are loaded with `import()` in a
 * worker thread (plain Node, whatever runs this module), which compiles and renders every chart
 * and sends the SVG strings back.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Worker } from 'worker_threads';
import { writeFileAtomic } from '../files';
import type { ComparisonReport, EmbeddingKind } from './types';

/** A Vega-Lite specification (JSON). */
export type VegaLiteSpec = Record<string, unknown>;

export interface ChartSpec {
  /** File-name stem: DIR/<name>.png, and the id of the chart in the page. */
  name: string;
  title: string;
  spec: VegaLiteSpec;
}

export interface RenderedChart extends ChartSpec {
  svg: string;
}

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Shared look: white background, quiet axes, the page's font. */
export const CONFIG = {
  background: 'white',
  font: FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14, fontWeight: 'normal', anchor: 'start' },
};

export const KIND_COLOURS: Record<EmbeddingKind, string> = { static: '#4c78a8', distilled: '#f58518', isolated: '#54a24b' };

/** One bar per embedding and score: Spearman per word-similarity dataset, 3CosAdd and 3CosMul accuracy. */
export function scoresChart(report: ComparisonReport): ChartSpec | undefined {
  const values: { embedding: string; order: number; kind: EmbeddingKind; metric: string; metricOrder: number; score: number; labelAt?: number }[] = [];
  const metrics: string[] = [];
  const metricIndex = (m: string) => {
    if (!metrics.includes(m)) metrics.push(m);
    return metrics.indexOf(m);
  };
  report.embeddings.forEach((e, order) => {
    for (const w of e.wordsim) {
      if (!Number.isFinite(w.spearman)) continue;
      const metric = `${datasetName(w.dataset)} Spearman`;
      values.push({ embedding: e.name, order, kind: e.kind, metric, metricOrder: metricIndex(metric), score: w.spearman });
    }
    if (e.analogy) {
      for (const [metric, score] of [['Analogy 3CosAdd', e.analogy.accuracy], ['Analogy 3CosMul', e.analogy.cosmulAccuracy]] as const) {
        if (Number.isFinite(score)) values.push({ embedding: e.name, order, kind: e.kind, metric, metricOrder: metricIndex(metric), score });
      }
    }
  });
  if (values.length === 0) return undefined;
  for (const v of values) v.labelAt = Math.max(0, v.score); // a negative bar's label starts at 0, clear of the bar
  const domain = scoreDomain(values.map((v) => v.score));
  const ticks = [-1, -0.5, 0, 0.5, 1].filter((t) => t >= domain[0] - 1e-9);
  const kinds = kindsPresent(report);
  const names = report.embeddings.map((e) => e.name);
  return {
    name: 'scores',
    title: 'Scores',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      data: { values },
      facet: { column: { field: 'metric', type: 'nominal', title: null, sort: metrics, header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
      spacing: 14,
      spec: {
        width: 170,
        height: { step: 16 },
        layer: [
          {
            mark: { type: 'bar', height: { band: 0.8 } },
            encoding: {
              y: { field: 'embedding', type: 'nominal', sort: names, title: null, axis: { labelLimit: 200 } },
              x: { field: 'score', type: 'quantitative', title: null, scale: { domain, nice: false }, axis: { values: ticks, format: '.2~f' } },
              color: { field: 'kind', type: 'nominal', title: 'Kind', scale: { domain: kinds, range: kinds.map((k) => KIND_COLOURS[k]) } },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' },
            encoding: {
              y: { field: 'embedding', type: 'nominal', sort: names },
              x: { field: 'labelAt', type: 'quantitative' },
              text: { field: 'score', type: 'quantitative', format: '.3f' },
            },
          },
        ],
      },
    },
  };
}

/** Scores are correlations in [-1, 1] and accuracies in [0, 1]: 0..1 unless a score is negative, with room for the labels. */
function scoreDomain(scores: number[]): [number, number] {
  const lo = Math.min(0, ...scores);
  return [lo < 0 ? Math.max(-1, Math.floor(lo * 4) / 4) : 0, 1.18];
}

/** Per-layer contextuality: the raw measures and anisotropy, and the anisotropy-adjusted ones. */
export function contextualityChart(report: ComparisonReport): ChartSpec | undefined {
  if (report.contextuality.length === 0) return undefined;
  const RAW: [string, keyof (typeof report.contextuality)[number]][] = [
    ['self-similarity', 'selfSimilarity'],
    ['intra-sentence similarity', 'intraSentenceSimilarity'],
    ['max. explainable variance', 'maxExplainableVariance'],
    ['anisotropy (baseline)', 'anisotropy'],
    ['MEV baseline', 'varianceBaseline'],
  ];
  const ADJUSTED: [string, keyof (typeof report.contextuality)[number]][] = [
    ['self-similarity', 'adjustedSelfSimilarity'],
    ['intra-sentence similarity', 'adjustedIntraSentenceSimilarity'],
    ['max. explainable variance', 'adjustedMaxExplainableVariance'],
  ];
  const values: { layer: number; panel: string; measure: string; value: number }[] = [];
  for (const c of report.contextuality) {
    for (const [measure, key] of RAW) if (Number.isFinite(c[key])) values.push({ layer: c.layer, panel: 'Raw', measure, value: c[key] as number });
    for (const [measure, key] of ADJUSTED) if (Number.isFinite(c[key])) values.push({ layer: c.layer, panel: 'Adjusted for anisotropy', measure, value: c[key] as number });
  }
  if (values.length === 0) return undefined;
  const measures = RAW.map(([m]) => m).filter((m) => values.some((v) => v.measure === m));
  const colours = ['#4c78a8', '#f58518', '#54a24b', '#9d9d9d', '#bab0ac'];
  const dashes = [[1, 0], [1, 0], [1, 0], [4, 3], [1, 3]];
  const shapes = ['circle', 'square', 'triangle-up', 'diamond', 'cross'];
  const layers = [...new Set(report.contextuality.map((c) => c.layer))].sort((a, b) => a - b);
  return {
    name: 'contextuality',
    title: 'Contextuality by layer',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      data: { values },
      facet: { column: { field: 'panel', type: 'nominal', title: null, sort: ['Raw', 'Adjusted for anisotropy'], header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
      spacing: 24,
      spec: {
        width: 300,
        height: 220,
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'layer', type: 'ordinal', title: 'Layer (0 = embeddings)', sort: layers, axis: { labelAngle: 0 } },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'measure', type: 'nominal', title: 'Measure', sort: measures, scale: { domain: measures, range: colours.slice(0, measures.length) } },
          // Same field and title as colour: Vega-Lite merges the three into one legend.
          strokeDash: { field: 'measure', type: 'nominal', title: 'Measure', sort: measures, scale: { domain: measures, range: dashes.slice(0, measures.length) } },
          shape: { field: 'measure', type: 'nominal', title: 'Measure', sort: measures, scale: { domain: measures, range: shapes.slice(0, measures.length) } },
        },
      },
    },
  };
}

/** The probed word's contextual vectors in 2-D, coloured by sense label, with the distilled centroid. */
export function polysemyChart(report: ComparisonReport): ChartSpec | undefined {
  const probe = report.polysemy;
  if (!probe || probe.points.length === 0) return undefined;
  const labels = probe.labels.length > 0 ? probe.labels : [...new Set(probe.points.map((p) => p.label))];
  const layers: VegaLiteSpec[] = [
    {
      data: { values: probe.points.map((p) => ({ x: p.x, y: p.y, label: p.label, cluster: `cluster ${p.cluster}` })) },
      mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: `${probe.projection.toUpperCase()} 1`, scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: `${probe.projection.toUpperCase()} 2`, scale: { zero: false } },
        color: { field: 'label', type: 'nominal', title: 'Sense', scale: { domain: labels, scheme: 'tableau10' } },
        shape: { field: 'cluster', type: 'nominal', title: 'k-means cluster' },
      },
    },
  ];
  if (probe.centroid) {
    const c = [{ x: probe.centroid.x, y: probe.centroid.y, text: 'centroid (distilled)' }];
    layers.push(
      { data: { values: c }, mark: { type: 'point', shape: 'cross', size: 220, filled: true, color: 'black' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
      { data: { values: c }, mark: { type: 'text', dx: 9, dy: -9, align: 'left', fontSize: 11, color: 'black' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'text' } } },
    );
  }
  return {
    name: 'polysemy',
    title: `"${probe.word}" in context`,
    spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, width: 420, height: 320, layer: layers },
  };
}

export function reportCharts(report: ComparisonReport): ChartSpec[] {
  return [scoresChart(report), contextualityChart(report), polysemyChart(report)].filter((c): c is ChartSpec => c !== undefined);
}

function kindsPresent(report: ComparisonReport): EmbeddingKind[] {
  return (['static', 'distilled', 'isolated'] as const).filter((k) => report.embeddings.some((e) => e.kind === k));
}

/** A dataset's display name: its file name without the extension (`EN-WS-353-ALL`). */
export function datasetName(file: string): string {
  return path.basename(file).replace(/\.(txt|tsv|csv)$/i, '');
}

// The worker: plain JavaScript run by Node itself, so `import()` of the ES modules works.
const RENDER_WORKER = `
const { parentPort, workerData } = require('worker_threads');
(async () => {
  const vega = await import(workerData.vega);
  const vegaLite = await import(workerData.vegaLite);
  const svgs = [];
  for (const spec of workerData.specs) {
    const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
    svgs.push(await view.toSVG());
    view.finalize();
  }
  parentPort.postMessage({ svgs });
})().catch((err) => parentPort.postMessage({ error: String((err && err.stack) || err) }));
`;

/** Each Vega-Lite spec as an SVG document string (one worker for all). */
export function renderSvgs(specs: VegaLiteSpec[]): Promise<string[]> {
  if (specs.length === 0) return Promise.resolve([]);
  const workerData = {
    vega: pathToFileURL(require.resolve('vega')).href,
    vegaLite: pathToFileURL(require.resolve('vega-lite')).href,
    specs,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(RENDER_WORKER, { eval: true, workerData });
    let settled = false;
    worker.once('message', (m: { svgs?: string[]; error?: string }) => {
      settled = true;
      void worker.terminate();
      if (m.svgs) resolve(m.svgs);
      else reject(new Error(`rendering the charts failed: ${m.error}`));
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the chart worker exited (code ${code}) before rendering`));
    });
  });
}

export async function renderCharts(charts: ChartSpec[]): Promise<RenderedChart[]> {
  const svgs = await renderSvgs(charts.map((c) => c.spec));
  return charts.map((c, i) => ({ ...c, svg: svgs[i] }));
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts', path.join(os.homedir(), '.fonts'), path.join(os.homedir(), '.local', 'share', 'fonts')];

/** Whether a font file resvg can load lies in the usual system font folders (without one, PNG text would be blank). */
export function systemFontAvailable(dirs = FONT_DIRS): boolean {
  const seen = { n: 0 };
  const walk = (dir: string, depth: number): boolean => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      if (++seen.n > 20000) return false;
      if (e.isFile() && /\.(ttf|otf|ttc|otc)$/i.test(e.name)) return true;
      if ((e.isDirectory() || e.isSymbolicLink()) && depth < 6 && walk(path.join(dir, e.name), depth + 1)) return true;
    }
    return false;
  };
  return dirs.some((d) => walk(d, 0));
}

export interface PngResult {
  written: string[];
  /** Why PNGs were not written, when they were not. */
  skipped?: string;
}

/**
 * DIR/<chart>.png for each chart, at twice the SVG's size, text drawn with the system's fonts.
 * Without a system font (text would come out blank) or without resvg's native binding, no PNG is
 * written and `skipped` says why; the HTML page does not need them.
 */
export function writePngs(charts: RenderedChart[], outDir: string, opts: { scale?: number } = {}): PngResult {
  if (charts.length === 0) return { written: [] };
  if (!systemFontAvailable()) return { written: [], skipped: 'no system font found (install one, e.g. fonts-dejavu-core): PNG text would be blank' };
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));
  } catch (err) {
    return { written: [], skipped: `@resvg/resvg-js could not be loaded (${String((err as Error).message).split('\n')[0]})` };
  }
  const written: string[] = [];
  for (const chart of charts) {
    const resvg = new Resvg(chart.svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
      font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    });
    const file = path.join(outDir, `${chart.name}.png`);
    writeFileAtomic(file, resvg.render().asPng());
    written.push(file);
  }
  return { written };
}
