/**
 * How contextual a model's word vectors are, layer by layer (Ethayarajh 2019, "How Contextual are
 * Contextualized Word Representations?"): self-similarity, intra-sentence similarity and maximum
 * explainable variance, each next to its anisotropy baseline (what unrelated vectors of the same
 * layer score), since vectors that all point one way look similar whatever their contexts.
 * The measures are pure functions of vector rows; `contextuality` feeds them from a corpus.
 */
import { ContextualOptions } from '../contextual/contextualize';
import { ContextualModel } from '../contextual/model';
import { InputError } from '../errors';
import { seededRandom } from '../random';
import { gramMatrix, topEigenpairs } from './pca';
import { LayerSelection, selectLayers } from '../contextual/layers';
import { corpusLines, sentenceWords, wordSplitter } from './word-states';

/** Ethayarajh (2019) measures for one hidden state, over words occurring in many contexts. */
export interface LayerContextuality {
  layer: number;
  /** Mean cosine between a word's vectors in different contexts, averaged over words. */
  selfSimilarity: number;
  /** Mean cosine between each word's vector and its sentence's mean vector. */
  intraSentenceSimilarity: number;
  /** Share of the variance of a word's vectors explained by their first principal component. */
  maxExplainableVariance: number;
  /** Mean cosine between vectors of random token pairs: the baseline the measures are adjusted by. */
  anisotropy: number;
  adjustedSelfSimilarity: number;
  adjustedIntraSentenceSimilarity: number;
  /** The baseline of the variance: the maximum explainable variance of the random token vectors. */
  varianceBaseline?: number;
  adjustedMaxExplainableVariance: number;
  /** Words and sentences the figures are averaged over. */
  words: number;
  sentences: number;
}

/** One occurrence of the probed word, projected to 2-D. */
function unitRows(rows: ArrayLike<number>[]): Float64Array[] {
  return rows.map((r) => {
    let n = 0;
    for (let k = 0; k < r.length; k++) n += r[k] * r[k];
    const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
    return Float64Array.from(r, (x) => x * inv);
  });
}

/** Mean cosine over pairs of distinct rows: a word's vectors in its contexts. */
export function selfSimilarity(rows: ArrayLike<number>[]): number {
  const n = rows.length;
  if (n < 2) throw new RangeError('selfSimilarity: needs at least two rows');
  // Σ_{j≠k} u_j·u_k = |Σ u|² − Σ |u_j|²: linear in n instead of quadratic
  const unit = unitRows(rows);
  const sum = new Float64Array(unit[0].length);
  let own = 0;
  for (const u of unit) {
    for (let k = 0; k < u.length; k++) {
      sum[k] += u[k];
      own += u[k] * u[k];
    }
  }
  let total = 0;
  for (let k = 0; k < sum.length; k++) total += sum[k] * sum[k];
  return (total - own) / (n * (n - 1));
}

/** Mean cosine between each row and the rows' mean: the words of one sentence. */
export function intraSentenceSimilarity(rows: ArrayLike<number>[]): number {
  const n = rows.length;
  const dim = rows[0].length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) mean[k] += r[k] / n;
  const [m] = unitRows([mean]);
  let s = 0;
  for (const u of unitRows(rows)) for (let k = 0; k < dim; k++) s += u[k] * m[k];
  return s / n;
}

/**
 * σ₁² / Σ σᵢ² of the matrix whose rows are given (not centered, as in the paper): how much of
 * the rows' spread one direction explains. σᵢ² are the eigenvalues of the rows' Gram matrix.
 */
export function maxExplainableVariance(rows: ArrayLike<number>[]): number {
  const n = rows.length;
  const gram = gramMatrix(rows);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i];
  return trace > 0 ? topEigenpairs(gram, n, 1).values[0] / trace : 0;
}

/** Mean cosine over the pairs of rows from different contexts (`contexts[i]` names row i's). */
export function anisotropy(rows: ArrayLike<number>[], contexts: ArrayLike<number>): number {
  const unit = unitRows(rows);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < unit.length; i++) {
    const a = unit[i];
    for (let j = i + 1; j < unit.length; j++) {
      if (contexts[i] === contexts[j]) continue;
      const b = unit[j];
      let s = 0;
      for (let k = 0; k < a.length; k++) s += a[k] * b[k];
      sum += s;
      pairs++;
    }
  }
  if (pairs === 0) throw new RangeError('anisotropy: no pair of rows from different contexts');
  return sum / pairs;
}

export interface ContextualityOptions extends ContextualOptions {
  layers?: LayerSelection;
  /** Words in fewer contexts (lines) are left out of self-similarity and variance (default 5, as the paper; at least 2). */
  minOccurrences?: number;
  /** Contexts taken per word, the first in the corpus (default 100). */
  maxContexts?: number;
  /** Word occurrences sampled at random (reservoir) for the baselines (default 1000). */
  sampleSize?: number;
  seed?: number;
}

/**
 * The measures per requested hidden state over a corpus (one context a line; words as BERT
 * segments them, pieces mean-pooled; a word's first occurrence in a line stands for that context).
 * Self-similarity and maximum explainable variance are averaged over the words in at least
 * `minOccurrences` contexts, intra-sentence similarity over lines of two words or more; the
 * baselines come from one uniform sample of all word occurrences: anisotropy, the mean cosine of its
 * pairs from different lines (the baseline of both similarities), and its own maximum explainable
 * variance (`varianceBaseline`). Memory: the pending words' vectors, at most maxContexts each.
 * Leaves the model's encoder on those layers.
 */
export async function contextuality(model: ContextualModel, corpus: string | string[], options: ContextualityOptions = {}): Promise<LayerContextuality[]> {
  const minOccurrences = Math.max(2, options.minOccurrences ?? 5);
  const maxContexts = options.maxContexts ?? 100;
  const sampleSize = options.sampleSize ?? 1000;
  if (!Number.isInteger(maxContexts) || maxContexts < 2) throw new RangeError(`maxContexts must be an integer of at least 2, got ${maxContexts}`);
  const split = wordSplitter(model, 'bert');
  const contexts = new Map<string, number>();
  for await (const line of corpusLines(corpus)) for (const w of new Set(split(line))) contexts.set(w, (contexts.get(w) ?? 0) + 1);
  const wanted = new Map<string, number>();
  for (const [w, c] of contexts) if (c >= minOccurrences) wanted.set(w, Math.min(c, maxContexts));
  if (wanted.size === 0) throw new InputError(`${[corpus].flat().join(', ')}: no word occurs in ${minOccurrences} or more lines (contexts)`);

  const layers = await selectLayers(model, options.layers);
  const L = layers.length;
  const self = new Float64Array(L);
  const mev = new Float64Array(L);
  const intra = new Float64Array(L);
  let sentences = 0;
  const pending = new Map<string, Float32Array[][]>(); // word → per layer, its rows so far
  const sample: { context: number; rows: Float32Array[] }[] = [];
  const random = seededRandom(options.seed ?? 1);
  let seen = 0;
  for await (const s of sentenceWords(corpusLines(corpus), model, { ...options, tokenizer: 'bert', wordPooling: 'mean' })) {
    const row = (l: number, w: number) => s.layers[l].slice(w * s.dim, (w + 1) * s.dim);
    const n = s.words.length;
    if (n >= 2) {
      sentences++;
      for (let l = 0; l < L; l++) intra[l] += intraSentenceSimilarity(Array.from({ length: n }, (_, w) => s.layers[l].subarray(w * s.dim, (w + 1) * s.dim)));
    }
    const firstInLine = new Set<string>();
    s.words.forEach((word, w) => {
      // reservoir sampling (algorithm R): every occurrence equally likely to be in the sample
      seen++;
      const slot = sample.length < sampleSize ? sample.length : Math.floor(random() * seen);
      if (slot < sampleSize) sample[slot] = { context: s.index, rows: layers.map((_, l) => row(l, w)) };
      const target = wanted.get(word);
      if (target === undefined || firstInLine.has(word)) return;
      firstInLine.add(word);
      const rows = pending.get(word) ?? layers.map(() => []);
      pending.set(word, rows);
      rows.forEach((r, l) => r.push(row(l, w)));
      if (rows[0].length < target) return;
      // the word's contexts are all in: measure it and let its vectors go
      for (let l = 0; l < L; l++) {
        self[l] += selfSimilarity(rows[l]);
        mev[l] += maxExplainableVariance(rows[l]);
      }
      pending.delete(word);
      wanted.delete(word);
    });
  }
  const words = [...contexts.values()].filter((c) => c >= minOccurrences).length;
  const contextIds = sample.map((x) => x.context);
  return layers.map((layer, l) => {
    const baseRows = sample.map((x) => x.rows[l]);
    const base = anisotropy(baseRows, contextIds);
    const varianceBaseline = maxExplainableVariance(baseRows);
    const selfSim = self[l] / words;
    const intraSim = sentences > 0 ? intra[l] / sentences : NaN;
    const variance = mev[l] / words;
    const result: LayerContextuality = {
      layer,
      selfSimilarity: selfSim,
      intraSentenceSimilarity: intraSim,
      maxExplainableVariance: variance,
      anisotropy: base,
      varianceBaseline,
      adjustedSelfSimilarity: selfSim - base,
      adjustedIntraSentenceSimilarity: intraSim - base,
      adjustedMaxExplainableVariance: variance - varianceBaseline,
      words,
      sentences,
    };
    return result;
  });
}
