/**
 * Analogy evaluation (questions-words.txt) with gensim's evaluate_word_analogies semantics, by
 * 3CosAdd (what gensim's evaluator uses) and 3CosMul (most_similar_cosmul) over the same questions.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { KeyedVectors } from '../static/keyed-vectors';
import { nearestByAnalogy } from './analogy-search';
import { EvalVocabulary, LookupOptions } from './vocab-lookup';

export interface AnalogySection {
  section: string;
  correct: number;
  total: number;
  accuracy: number;
  /** The same by 3CosMul. */
  cosmulCorrect: number;
  cosmulAccuracy: number;
}

export interface AnalogyResult {
  dataset: string;
  /** Over the questions with every word in the vocabulary (gensim's "Total accuracy"). */
  accuracy: number;
  correct: number;
  total: number;
  /** Questions skipped for a word outside the (restricted) vocabulary. */
  oov: number;
  sections: AnalogySection[];
  /** 3CosMul over the same questions. */
  cosmulAccuracy: number;
  cosmulCorrect: number;
}

/**
 * `: section` lines start sections; each other line is `a b c expected`, answered by the word
 * nearest to b - a + c (3CosAdd), and by the best 3CosMul score, among the first `restrictVocab`
 * words, the question words excluded (in any case variant when case-insensitive). Lines not of
 * four words are skipped, as gensim does.
 */
export function evaluateAnalogies(kv: KeyedVectors, file: string, opts: LookupOptions = {}): AnalogyResult {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  const vocab = new EvalVocabulary(kv, opts);
  const sections: AnalogySection[] = [];
  let section: AnalogySection | undefined;
  let oov = 0;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const asked: { section: AnalogySection; words: string[] }[] = [];
  lines.forEach((line, lineNo) => {
    if (line.startsWith(': ')) {
      section = { section: line.replace(/^[: ]+/, '').trim(), correct: 0, total: 0, accuracy: 0, cosmulCorrect: 0, cosmulAccuracy: 0 };
      sections.push(section);
      return;
    }
    if (line.trim() === '' && lineNo === lines.length - 1) return; // the end of the last line
    if (!section) throw new InputError(`${file}:${lineNo + 1}: a question before the first ": section" line`);
    const words = line.trim().split(/\s+/).map((w) => vocab.key(w));
    if (words.length !== 4) return;
    if (words.some((w) => vocab.get(w) === undefined)) {
      oov++;
      return;
    }
    asked.push({ section, words });
  });
  const rows = Int32Array.from(asked.flatMap((q) => q.words.slice(0, 3).map((w) => vocab.get(w)!)));
  const TOPN = 5;
  const [cosadd, cosmul] = nearestByAnalogy(kv, rows, vocab.size, TOPN, ['add', 'mul']);
  // gensim's rule: the first of the top 5 that is not a case variant of a question word, else the last
  const answer = (candidates: Int32Array, q: number, question: string[]) => {
    let predicted: string | undefined;
    for (let k = q * TOPN; k < (q + 1) * TOPN && candidates[k] >= 0; k++) {
      predicted = vocab.key(kv.words[candidates[k]]);
      if (vocab.get(predicted) !== undefined && !question.includes(predicted)) break;
    }
    return predicted;
  };
  asked.forEach(({ section, words }, q) => {
    const question = words.slice(0, 3);
    section.total++;
    if (answer(cosadd, q, question) === words[3]) section.correct++;
    if (answer(cosmul, q, question) === words[3]) section.cosmulCorrect++;
  });
  for (const s of sections) {
    s.accuracy = s.total > 0 ? s.correct / s.total : 0;
    s.cosmulAccuracy = s.total > 0 ? s.cosmulCorrect / s.total : 0;
  }
  const correct = sections.reduce((n, s) => n + s.correct, 0);
  const cosmulCorrect = sections.reduce((n, s) => n + s.cosmulCorrect, 0);
  const total = sections.reduce((n, s) => n + s.total, 0);
  return { dataset: file, accuracy: total > 0 ? correct / total : 0, correct, total, oov, sections, cosmulAccuracy: total > 0 ? cosmulCorrect / total : 0, cosmulCorrect };
}
