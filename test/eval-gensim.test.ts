import * as fs from 'fs';
import * as path from 'path';
import { evaluateAnalogies } from '../src/compare/analogy';
import { averageRanks, pearson, spearman } from '../src/compare/stats';
import { evaluateWordSimilarity } from '../src/compare/word-similarity';
import { saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { tmpDir } from './fixtures';
import { gensimAvailable, python } from './gensim-python';

describe('stats', () => {
  test('Spearman uses average ranks for ties (hand computation)', () => {
    expect(Array.from(averageRanks([10, 20, 20, 30, 20]))).toEqual([1, 3, 3, 5, 3]);
    // ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): 4.5 / sqrt(4.5 · 5)
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    // deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): 5 / sqrt(2 · 114/9)
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
  });
});

/**
 * Vectors where analogies partly hold: pairs (x, y) with y = x + offset of the relation + noise,
 * case variants of some words (gensim keeps the first, most frequent one), and words past a small
 * restrict_vocab.
 */
function analogyFixture(dir: string): { vectors: string; questions: string; pairs: string } {
  let s = 7;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const dim = 16;
  const words: string[] = [];
  const rows: number[][] = [];
  const add = (w: string, v: number[]) => {
    words.push(w);
    rows.push(v);
  };
  const sections: Record<string, [string, string][]> = {};
  for (const rel of ['capital', 'plural', 'opposite']) {
    const offset = Array.from({ length: dim }, () => rand() * 2);
    sections[rel] = [];
    for (let i = 0; i < 8; i++) {
      const x = `${rel}X${i}`;
      const y = `${rel}y${i}`;
      const vx = Array.from({ length: dim }, () => rand() * 2);
      add(x, vx);
      add(y, vx.map((v, d) => v + offset[d] + rand() * 2.5));
      sections[rel].push([x, y]);
    }
  }
  add('CAPITALy0', rows[1].map((v) => v + 0.01)); // a case variant, less frequent: it must not count as an answer
  add('capitalx1', rows[2].map((v) => -v)); // a less frequent case variant of a question word
  for (let i = 0; i < 6; i++) add(`filler${i}`, Array.from({ length: dim }, () => rand() * 3));
  const vectors = path.join(dir, 'v.vec');
  saveVectors(new KeyedVectors(words, dim, Float32Array.from(rows.flat())), vectors);

  const lines: string[] = [];
  for (const [rel, pairs] of Object.entries(sections)) {
    lines.push(`: ${rel}`);
    for (const [a, b] of pairs) for (const [c, d] of pairs) if (a !== c) lines.push(`${a} ${b} ${c} ${d}`);
    lines.push(`${pairs[0][0]} ${pairs[0][1]} unknownword ${pairs[1][1]}`);
  }
  lines.push(': empty-section');
  const questions = path.join(dir, 'q.txt');
  fs.writeFileSync(questions, lines.join('\n') + '\n');

  const simLines = ['# a comment', 'word1\tword2\tscore'];
  let k = 0;
  for (let i = 0; i < words.length; i += 3) for (let j = i + 1; j < words.length; j += 5) simLines.push(`${words[i].toLowerCase()}\t${words[j]}\t${(k++ % 4) + 0.5}`);
  simLines.push('capitalX0\tunknown\t3', 'a\tb\tc\t1', '');
  const pairs = path.join(dir, 'sim.txt');
  fs.writeFileSync(pairs, simLines.join('\n'));
  return { vectors, questions, pairs };
}

const gensim = gensimAvailable() ? describe : describe.skip;
gensim('the same numbers as gensim evaluate_word_pairs / evaluate_word_analogies', () => {
  const dir = tmpDir('eval');
  const f = analogyFixture(dir);
  const GENSIM = `
import sys, json
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1])
out = {}
for rv in (300000, 30):
    p, s, oov = kv.evaluate_word_pairs(sys.argv[3], restrict_vocab=rv)
    score, sections = kv.evaluate_word_analogies(sys.argv[2], restrict_vocab=rv)
    out[rv] = {'spearman': s[0], 'pearson': p[0], 'oov_ratio': oov, 'accuracy': score,
               'sections': [(x['section'], len(x['correct']), len(x['correct']) + len(x['incorrect'])) for x in sections]}
print(json.dumps(out))
`;
  const ref = JSON.parse(python(GENSIM, [f.vectors, f.questions, f.pairs]));

  test.each([300000, 30])('restrict_vocab %d', (restrictVocab) => {
    const kv = require('../src/static/formats').loadVectors(f.vectors);
    const g = ref[String(restrictVocab)];
    const sim = evaluateWordSimilarity(kv, f.pairs, { restrictVocab });
    expect(sim.spearman).toBeCloseTo(g.spearman, 6);
    expect(sim.pearson).toBeCloseTo(g.pearson, 6);
    expect((100 * sim.oov) / (sim.oov + sim.pairs)).toBeCloseTo(g.oov_ratio, 9);
    const an = evaluateAnalogies(kv, f.questions, { restrictVocab });
    expect(an.accuracy).toBe(g.accuracy);
    expect(an.accuracy).toBeGreaterThan(0.2); // the fixture must exercise right and wrong answers
    expect(an.accuracy).toBeLessThan(0.95);
    const sections = [...an.sections.map((s) => [s.section, s.correct, s.total]), ['Total accuracy', an.correct, an.total]];
    expect(sections).toEqual(g.sections);
  });
});
