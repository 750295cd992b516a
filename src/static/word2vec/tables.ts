/** The lookup tables training reads: sigmoid, negative-sampling distribution, subsampling thresholds, Huffman codes. */
import { InputError } from '../../errors';

export const EXP_TABLE_SIZE = 1000;
export const MAX_EXP = 6;
export const MAX_CODE_LENGTH = 40;

/** sigmoid(x) for x in [-MAX_EXP, MAX_EXP), as word2vec.c tabulates it. */
export function expTable(): Float32Array {
  const t = new Float32Array(EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    t[i] = e / (e + 1);
  }
  return t;
}

/** Cumulative count^0.75 scaled to [0, 2^31 - 1] (gensim's cum_table): negatives are drawn by binary search. */
export function cumulativeTable(counts: Float64Array, power = 0.75, domain = 2 ** 31 - 1): Uint32Array {
  let total = 0;
  for (const c of counts) total += c ** power;
  const t = new Uint32Array(counts.length);
  let cumulative = 0;
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i] ** power;
    t[i] = Math.round((cumulative / total) * domain);
  }
  return t;
}

/**
 * Probability of keeping each word under subsampling, word2vec.c's and gensim's formula:
 * (sqrt(c / t) + 1) · t / c with t = sample · total, capped at 1; 1 for all when sample is 0.
 */
export function keepProbabilities(counts: Float64Array, sample: number): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  const threshold = sample * total;
  return counts.map((c) => (sample > 0 ? Math.min(1, (Math.sqrt(c / threshold) + 1) * (threshold / c)) : 1));
}

/** Keep probabilities as integers compared with a random uint32 in the kernel. */
export function sampleInts(keep: Float64Array): Uint32Array {
  return Uint32Array.from(keep, (p) => Math.floor(p * (2 ** 32 - 1)));
}

export interface HuffmanTree {
  /** Code length per word. */
  lengths: Int32Array;
  /** MAX_CODE_LENGTH bits per word, root first. */
  codes: Uint8Array;
  /** MAX_CODE_LENGTH inner-node indices per word (rows of syn1), root first. */
  points: Int32Array;
}

/** word2vec.c's Huffman tree over counts sorted descending: frequent words get short codes. */
export function huffmanTree(counts: Float64Array): HuffmanTree {
  const v = counts.length;
  if (v < 2) throw new InputError('hierarchical softmax needs at least 2 words in the vocabulary');
  const count = new Float64Array(2 * v).fill(1e15);
  count.set(counts);
  const parent = new Int32Array(2 * v);
  const binary = new Uint8Array(2 * v);
  let pos1 = v - 1;
  let pos2 = v;
  const pickMin = () => (pos1 >= 0 && count[pos1] < count[pos2] ? pos1-- : pos2++);
  for (let a = 0; a < v - 1; a++) {
    const min1 = pickMin();
    const min2 = pickMin();
    count[v + a] = count[min1] + count[min2];
    parent[min1] = v + a;
    parent[min2] = v + a;
    binary[min2] = 1;
  }
  const lengths = new Int32Array(v);
  const codes = new Uint8Array(v * MAX_CODE_LENGTH);
  const points = new Int32Array(v * MAX_CODE_LENGTH);
  const path: number[] = [];
  for (let a = 0; a < v; a++) {
    path.length = 0;
    for (let b = a; b !== 2 * v - 2; b = parent[b]) path.push(b);
    const n = path.length;
    if (n > MAX_CODE_LENGTH) throw new InputError(`Huffman code longer than ${MAX_CODE_LENGTH} bits; use --negative instead of --hs`);
    lengths[a] = n;
    // path runs leaf to root; codes and points are stored root first, each bit with the inner node deciding it
    for (let k = 0; k < n; k++) {
      codes[a * MAX_CODE_LENGTH + n - 1 - k] = binary[path[k]];
      points[a * MAX_CODE_LENGTH + n - 1 - k] = parent[path[k]] - v;
    }
  }
  return { lengths, codes, points };
}
