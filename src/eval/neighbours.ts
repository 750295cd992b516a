/** Nearest neighbours of chosen words, looked up as the evaluations look words up. */
import { KeyedVectors, Neighbour } from '../static/keyed-vectors';
import { EvalVocabulary, LookupOptions } from './vocab-lookup';

export interface NeighbourOptions extends LookupOptions {
  /** Neighbours per word (default 10). */
  topn?: number;
}

/**
 * The `topn` words nearest (cosine) to each word among the first `restrictVocab` words, the word's
 * own row excluded (as gensim's most_similar). A word is found in the case it is given, or in any
 * case (its most frequent variant) when case-insensitive; words not found are left out.
 */
export function nearestNeighbours(kv: KeyedVectors, words: string[], opts: NeighbourOptions = {}): Record<string, Neighbour[]> {
  const vocab = new EvalVocabulary(kv, opts);
  const out: Record<string, Neighbour[]> = {};
  for (const word of words) {
    const exact = kv.indexOf(word);
    const row = exact >= 0 && exact < vocab.size ? exact : vocab.get(vocab.key(word));
    if (row === undefined) continue;
    out[word] = kv.nearestToVector(kv.row(row), opts.topn ?? 10, { restrictVocab: vocab.size, exclude: [row] });
  }
  return out;
}
