/**
 * The report's Downstream section: the probes' accuracies flattened into rows (one per embedding,
 * features, layer and classifier, per dataset), a table per task with the best of each column
 * highlighted, and the charts' figures.
 */
import type { ClassifierName } from '../eval/probe/cross-validate';
import type { ProbeTask } from '../eval/probe/probe';
import { datasetName, RenderedChart } from './charts';
import { chartFigure, Column, escapeHtml, highlightedTable, isNum, MISSING } from './html-parts';
import type { ComparisonReport, EmbeddingProbe } from './types';

export interface DownstreamRow {
  task: ProbeTask;
  dataset: string;
  embedding: string;
  kind: EmbeddingProbe['kind'];
  features: string;
  layer?: number;
  classifier: ClassifierName;
  accuracy: number;
  std: number;
  folds: number[];
  coverage?: number;
  /** Seconds of the whole probe of this embedding on this dataset. */
  seconds: number;
  /** What the row is, layer excluded: `glove:6B-100d · mean`, `bert · cls`, `bert · target · LR`. */
  series: string;
  /** With the layer: `bert L12 · cls`. */
  label: string;
}

const CLASSIFIER_NAMES: Record<ClassifierName, string> = { 'logistic-regression': 'LR', 'nearest-centroid': '1-NC', 'most-frequent': 'MFS' };

/** How the features read in a row's name. */
function featuresName(task: ProbeTask, features: string, classifier: ClassifierName): string {
  if (classifier === 'most-frequent') return 'most frequent sense';
  const name = features === 'sif' ? 'SIF' : features === 'window' ? 'window ±5' : features;
  return task === 'wsd' ? `${name} · ${CLASSIFIER_NAMES[classifier]}` : name;
}

/** Every score of every probe as a row, in the report's order. */
export function downstreamRows(probes: EmbeddingProbe[]): DownstreamRow[] {
  return probes.flatMap((p) =>
    p.scores.map((s) => {
      const what = featuresName(p.task, s.features, s.classifier);
      const row: DownstreamRow = {
        task: p.task,
        dataset: p.dataset,
        embedding: p.embedding,
        kind: p.kind,
        features: s.features,
        classifier: s.classifier,
        accuracy: s.accuracy,
        std: s.std,
        folds: s.folds,
        seconds: p.seconds,
        series: `${p.embedding} · ${what}`,
        label: `${p.embedding}${s.layer === undefined ? '' : ` L${s.layer}`} · ${what}`,
      };
      if (s.layer !== undefined) row.layer = s.layer;
      if (s.coverage !== undefined) row.coverage = s.coverage;
      return row;
    }),
  );
}

const TASK_TITLES: Record<ProbeTask, string> = { classification: 'Sentence classification', wsd: 'Word senses' };

const accuracyCell = (r: DownstreamRow | undefined) => {
  if (!r || !isNum(r.accuracy)) return `<td class="num">${MISSING}</td>`;
  const coverage = r.coverage === undefined ? '' : ` <small class="dim" title="words with a vector">${(100 * r.coverage).toFixed(0)}% words</small>`;
  return `<td class="num" title="${escapeHtml(`folds: ${r.folds.map((f) => (100 * f).toFixed(1)).join(', ')}; ${r.seconds.toFixed(1)} s`)}">${(100 * r.accuracy).toFixed(1)} <span class="sd">± ${(100 * r.std).toFixed(1)}</span>${coverage}</td>`;
};

/** One table per task: a row per embedding, features, layer and classifier; a column per dataset. */
function taskTable(rows: DownstreamRow[], task: ProbeTask): string {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const keys = [...new Set(rows.map((r) => r.label))];
  const byKey = keys.map((label) => rows.filter((r) => r.label === label));
  const cols: Column<DownstreamRow[]>[] = [
    { head: 'Embedding', cell: (rs) => `<th scope="row">${escapeHtml(rs[0].embedding)}</th>` },
    { head: 'Kind', cell: (rs) => `<td><span class="kind kind-${escapeHtml(rs[0].kind)}">${escapeHtml(rs[0].kind)}</span></td>` },
    { head: 'Layer', cell: (rs) => `<td class="num">${rs[0].layer === undefined ? MISSING : escapeHtml(rs[0].layer)}</td>` },
    { head: 'Features', cell: (rs) => `<td>${escapeHtml(featuresName(task, rs[0].features, rs[0].classifier))}</td>` },
    ...datasets.map((ds): Column<DownstreamRow[]> => ({
      head: `${escapeHtml(datasetName(ds))}<br><small>accuracy % ± std</small>`,
      title: ds,
      cell: (rs) => accuracyCell(rs.find((r) => r.dataset === ds)),
      value: (rs) => rs.find((r) => r.dataset === ds)?.accuracy,
    })),
  ];
  return `<h3>${TASK_TITLES[task]}</h3>\n${highlightedTable(byKey, cols, 'downstream')}`;
}

export function downstreamSection(report: ComparisonReport, charts: RenderedChart[]): string {
  const probes = report.downstream ?? [];
  if (probes.length === 0) return '';
  const rows = downstreamRows(probes);
  const tasks = (['classification', 'wsd'] as const).filter((t) => rows.some((r) => r.task === t));
  const folds = (t: ProbeTask) => probes.find((p) => p.task === t)?.folds;
  const figures = charts.filter((c) => c.name.startsWith('downstream-') || c.name.startsWith('layers-'));
  const captions: Record<string, string> = {
    'downstream-classification': 'Accuracy per dataset: bars are the mean over folds, the line spans ± one standard deviation, ticks are the folds. A contextual model shows its best layer per pooling (every layer is in the table and the curves).',
    'downstream-wsd': 'Accuracy per dataset: bars are the mean over folds, the line spans ± one standard deviation, ticks are the folds. A contextual model shows its best layer per classifier.',
  };
  const caption = (c: RenderedChart) => captions[c.name] ?? 'Accuracy per layer (0 = the embedding layer); dashed lines: the static baselines.';
  return `<section id="downstream"><h2>Downstream</h2>
<p class="dim">Supervised probes: each embedding gives one feature vector per example, scored by stratified cross-validation${tasks.includes('classification') ? ` (sentence classification: ${folds('classification')} folds, L2 logistic regression on standardised features with C chosen on each training fold by inner validation, as SentEval; static features: the mean of a sentence's word vectors and SIF, a/(a + p(w)) weights with the first principal component removed; a model: its pooled states)` : ''}${tasks.includes('wsd') ? ` (word senses: ${folds('wsd')} folds, 1-nearest-centroid (1-NC) and logistic regression (LR) on the target word's vector; a static vector is the same in every sentence, so its accuracy is the most frequent sense (MFS); the static baseline that can tell senses apart is the mean of the vectors within ±5 words)` : ''}. The best value of each column is highlighted; hover over a cell for its folds and the probe's time.</p>
${tasks.map((t) => taskTable(rows.filter((r) => r.task === t), t)).join('\n')}
${figures.map((c) => chartFigure(c, caption(c))).join('\n')}
</section>`;
}
