/**
 * Probe features from static word vectors: a sentence's mean vector or its SIF embedding, and
 * the mean of the vectors around a target word. Words are the sentence's whitespace tokens (the
 * probe datasets are tokenized, as SentEval splits them) with leading and trailing punctuation
 * split off, so raw text works too; a word is looked up as written, else in lower case.
 */
import type { KeyedVectors } from '../../static/keyed-vectors';
import { featureMatrix, FeatureMatrix } from './feature-matrix';
import { firstSingularVector, removeComponent, SIF_A, sifWeight } from './sif';

export interface Tokens {
  words: string[];
  /** Character span of each word in the sentence. */
  starts: Int32Array;
  ends: Int32Array;
}

const TOKEN = /\S+/g;
const EDGE = /^([^\p{L}\p{M}\p{N}]*)(.*?)([^\p{L}\p{M}\p{N}]*)$/su;

/** Whitespace tokens, each with its leading and trailing punctuation as tokens of their own ("(line," → "(", "line", ","). */
export function staticTokens(sentence: string): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const push = (w: string, at: number) => {
    if (w === '') return;
    words.push(w);
    starts.push(at);
    ends.push(at + w.length);
  };
  for (const m of sentence.matchAll(TOKEN)) {
    const [, lead, core, trail] = EDGE.exec(m[0])!;
    if (core === '') {
      push(m[0], m.index!); // all punctuation ("...", "--"): one token
      continue;
    }
    push(lead, m.index!);
    push(core, m.index! + lead.length);
    push(trail, m.index! + lead.length + core.length);
  }
  return { words, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

/** The tokens a target's characters [start, end) overlap: the first and the last. */
export function targetTokens(tokens: Tokens, start: number, end: number): { first: number; last: number } {
  const { starts, ends } = tokens;
  let first = 0;
  while (first < ends.length - 1 && ends[first] <= start) first++;
  let last = first;
  while (last + 1 < starts.length && starts[last + 1] < end) last++;
  return { first, last };
}

/** The row of a word as written, else of its lower case; -1 when neither has a vector. */
export function lookupWord(kv: KeyedVectors, word: string): number {
  const row = kv.indexOf(word);
  return row >= 0 ? row : kv.indexOf(word.toLowerCase());
}

export interface StaticFeatures {
  x: FeatureMatrix;
  /** Share of the words (tokens) that have a vector. */
  coverage: number;
  /** Examples none of whose words has a vector (their features are zeros). */
  empty: number;
}

/** Rows of the token lists, looked up once. */
function rowsOf(kv: KeyedVectors, sentences: Tokens[]): Int32Array[] {
  return sentences.map((t) => Int32Array.from(t.words, (w) => lookupWord(kv, w)));
}

/** Each example's weighted mean of the vectors at `positions` (of its rows); words without a vector are skipped. */
function weightedMeans(kv: KeyedVectors, rows: Int32Array[], positions: (i: number) => Iterable<number>, weight: (row: number) => number): StaticFeatures {
  const { dim } = kv;
  const x = featureMatrix(rows.length, dim);
  let words = 0;
  let found = 0;
  let empty = 0;
  rows.forEach((r, i) => {
    let n = 0;
    const out = x.data.subarray(i * dim, (i + 1) * dim);
    for (const p of positions(i)) {
      words++;
      if (r[p] < 0) continue;
      n++;
      const v = kv.row(r[p]);
      const w = weight(r[p]);
      for (let j = 0; j < dim; j++) out[j] += w * v[j];
    }
    found += n;
    if (n === 0) empty++;
    else for (let j = 0; j < dim; j++) out[j] /= n;
  });
  return { x, coverage: words > 0 ? found / words : 0, empty };
}

const allPositions = (rows: Int32Array[]) => (i: number) => rows[i].keys();

/** The mean of each sentence's word vectors. */
export function meanFeatures(kv: KeyedVectors, sentences: Tokens[]): StaticFeatures {
  const rows = rowsOf(kv, sentences);
  return weightedMeans(kv, rows, allPositions(rows), () => 1);
}

/**
 * SIF: word weights a / (a + p(w)) with p(w) a word's frequency among the dataset's own tokens
 * (words without a vector counted too), then the first singular direction removed.
 */
export function sifFeatures(kv: KeyedVectors, sentences: Tokens[], a = SIF_A): StaticFeatures {
  const rows = rowsOf(kv, sentences);
  const counts = new Map<number, number>();
  let total = 0;
  for (const r of rows) {
    for (const row of r) if (row >= 0) counts.set(row, (counts.get(row) ?? 0) + 1);
    total += r.length;
  }
  const features = weightedMeans(kv, rows, allPositions(rows), (row) => sifWeight(counts.get(row)!, total, a));
  removeComponent(features.x, firstSingularVector(features.x));
  return features;
}

/** The mean of the vectors of the `window` words before `first` and after `last` (the target's words, left out). */
export function windowFeatures(kv: KeyedVectors, sentences: Tokens[], targets: { first: number; last: number }[], window: number): StaticFeatures {
  const rows = rowsOf(kv, sentences);
  return weightedMeans(
    kv,
    rows,
    (i) => {
      const { first, last } = targets[i];
      const around: number[] = [];
      for (let p = Math.max(0, first - window); p < first; p++) around.push(p);
      for (let p = last + 1; p <= Math.min(rows[i].length - 1, last + window); p++) around.push(p);
      return around;
    },
    () => 1,
  );
}
