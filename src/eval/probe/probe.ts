/**
 * What the supervised probes share: their options, their results, and scoring feature sets
 * by cross-validation on one fold assignment per dataset (so every embedding of a task is
 * scored on the same folds).
 */
import type { ContextualOptions } from '../../contextual/contextualize';
import type { LayerSelection } from '../../contextual/layers';
import type { ContextualModel } from '../../contextual/model';
import { KeyedVectors } from '../../static/keyed-vectors';
import { ClassifierName, crossValidate, CrossValidation } from './cross-validate';
import type { FeatureMatrix } from './feature-matrix';
import { stratifiedFolds } from './folds';

export type ProbeTask = 'classification' | 'wsd';

/** Static vectors, or a contextual model (left loaded, its encoder on the probed layers). */
export type ProbeEmbedding = KeyedVectors | ContextualModel;

export interface ProbeProgress {
  /** `embed`: examples through the model; `folds`: cross-validation folds done, over every feature set. */
  stage: 'embed' | 'folds';
  done: number;
  total: number;
}

export interface ProbeOptions extends ContextualOptions {
  /** Outer folds (default: 10 for classification, 5 for word senses). */
  folds?: number;
  /** Seed of the folds (default 1). */
  seed?: number;
  /** Logistic regression's C values (default 0.001, 0.01, 0.1, 1, 10). */
  grid?: number[];
  /** Parts each training fold is cut into to choose C (default 5). */
  innerFolds?: number;
  /** How many of them validate in turn (default 1; `innerFolds` for full inner cross-validation). */
  innerRounds?: number;
  /** Worker threads for cross-validation (default: every CPU when the work pays for them). */
  threads?: number;
  /** A contextual model's hidden states (default `all`; 0 is the embeddings). */
  layers?: LayerSelection;
  onProgress?: (progress: ProbeProgress) => void;
}

export interface ProbeScore extends CrossValidation {
  /**
   * What was classified: a sentence's `mean` or `sif` static vector or its pooled contextual
   * states (`mean`, `cls`…); for word senses the `target` word's vector (static: the same in every
   * sentence, so the most frequent sense) or the `window` of static vectors around it.
   */
  features: string;
  /** Hidden state of a contextual model's features. */
  layer?: number;
  /** Static features: the share of words with a vector. */
  coverage?: number;
  /** Seconds of cross-validation. */
  seconds: number;
}

export interface ProbeResult {
  task: ProbeTask;
  dataset: string;
  examples: number;
  /** The labels (classes), sorted. */
  classes: string[];
  folds: number;
  /** Word-sense files of `sentence<TAB>label` lines: the target word. */
  word?: string;
  scores: ProbeScore[];
  /** Seconds the whole probe took: features (for a model, the one pass giving every layer) and every cross-validation. */
  seconds: number;
}

export interface FeatureSet {
  features: string;
  layer?: number;
  coverage?: number;
  x: FeatureMatrix;
  classifiers: ClassifierName[];
}

export const isStatic = (e: ProbeEmbedding): e is KeyedVectors => e instanceof KeyedVectors;

/** Reports how many examples have gone through the model. */
export function embedProgress(options: ProbeOptions) {
  return (done: number, total: number) => options.onProgress?.({ stage: 'embed', done, total });
}

/** Each feature set through each of its classifiers, on stratified folds of the labels. */
export async function scoreFeatureSets(sets: FeatureSet[], labels: Int32Array, classes: number, folds: number, options: ProbeOptions): Promise<ProbeScore[]> {
  const foldOf = stratifiedFolds(labels, classes, folds, options.seed ?? 1);
  const total = sets.reduce((n, s) => n + s.classifiers.length, 0) * folds;
  let done = 0;
  const scores: ProbeScore[] = [];
  for (const set of sets) {
    for (const classifier of set.classifiers) {
      const began = Date.now();
      const cv = await crossValidate(set.x, labels, classes, {
        classifier,
        foldOf,
        grid: options.grid,
        innerFolds: options.innerFolds,
        innerRounds: options.innerRounds,
        seed: options.seed,
        threads: options.threads,
        onFold: () => options.onProgress?.({ stage: 'folds', done: ++done, total }),
      });
      const score: ProbeScore = { features: set.features, ...cv, seconds: (Date.now() - began) / 1000 };
      if (set.layer !== undefined) score.layer = set.layer;
      if (set.coverage !== undefined) score.coverage = set.coverage;
      scores.push(score);
    }
  }
  return scores;
}
