/**
 * Cross-validated accuracy of a classifier on fixed features (SentEval's protocol): for each
 * outer fold, logistic regression's C is chosen by inner validation on the training rows (a
 * stratified fifth held out, or full inner cross-validation) over a small grid (warm-started from
 * the smallest C up), refitted on all of them and scored on the held-out fold. Folds run on worker threads when the work is large enough to
 * pay for them; the features are shared with the workers, never copied.
 */
import * as os from 'os';
import * as path from 'path';
import { deriveSeed } from '../../random';
import { startWorker } from '../../worker-thread';
import { splitFold, stratifiedFolds } from './folds';
import type { FeatureMatrix } from './feature-matrix';
import { fitLogisticRegression, LogisticModel, predictLogistic, standardization, weightVectors } from './logistic-regression';
import { LogisticPass, PlacedData, placeData } from './kernel';
import { nearestCentroidPredictions } from './nearest-centroid';

export type ClassifierName = 'logistic-regression' | 'nearest-centroid' | 'most-frequent';
export const CLASSIFIERS: readonly ClassifierName[] = ['logistic-regression', 'nearest-centroid', 'most-frequent'];

/** Logistic regression's C grid: strong to weak regularisation of standardised features. */
export const DEFAULT_GRID = [0.001, 0.01, 0.1, 1, 10];
export const DEFAULT_INNER_FOLDS = 5;
export const DEFAULT_INNER_ROUNDS = 1;

export interface CrossValidationOptions {
  classifier?: ClassifierName;
  /** The fold of each example (see stratifiedFolds): the same for every embedding of a task. */
  foldOf: Int32Array;
  /** Logistic regression's C values (ascending); one value: no inner selection. */
  grid?: number[];
  /** The training rows of each outer fold are cut into this many stratified parts to choose C (default 5). */
  innerFolds?: number;
  /**
   * How many of those parts serve in turn as the validation part (default 1: fit on four fifths,
   * validate on one; `innerFolds`: full inner cross-validation, as SentEval, five times the work).
   */
  innerRounds?: number;
  /** Seed of the inner folds. */
  seed?: number;
  /** Worker threads; by default every CPU when the work pays for them, else this thread alone. */
  threads?: number;
  /** Called as each outer fold finishes. */
  onFold?: (done: number, total: number) => void;
}

export interface CrossValidation {
  classifier: ClassifierName;
  /** Mean of the folds' accuracies. */
  accuracy: number;
  /** Their standard deviation (population, as numpy's std). */
  std: number;
  /** Accuracy of each fold, in fold order. */
  folds: number[];
  /** Logistic regression: the C chosen on each fold. */
  regularization?: number[];
}

/** One outer fold's work, all in plain data (what a worker receives). */
export interface FoldTask {
  x: FeatureMatrix;
  labels: Int32Array;
  classes: number;
  foldOf: Int32Array;
  classifier: ClassifierName;
  grid: number[];
  innerFolds: number;
  innerRounds: number;
  seed: number;
  /** Logistic regression: the features and labels in the kernel's memory, scratch per thread. */
  placed?: PlacedData;
}

export interface FoldResult {
  fold: number;
  accuracy: number;
  C?: number;
}

function accuracyOf(predicted: Int32Array, rows: Int32Array, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < rows.length; i++) if (predicted[i] === labels[rows[i]]) right++;
  return rows.length > 0 ? right / rows.length : NaN;
}

/** The most frequent class among `rows` (the lowest on ties). */
export function mostFrequentClass(rows: Int32Array, labels: Int32Array, classes: number): number {
  const counts = new Int32Array(classes);
  for (const r of rows) counts[labels[r]]++;
  return counts.indexOf(Math.max(...counts));
}

/** The inner fold of each training row of outer fold `fold` (inner fold 0 validates first). */
export function innerFolds(labels: Int32Array, train: Int32Array, classes: number, k: number, seed: number, fold: number): Int32Array {
  return stratifiedFolds(Int32Array.from(train, (r) => labels[r]), classes, k, deriveSeed(seed, fold));
}

/**
 * C by inner cross-validation on `train`: the grid value with the best mean inner accuracy (the
 * smallest on ties), and the mean of the inner fits' weights at that C (a warm start for the refit).
 */
function chooseC(task: FoldTask, train: Int32Array, fold: number, st: LogisticModel['standardization'], pass: LogisticPass): { C: number; start?: Float64Array } {
  const { x, labels, classes, grid } = task;
  if (grid.length === 1) return { C: grid[0] };
  const innerOf = innerFolds(labels, train, classes, task.innerFolds, task.seed, fold);
  const score = new Float64Array(grid.length);
  const weights = grid.map(() => new Float64Array(weightVectors(classes) * (x.dim + 1)));
  for (let f = 0; f < task.innerRounds; f++) {
    const inner = splitFold(innerOf, f, train);
    let start: Float64Array | undefined;
    grid.forEach((C, g) => {
      const model = fitLogisticRegression(x, inner.train, labels, classes, { C, standardization: st, start, pass });
      start = model.weights;
      score[g] += accuracyOf(predictLogistic(model, x, inner.test), inner.test, labels);
      for (let i = 0; i < start.length; i++) weights[g][i] += start[i] / task.innerRounds;
    });
  }
  const best = score.indexOf(Math.max(...score));
  return { C: grid[best], start: weights[best] };
}

/** Trains on every fold but `fold` and scores on it; `thread` picks the kernel's scratch. */
export function runFold(task: FoldTask, fold: number, thread = 0): FoldResult {
  const { x, labels, classes } = task;
  const { train, test } = splitFold(task.foldOf, fold);
  switch (task.classifier) {
    case 'most-frequent': {
      const c = mostFrequentClass(train, labels, classes);
      return { fold, accuracy: accuracyOf(new Int32Array(test.length).fill(c), test, labels) };
    }
    case 'nearest-centroid':
      return { fold, accuracy: accuracyOf(nearestCentroidPredictions(x, train, test, labels, classes), test, labels) };
    case 'logistic-regression': {
      const st = standardization(x, train);
      const pass = new LogisticPass(task.placed!, thread);
      const { C, start } = chooseC(task, train, fold, st, pass);
      const model = fitLogisticRegression(x, train, labels, classes, { C, standardization: st, start, pass });
      return { fold, accuracy: accuracyOf(predictLogistic(model, x, test), test, labels), C };
    }
  }
}

/** Multiply-adds of one gradient, times the fits: below this the folds stay in this thread. */
const WORKER_THRESHOLD = 5e7;

/**
 * Worker threads take the folds from a shared counter and post each result. The features and
 * labels go as views of the kernel's shared memory, where placeData has put them already.
 */
function runFoldsInWorkers(task: FoldTask, folds: number, threads: number, onResult: (r: FoldResult) => void): Promise<void> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const { memory, data: dataAt, labels: labelsAt } = task.placed!;
  const x = { ...task.x, data: new Float32Array(memory.buffer, dataAt, task.x.data.length) };
  const labels = new Int32Array(memory.buffer, labelsAt, task.labels.length);
  const data = { ...task, x, labels, next, folds };
  const file = path.join(__dirname, `fold-worker${path.extname(__filename)}`);
  return Promise.all(
    Array.from({ length: threads }, (_, thread) => {
      const worker = startWorker(file, { ...data, thread });
      return new Promise<void>((resolve, reject) => {
        let failed = false;
        worker.on('message', (m: FoldResult | { error: string }) => {
          if ('error' in m) {
            failed = true;
            reject(new Error(`cross-validation worker: ${m.error}`));
          } else onResult(m);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 && !failed ? resolve() : reject(new Error(`cross-validation worker stopped (exit code ${code})`))));
      });
    }),
  ).then(() => undefined);
}

/**
 * Accuracy over the folds of `options.foldOf` of a classifier on features `x` whose classes are
 * `labels` (0..classes-1).
 */
export async function crossValidate(x: FeatureMatrix, labels: Int32Array, classes: number, options: CrossValidationOptions): Promise<CrossValidation> {
  const classifier = options.classifier ?? 'logistic-regression';
  const folds = Math.max(...options.foldOf) + 1;
  if (labels.length !== x.rows || options.foldOf.length !== x.rows) throw new RangeError(`crossValidate: ${x.rows} rows, ${labels.length} labels, ${options.foldOf.length} folds`);
  const grid = options.grid ?? DEFAULT_GRID;
  const innerFolds = options.innerFolds ?? DEFAULT_INNER_FOLDS;
  const innerRounds = options.innerRounds ?? DEFAULT_INNER_ROUNDS;
  if (!Number.isInteger(innerRounds) || innerRounds < 1 || innerRounds > innerFolds) throw new RangeError(`innerRounds must be an integer in [1, innerFolds = ${innerFolds}], got ${innerRounds}`);
  const task: FoldTask = { x, labels, classes, foldOf: options.foldOf, classifier, grid, innerFolds, innerRounds, seed: options.seed ?? 1 };
  const results: FoldResult[] = new Array(folds);
  let done = 0;
  const record = (r: FoldResult) => {
    results[r.fold] = r;
    options.onFold?.(++done, folds);
  };
  const fits = grid.length > 1 ? grid.length * innerRounds + 1 : 1;
  const work = x.rows * x.dim * weightVectors(classes) * fits * folds;
  const threads = Math.min(folds, options.threads ?? (work >= WORKER_THRESHOLD ? os.availableParallelism() : 1));
  if (classifier === 'logistic-regression') task.placed = placeData(x, labels, weightVectors(classes), threads);
  if (classifier === 'logistic-regression' && threads > 1) await runFoldsInWorkers(task, folds, threads, record);
  else for (let f = 0; f < folds; f++) record(runFold(task, f));
  const accuracies = results.map((r) => r.accuracy);
  const mean = accuracies.reduce((a, b) => a + b, 0) / folds;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / folds);
  const out: CrossValidation = { classifier, accuracy: mean, std, folds: accuracies };
  if (classifier === 'logistic-regression') out.regularization = results.map((r) => r.C!);
  return out;
}
