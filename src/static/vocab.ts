/** The vocabulary of a corpus: words kept by count, most frequent first, as word2vec.c and gensim order them. */
import { InputError } from '../errors';
import { TokenizerName, readSentences } from './corpus';

export interface VocabOptions {
  /** Words seen fewer times are dropped (default 5, as word2vec.c). */
  minCount?: number;
  /** Keep at most this many words, the most frequent (gensim's max_final_vocab). */
  maxVocab?: number;
  tokenizer?: TokenizerName;
}

export class Vocabulary {
  readonly index: Map<string, number>;
  /** Sum of the kept words' counts: the corpus as training sees it. */
  readonly totalCount: number;

  /**
   * @param words sorted by count, descending
   * @param counts aligned with `words`
   * @param corpusTokens every token of the corpus, dropped words included
   */
  constructor(readonly words: string[], readonly counts: Float64Array, readonly corpusTokens: number) {
    this.index = new Map(words.map((w, i) => [w, i]));
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i];
    this.totalCount = total;
  }

  get size(): number {
    return this.words.length;
  }

  /** The word's index, or -1. */
  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }
}

/**
 * Keeps the words with at least `minCount` occurrences (at most `maxVocab`), sorted by count
 * descending; words with equal counts keep the order the map gives (first occurrence when counted
 * from a corpus). `source` names the corpus in errors.
 */
export function vocabularyFromCounts(counts: Map<string, number>, corpusTokens: number, opts: VocabOptions, source: string): Vocabulary {
  const minCount = opts.minCount ?? 5;
  if (counts.size === 0) throw new InputError(`${source}: the corpus has no words`);
  const kept: [string, number][] = [];
  let largest = 0;
  for (const entry of counts) {
    if (entry[1] >= minCount) kept.push(entry);
    if (entry[1] > largest) largest = entry[1];
  }
  if (kept.length === 0) {
    throw new InputError(`${source}: no word occurs at least ${minCount} times (min-count) among ${counts.size} distinct words; the most frequent occurs ${largest} times`);
  }
  kept.sort((a, b) => b[1] - a[1]); // stable: ties keep first-occurrence order
  if (opts.maxVocab !== undefined && kept.length > opts.maxVocab) kept.length = opts.maxVocab;
  return new Vocabulary(kept.map((e) => e[0]), Float64Array.from(kept, (e) => e[1]), corpusTokens);
}

/** Counts the words of the corpus files (folders walked) in one streaming pass. */
export async function buildVocabulary(paths: string | string[], opts: VocabOptions = {}): Promise<Vocabulary> {
  const counts = new Map<string, number>();
  let tokens = 0;
  for await (const sentence of readSentences(paths, { tokenizer: opts.tokenizer })) {
    tokens += sentence.length;
    for (const w of sentence) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return vocabularyFromCounts(counts, tokens, opts, Array.isArray(paths) ? paths.join(', ') : paths);
}
