/**
 * The word lookup gensim's evaluations use: only the first `restrictVocab` words of the vectors
 * (the most frequent in a count-sorted file), optionally case-insensitive, where the first (most
 * frequent) case variant wins.
 */
import { KeyedVectors } from '../static/keyed-vectors';

export const GENSIM_RESTRICT_VOCAB = 300000;

export interface LookupOptions {
  /** Default 300,000 as gensim. */
  restrictVocab?: number;
  /** Default true as gensim. */
  caseInsensitive?: boolean;
}

export class EvalVocabulary {
  readonly size: number;
  readonly caseInsensitive: boolean;
  private readonly map = new Map<string, number>();

  constructor(kv: KeyedVectors, opts: LookupOptions = {}) {
    this.size = Math.min(kv.size, opts.restrictVocab ?? GENSIM_RESTRICT_VOCAB);
    this.caseInsensitive = opts.caseInsensitive ?? true;
    for (let i = this.size - 1; i >= 0; i--) this.map.set(this.key(kv.words[i]), i);
  }

  /** The form words are compared in (upper case when case-insensitive, as gensim). */
  key(word: string): string {
    return this.caseInsensitive ? word.toUpperCase() : word;
  }

  /** Row of a key (see `key`), or undefined. */
  get(key: string): number | undefined {
    return this.map.get(key);
  }
}
