/** Word-similarity evaluation (WordSim-353, SimLex-999…) with gensim's evaluate_word_pairs semantics. */
import * as fs from 'fs';
import { InputError } from '../errors';
import { KeyedVectors, cosine } from '../static/keyed-vectors';
import { spearman, pearson } from './stats';
import { EvalVocabulary, LookupOptions } from './vocab-lookup';

export interface WordSimilarityResult {
  dataset: string;
  spearman: number;
  pearson: number;
  /** Pairs scored. */
  pairs: number;
  /** Pairs skipped for a word outside the (restricted) vocabulary. */
  oov: number;
}

// Python's float(): optional sign, digits with an optional fraction or a fraction, optional exponent, surrounding whitespace
const FLOAT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/**
 * Lines `w1<TAB>w2<TAB>score`; lines starting with '#', and lines that do not split into three
 * fields with a numeric score (a header line, say), are skipped as gensim skips them.
 */
export function evaluateWordSimilarity(kv: KeyedVectors, file: string, opts: LookupOptions = {}): WordSimilarityResult {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  const vocab = new EvalVocabulary(kv, opts);
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  for (const line of fs.readFileSync(file, 'utf8').split(/(?<=\n)/)) {
    if (line.startsWith('#')) continue;
    const fields = line.split('\t');
    if (fields.length !== 3 || !FLOAT.test(fields[2])) continue;
    const a = vocab.get(vocab.key(fields[0]));
    const b = vocab.get(vocab.key(fields[1]));
    if (a === undefined || b === undefined) {
      oov++;
      continue;
    }
    gold.push(Number(fields[2]));
    model.push(cosine(kv.row(a), kv.row(b)));
  }
  if (gold.length === 0) throw new InputError(`${file}: no word pair scored (not a tab-separated "w1 w2 score" file, or every pair out of the vocabulary)`);
  return { dataset: file, spearman: spearman(gold, model), pearson: pearson(gold, model), pairs: gold.length, oov };
}
