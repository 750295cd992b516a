/**
 * The downstream probes on the shared datasets (MR, SUBJ, hard, line): accuracy ± std and the
 * seconds each probe took, for static vectors and a contextual model (its best layer per series);
 * then scikit-learn on the same glove:6B-100d MR features and folds (the agreement), and logistic
 * regression's speed on MR with 768-d features (a generated one-layer, 768-wide model) next to
 * scikit-learn's on the same features and folds.
 *
 *   npx ts-node --transpile-only scripts/bench-probes.ts [--vectors NAME=FILE ...] [--model DIR] [--skip-probes] [--skip-sklearn] [--skip-speed] [--threads N]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { selectLayers } from '../src/contextual/layers';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { probeClassification } from '../src/eval/classification';
import { sentenceFeatures } from '../src/eval/probe/contextual-features';
import { crossValidate, DEFAULT_GRID, DEFAULT_INNER_FOLDS, innerFolds } from '../src/eval/probe/cross-validate';
import { encodeLabels, readLabelledSentences } from '../src/eval/probe/datasets';
import { FeatureMatrix, featureMatrix } from '../src/eval/probe/feature-matrix';
import { splitFold, stratifiedFolds } from '../src/eval/probe/folds';
import type { ProbeEmbedding, ProbeResult } from '../src/eval/probe/probe';
import { meanFeatures, staticTokens } from '../src/eval/probe/static-features';
import { probeWsd } from '../src/eval/wsd';
import { resolveVectors } from '../src/static/pretrained';
import { FIXTURE_DEFAULTS, makeFixtureModel } from './make-fixture-model';

const ROOT = path.resolve(__dirname, '..');
const SHARED = path.resolve(ROOT, '..', 'shared', 'eval');
const DATASETS = [
  ['MR', 'sentence/MR.tsv'],
  ['SUBJ', 'sentence/SUBJ.tsv'],
  ['hard', 'wsd/hard.tsv'],
  ['line', 'wsd/line.tsv'],
].map(([name, file]) => ({ name, file: path.join(SHARED, file), wsd: file.startsWith('wsd/') }));

const values = (name: string) => process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]] : []));
const flag = (name: string) => process.argv.includes(`--${name}`);
const threads = values('threads').length ? Number(values('threads')[0]) : undefined;
const vectors = values('vectors').length ? values('vectors').map((v) => v.split('=') as [string, string]) : [['glove:6B-100d', 'glove:6B-100d'] as [string, string]];
const modelDir = values('model')[0] ?? path.join(ROOT, '.cache', 'fixture-models', 'tiny');

const pct = (x: number) => (100 * x).toFixed(1);
const pad = (s: string, n: number) => s.padEnd(n);

/** One table row per series (static: features and classifier; a model: the same at its best layer). */
function rows(embedding: string, results: Map<string, ProbeResult>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [dataset, r] of results) {
    const best = new Map<string, (typeof r.scores)[number]>();
    for (const s of r.scores) {
      const key = `${s.features} · ${s.classifier}`;
      if (!best.has(key) || s.accuracy > best.get(key)!.accuracy) best.set(key, s);
    }
    for (const [key, s] of best) {
      const row = `${embedding} · ${key}`;
      if (!out.has(row)) out.set(row, new Map());
      out.get(row)!.set(dataset, `${pct(s.accuracy)} ± ${pct(s.std)}${s.layer === undefined ? '' : ` L${s.layer}`} (${r.seconds.toFixed(0)} s)`);
    }
  }
  return out;
}

async function probeAll(name: string, embedding: ProbeEmbedding): Promise<Map<string, Map<string, string>>> {
  const results = new Map<string, ProbeResult>();
  for (const d of DATASETS) {
    const r = d.wsd ? await probeWsd(embedding, d.file, { threads }) : await probeClassification(embedding, d.file, { threads });
    results.set(d.name, r);
    console.error(`${name} ${d.name}: ${r.seconds.toFixed(1)} s`);
  }
  return rows(name, results);
}

/** scikit-learn on the same features, folds and inner splits (scripts/sklearn-cv.py), with its default tolerance when `fast`. */
function sklearnCrossValidation(x: FeatureMatrix, labels: Int32Array, classes: number, foldOf: Int32Array, fast: boolean): { accuracy: number; seconds: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probes-'));
  const xFile = path.join(dir, 'x.f32');
  fs.writeFileSync(xFile, Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength));
  const folds = Math.max(...foldOf) + 1;
  const inner = Array.from({ length: folds }, (_, f) => Array.from(innerFolds(labels, splitFold(foldOf, f).train, classes, DEFAULT_INNER_FOLDS, 1, f)));
  const job = path.join(dir, 'job.json');
  fs.writeFileSync(job, JSON.stringify({ x_file: xFile, rows: x.rows, dim: x.dim, labels: Array.from(labels), foldOf: Array.from(foldOf), inner, grid: DEFAULT_GRID, ...(fast ? { tol: 1e-4, max_iter: 1000 } : {}) }));
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'sklearn-cv.py'), job], { encoding: 'utf8', maxBuffer: 1 << 26 });
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`scikit-learn failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function timedCrossValidation(x: FeatureMatrix, labels: Int32Array, classes: number, foldOf: Int32Array) {
  const began = Date.now();
  const cv = await crossValidate(x, labels, classes, { foldOf, seed: 1, threads });
  return { accuracy: cv.accuracy, seconds: (Date.now() - began) / 1000 };
}

async function probeTable(): Promise<void> {
  const table = new Map<string, Map<string, string>>();
  for (const [name, file] of vectors) for (const [k, v] of await probeAll(name, resolveVectors(file))) table.set(k, v);
  const model: ContextualModel = await loadContextualModel({ model: modelDir });
  try {
    for (const [k, v] of await probeAll(path.basename(modelDir), model)) table.set(k, v);
  } finally {
    await model.dispose();
  }
  const width = Math.max(...[...table.keys()].map((k) => k.length)) + 2;
  console.log(`\n${pad('embedding · features · classifier', width)}${DATASETS.map((d) => pad(d.name, 28)).join('')}`);
  for (const [row, cells] of table) console.log(`${pad(row, width)}${DATASETS.map((d) => pad(cells.get(d.name) ?? '–', 28)).join('')}`);
}

async function main(): Promise<void> {
  if (!flag('skip-probes')) await probeTable();

  const mr = readLabelledSentences(DATASETS[0].file);
  const { labels } = encodeLabels(DATASETS[0].file, mr);
  const foldOf = stratifiedFolds(labels, 2, 10, 1);
  if (!flag('skip-sklearn')) {
    const { x } = meanFeatures(resolveVectors('glove:6B-100d'), mr.map((e) => staticTokens(e.sentence)));
    const ours = await timedCrossValidation(x, labels, 2, foldOf);
    const theirs = sklearnCrossValidation(x, labels, 2, foldOf, false);
    console.log(`\nglove:6B-100d mean on MR, same folds and inner splits: ours ${pct(ours.accuracy)}, scikit-learn ${pct(theirs.accuracy)} (difference ${(100 * Math.abs(ours.accuracy - theirs.accuracy)).toFixed(2)} points)`);
  }
  if (!flag('skip-speed')) {
    const dir = path.join(ROOT, '.cache', 'bench-models', 'h768-l1');
    if (!fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) makeFixtureModel({ ...FIXTURE_DEFAULTS, out: dir, hidden: 768, layers: 1, heads: 12, intermediate: 3072 });
    // the features are kept: the model's pass is not what is measured
    const cached = path.join(dir, 'MR-L1-mean.f32');
    const x = featureMatrix(mr.length, 768);
    if (fs.existsSync(cached)) x.data.set(new Float32Array(fs.readFileSync(cached).buffer.slice(0)));
    else {
      const wide = await loadContextualModel({ model: dir });
      try {
        await selectLayers(wide, [1]);
        const began = Date.now();
        const [[features]] = await sentenceFeatures(wide, mr.map((e) => e.sentence), ['mean'], 1);
        x.data.set(features.data);
        console.log(`\nMR through a 1-layer 768-wide model: ${((Date.now() - began) / 1000).toFixed(0)} s`);
      } finally {
        await wide.dispose();
      }
      fs.writeFileSync(cached, Buffer.from(x.data.buffer, 0, x.data.byteLength));
    }
    const ours = await timedCrossValidation(x, labels, 2, foldOf);
    const theirs = sklearnCrossValidation(x, labels, 2, foldOf, true);
    console.log(`logistic regression, 10 folds on MR, 768-d (grid of ${DEFAULT_GRID.length}, one inner split): ours ${ours.seconds.toFixed(1)} s on ${threads ?? os.availableParallelism()} threads (accuracy ${pct(ours.accuracy)}); scikit-learn 1.2 lbfgs (tol 1e-4) ${theirs.seconds.toFixed(1)} s (accuracy ${pct(theirs.accuracy)}); ratio ${(ours.seconds / theirs.seconds).toFixed(2)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
