/**
 * Logistic regression and the cross-validation protocol against scikit-learn 1.2
 * (LogisticRegression, lbfgs, on StandardScaler features): one fit's weights, and accuracy over
 * fixed outer folds with C chosen on the same inner split, on made-up features (binary and
 * three classes) and on glove:6B-100d mean vectors of a slice of MR (when ../shared is there).
 * Skipped, with a message, where sklearn is not importable.
 */
import * as fs from 'fs';
import * as path from 'path';
import { crossValidate, DEFAULT_GRID, DEFAULT_INNER_FOLDS, innerFolds } from '../src/eval/probe/cross-validate';
import { encodeLabels, readLabelledSentences } from '../src/eval/probe/datasets';
import { FeatureMatrix, featureMatrix } from '../src/eval/probe/feature-matrix';
import { splitFold, stratifiedFolds } from '../src/eval/probe/folds';
import { fitLogisticRegression } from '../src/eval/probe/logistic-regression';
import { meanFeatures, staticTokens } from '../src/eval/probe/static-features';
import { seededRandom } from '../src/random';
import { resolveVectors } from '../src/static/pretrained';
import { python, sklearnAvailable } from './gensim-python';
import { ROOT, SHARED, sharedAvailable, tmpDir } from './fixtures';

const withSklearn = sklearnAvailable() ? test : test.skip;

/** n examples of `dim` features: class means apart along a few directions, correlated noise, offsets and scales per feature. */
function madeUp(n: number, dim: number, classes: number, seed: number): { x: FeatureMatrix; labels: Int32Array } {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x = featureMatrix(n, dim);
  const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
  const centres = Array.from({ length: classes }, () => Float64Array.from({ length: dim }, () => 0.35 * gauss()));
  const offset = Float64Array.from({ length: dim }, () => 5 * gauss());
  const scale = Float64Array.from({ length: dim }, () => 0.2 + 3 * random());
  for (let i = 0; i < n; i++) {
    const shared = gauss();
    for (let j = 0; j < dim; j++) x.data[i * dim + j] = offset[j] + scale[j] * (centres[labels[i]][j] + gauss() + 0.5 * shared);
  }
  return { x, labels };
}

const REFERENCE = fs.readFileSync(path.join(ROOT, 'scripts', 'sklearn-cv.py'), 'utf8');

function sklearn(data: Record<string, unknown>, x: FeatureMatrix, labels: Int32Array): any {
  const file = path.join(tmpDir('sklearn'), 'data.json');
  fs.writeFileSync(file, JSON.stringify({ ...data, x: Array.from(x.data), rows: x.rows, dim: x.dim, labels: Array.from(labels) }));
  return JSON.parse(python(REFERENCE, [file], 600000));
}

/** Our cross-validation and scikit-learn's on the same outer folds and inner splits. */
async function compareCrossValidation(x: FeatureMatrix, labels: Int32Array, classes: number, folds: number, threads?: number) {
  const foldOf = stratifiedFolds(labels, classes, folds, 1);
  const inner = Array.from({ length: folds }, (_, f) => Array.from(innerFolds(labels, splitFold(foldOf, f).train, classes, DEFAULT_INNER_FOLDS, 1, f)));
  const ours = await crossValidate(x, labels, classes, { foldOf, seed: 1, threads });
  const theirs = sklearn({ foldOf: Array.from(foldOf), inner, grid: DEFAULT_GRID }, x, labels);
  return { ours, theirs };
}

describe.each([
  ['binary', 2],
  ['three classes (multinomial)', 3],
])('%s', (_, classes) => {
  withSklearn('one fit: the same weights and intercepts as LogisticRegression on standardised features', () => {
    const { x, labels } = madeUp(240, 12, classes, 7);
    const C = 0.5;
    const model = fitLogisticRegression(x, Int32Array.from(labels.keys()), labels, classes, { C });
    const ref = sklearn({ C }, x, labels);
    const K = classes === 2 ? 1 : classes;
    expect(ref.coef).toHaveLength(K);
    let largest = 0;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < x.dim; j++) {
        expect(model.weights[k * (x.dim + 1) + j]).toBeCloseTo(ref.coef[k][j], 4);
        largest = Math.max(largest, Math.abs(ref.coef[k][j]));
      }
      expect(model.weights[k * (x.dim + 1) + x.dim]).toBeCloseTo(ref.intercept[k], 4);
    }
    expect(largest).toBeGreaterThan(0.1); // the test can fail: the weights are far from zero
  });

  withSklearn('cross-validation: fixed folds and inner splits give scikit-learn accuracy within 0.5 points', async () => {
    const { x, labels } = madeUp(400, 20, classes, 11);
    const { ours, theirs } = await compareCrossValidation(x, labels, classes, 10);
    expect(Math.abs(ours.accuracy - theirs.accuracy)).toBeLessThanOrEqual(0.005);
    expect(ours.regularization).toEqual(theirs.C);
    ours.folds.forEach((a, f) => expect(a).toBeCloseTo(theirs.folds[f], 2));
    expect(ours.accuracy).toBeGreaterThan(1 / classes + 0.1);
    expect(ours.accuracy).toBeLessThan(0.99);
  });
});

withSklearn('worker threads give the same folds as this thread', async () => {
  const { x, labels } = madeUp(300, 16, 2, 5);
  const foldOf = stratifiedFolds(labels, 2, 5, 1);
  const here = await crossValidate(x, labels, 2, { foldOf, threads: 1 });
  const workers = await crossValidate(x, labels, 2, { foldOf, threads: 2 });
  expect(workers).toEqual(here);
});

const mrAvailable = sklearnAvailable() && sharedAvailable('eval/sentence/MR.tsv');
(mrAvailable ? test : test.skip)('glove:6B-100d mean vectors of 800 MR sentences: within 0.5 points of scikit-learn', async () => {
  const all = readLabelledSentences(path.join(SHARED, 'eval/sentence/MR.tsv'));
  // the file holds the positive snippets, then the negative ones
  const examples = [...all.slice(0, 400), ...all.slice(-400)];
  const { labels, classes } = encodeLabels('MR.tsv', examples);
  const { x, coverage } = meanFeatures(resolveVectors('glove:6B-100d'), examples.map((e) => staticTokens(e.sentence)));
  expect(coverage).toBeGreaterThan(0.9);
  const { ours, theirs } = await compareCrossValidation(x, labels, classes.length, 10);
  console.log(`MR slice, glove:6B-100d mean: ours ${(100 * ours.accuracy).toFixed(2)}, scikit-learn ${(100 * theirs.accuracy).toFixed(2)}`);
  expect(Math.abs(ours.accuracy - theirs.accuracy)).toBeLessThanOrEqual(0.005);
  expect(ours.accuracy).toBeGreaterThan(0.6);
});
