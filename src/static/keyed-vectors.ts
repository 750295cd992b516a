/**
 * Trained static word vectors, apart from any training state (gensim's KeyedVectors): a vocabulary
 * and one row-major Float32Array, with cosine queries.
 */
import { InputError } from '../errors';

export interface Neighbour {
  word: string;
  similarity: number;
}

export interface QueryOptions {
  /** Search only the first N words (the most frequent when sorted by count). */
  restrictVocab?: number;
  /** Row indices never returned. */
  exclude?: Iterable<number>;
}

export type Query = string | Float32Array;

export class KeyedVectors {
  private indexMap?: Map<string, number>;
  private normsCache?: Float32Array;
  private unit?: KeyedVectors;

  constructor(readonly words: string[], readonly dim: number, readonly vectors: Float32Array) {
    if (vectors.length !== words.length * dim) throw new Error(`KeyedVectors: ${words.length} words × ${dim} dims needs ${words.length * dim} values, got ${vectors.length}`);
  }

  get size(): number {
    return this.words.length;
  }

  /** The row of `word` (its first occurrence), or -1. */
  indexOf(word: string): number {
    if (!this.indexMap) {
      this.indexMap = new Map();
      for (let i = this.words.length - 1; i >= 0; i--) this.indexMap.set(this.words[i], i);
    }
    return this.indexMap.get(word) ?? -1;
  }

  /** The vector of `word`: a view into `vectors`. */
  vector(word: string): Float32Array {
    const i = this.indexOf(word);
    if (i < 0) throw new InputError(`word not in the vocabulary: ${JSON.stringify(word)}`);
    return this.row(i);
  }

  row(i: number): Float32Array {
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Euclidean norm of every row. */
  norms(): Float32Array {
    if (!this.normsCache) {
      const { dim, vectors } = this;
      const norms = new Float32Array(this.size);
      for (let i = 0, o = 0; i < norms.length; i++, o += dim) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += vectors[o + d] * vectors[o + d];
        norms[i] = Math.sqrt(s);
      }
      this.normsCache = norms;
    }
    return this.normsCache;
  }

  /** A copy with unit-length rows (zero rows stay zero). */
  normalized(): KeyedVectors {
    if (!this.unit) {
      const norms = this.norms();
      const out = new Float32Array(this.vectors.length);
      for (let i = 0, o = 0; i < norms.length; i++, o += this.dim) {
        const inv = norms[i] > 0 ? 1 / norms[i] : 0;
        for (let d = 0; d < this.dim; d++) out[o + d] = this.vectors[o + d] * inv;
      }
      this.unit = new KeyedVectors(this.words, this.dim, out);
      this.unit.indexMap = this.indexMap;
      this.unit.unit = this.unit;
    }
    return this.unit;
  }

  /** Cosine similarity of two words. */
  similarity(a: string, b: string): number {
    return cosine(this.vector(a), this.vector(b));
  }

  /**
   * The `topn` words nearest (cosine) to a word, or to the mean of the unit vectors of `positive`
   * minus those of `negative` (3CosAdd, as gensim's most_similar). Query words are not returned.
   */
  mostSimilar(query: string | { positive?: Query[]; negative?: Query[] }, topn = 10, opts: QueryOptions = {}): Neighbour[] {
    const positive = typeof query === 'string' ? [query] : (query.positive ?? []);
    const negative = typeof query === 'string' ? [] : (query.negative ?? []);
    const mean = new Float64Array(this.dim);
    const exclude = new Set(opts.exclude ?? []);
    const add = (q: Query, weight: number) => {
      let v: Float32Array;
      if (typeof q === 'string') {
        v = this.vector(q);
        exclude.add(this.indexOf(q));
      } else v = q;
      const n = Math.sqrt(dot(v, v)) || 1;
      for (let d = 0; d < this.dim; d++) mean[d] += (weight * v[d]) / n;
    };
    for (const q of positive) add(q, 1);
    for (const q of negative) add(q, -1);
    if (positive.length + negative.length === 0) throw new Error('mostSimilar: no query words');
    return this.nearestToVector(Float32Array.from(mean), topn, { ...opts, exclude });
  }

  /** The `topn` rows nearest (cosine) to `vec`, best first. */
  nearestToVector(vec: ArrayLike<number>, topn = 10, opts: QueryOptions = {}): Neighbour[] {
    const { dim, vectors } = this;
    const norms = this.norms();
    const end = Math.min(this.size, opts.restrictVocab ?? this.size);
    const exclude = opts.exclude instanceof Set ? (opts.exclude as Set<number>) : new Set(opts.exclude ?? []);
    let qn = 0;
    for (let d = 0; d < dim; d++) qn += vec[d] * vec[d];
    qn = Math.sqrt(qn) || 1;
    // bounded insertion into a sorted list: topn is small next to the vocabulary
    const bestIdx: number[] = [];
    const bestSim: number[] = [];
    for (let i = 0, o = 0; i < end; i++, o += dim) {
      if (exclude.has(i)) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) s += vectors[o + d] * vec[d];
      const sim = norms[i] > 0 ? s / (norms[i] * qn) : 0;
      if (bestSim.length === topn && sim <= bestSim[topn - 1]) continue;
      let k = bestSim.length;
      while (k > 0 && bestSim[k - 1] < sim) k--;
      bestSim.splice(k, 0, sim);
      bestIdx.splice(k, 0, i);
      if (bestSim.length > topn) {
        bestSim.pop();
        bestIdx.pop();
      }
    }
    return bestIdx.map((i, k) => ({ word: this.words[i], similarity: bestSim[k] }));
  }
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n > 0 ? dot(a, b) / n : 0;
}
