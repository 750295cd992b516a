/**
 * The Downstream section's charts: per task, bars of accuracy per dataset with the fold spread;
 * per contextual model, accuracy per layer (which layer knows most) against the static baselines.
 */
import type { ProbeTask } from '../eval/probe/probe';
import { ChartSpec, CONFIG, datasetName, KIND_COLOURS } from './charts';
import { downstreamRows, DownstreamRow } from './downstream';
import type { ComparisonReport } from './types';

const KIND_COLOUR = { static: KIND_COLOURS.static, contextual: '#e45756' };
const pct = (x: number) => Math.round(1000 * x) / 10;

/** Contextual rows at their best layer per series (the curves show them all); static rows as they are. */
function bestLayers(rows: DownstreamRow[]): DownstreamRow[] {
  const best = new Map<string, DownstreamRow>();
  for (const r of rows) {
    const key = `${r.dataset}\u0000${r.series}`;
    const seen = best.get(key);
    if (!seen || r.accuracy > seen.accuracy) best.set(key, r);
  }
  return rows.filter((r) => best.get(`${r.dataset}\u0000${r.series}`) === r);
}

/** Bars (mean accuracy), a rule over ± one standard deviation and a tick per fold, a panel per dataset. */
function taskChart(rows: DownstreamRow[], task: ProbeTask): ChartSpec | undefined {
  const shown = bestLayers(rows.filter((r) => r.task === task && Number.isFinite(r.accuracy)));
  if (shown.length === 0) return undefined;
  const name = (r: DownstreamRow) => (r.layer === undefined ? r.series : `${r.series} (best layer)`);
  const order = [...new Set(shown.map(name))];
  const datasets = [...new Set(shown.map((r) => datasetName(r.dataset)))];
  const values = shown.flatMap((r) => [
    { type: 'mean', row: name(r), dataset: datasetName(r.dataset), kind: r.kind, accuracy: pct(r.accuracy), low: pct(r.accuracy - r.std), high: pct(r.accuracy + r.std), text: `${pct(r.accuracy).toFixed(1)}${r.layer === undefined ? '' : ` (L${r.layer})`}` },
    ...r.folds.map((f) => ({ type: 'fold', row: name(r), dataset: datasetName(r.dataset), accuracy: pct(f) })),
  ]);
  const y = { field: 'row', type: 'nominal', sort: order, title: null, axis: { labelLimit: 0 } };
  const x = { field: 'accuracy', type: 'quantitative', title: 'accuracy %', scale: { domain: [0, 115], nice: false }, axis: { values: [0, 25, 50, 75, 100] } };
  const only = (type: string) => [{ filter: `datum.type === '${type}'` }];
  const kinds = (['static', 'contextual'] as const).filter((k) => shown.some((r) => r.kind === k));
  return {
    name: `downstream-${task}`,
    title: task === 'classification' ? 'Sentence classification' : 'Word senses',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      data: { values },
      facet: { column: { field: 'dataset', type: 'nominal', title: null, sort: datasets, header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
      spacing: 14,
      spec: {
        width: 240,
        height: { step: 18 },
        layer: [
          {
            transform: only('mean'),
            mark: { type: 'bar', height: { band: 0.75 }, opacity: 0.85 },
            encoding: { y, x, color: { field: 'kind', type: 'nominal', title: 'Kind', scale: { domain: kinds, range: kinds.map((k) => KIND_COLOUR[k]) } } },
          },
          { transform: only('mean'), mark: { type: 'rule', color: '#222', strokeWidth: 1.5 }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
          { transform: only('fold'), mark: { type: 'tick', color: '#222', opacity: 0.6, thickness: 1, bandSize: 10 }, encoding: { y, x } },
          { transform: only('mean'), mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#333' }, encoding: { y, x: { field: 'high', type: 'quantitative' }, text: { field: 'text' } } },
        ],
      },
    },
  };
}

/** Accuracy per layer of one model's series, a panel per dataset, the static rows as dashed horizontal lines. */
function layerChart(rows: DownstreamRow[], model: string): ChartSpec | undefined {
  const curves = rows.filter((r) => r.kind === 'contextual' && r.embedding === model && r.layer !== undefined && Number.isFinite(r.accuracy));
  if (curves.length === 0) return undefined;
  const datasets = [...new Set(curves.map((r) => r.dataset))];
  const baselines = rows.filter((r) => r.kind === 'static' && datasets.includes(r.dataset) && Number.isFinite(r.accuracy));
  const series = [...new Set(curves.map((r) => r.series.slice(model.length + 3)))];
  const values = [
    ...curves.map((r) => ({ type: 'layer', dataset: datasetName(r.dataset), layer: r.layer, series: r.series.slice(model.length + 3), accuracy: pct(r.accuracy) })),
    ...baselines.map((r) => ({ type: 'baseline', dataset: datasetName(r.dataset), series: r.series, accuracy: pct(r.accuracy), text: `${r.series} ${pct(r.accuracy).toFixed(1)}` })),
  ];
  const layers = [...new Set(curves.map((r) => r.layer!))].sort((a, b) => a - b);
  const yField = { field: 'accuracy', type: 'quantitative', title: 'accuracy %', scale: { zero: false } };
  const only = (type: string) => [{ filter: `datum.type === '${type}'` }];
  return {
    name: `layers-${model.replace(/[^\w.-]+/g, '_')}`,
    title: `${model}: accuracy per layer`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      config: CONFIG,
      title: `${model}: accuracy per layer`,
      data: { values },
      facet: { column: { field: 'dataset', type: 'nominal', title: null, sort: datasets.map(datasetName), header: { labelFontSize: 12, labelFontWeight: 'bold' } } },
      spacing: 20,
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 260,
        height: 200,
        layer: [
          { transform: only('baseline'), mark: { type: 'rule', strokeDash: [5, 4], color: '#888' }, encoding: { y: yField } },
          { transform: only('baseline'), mark: { type: 'text', align: 'left', baseline: 'bottom', x: 3, dy: -2, fontSize: 9, color: '#666' }, encoding: { y: yField, text: { field: 'text' } } },
          {
            transform: only('layer'),
            mark: { type: 'line', point: true, strokeWidth: 2 },
            encoding: {
              x: { field: 'layer', type: 'ordinal', title: 'Layer (0 = embeddings)', sort: layers, axis: { labelAngle: 0 } },
              y: yField,
              color: { field: 'series', type: 'nominal', title: 'Features', sort: series, scale: { scheme: 'tableau10' } },
            },
          },
        ],
      },
    },
  };
}

export function downstreamCharts(report: ComparisonReport): ChartSpec[] {
  const rows = downstreamRows(report.downstream ?? []);
  const models = [...new Set(rows.filter((r) => r.kind === 'contextual').map((r) => r.embedding))];
  return [taskChart(rows, 'classification'), taskChart(rows, 'wsd'), ...models.map((m) => layerChart(rows, m))].filter((c): c is ChartSpec => c !== undefined);
}
