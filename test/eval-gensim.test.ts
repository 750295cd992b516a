import { evaluateAnalogies } from '../src/eval/analogy';
import { averageRanks, pearson, spearman } from '../src/eval/stats';
import { evaluateWordSimilarity } from '../src/eval/word-similarity';
import { tmpDir } from './fixtures';
import { analogyFixture } from './analogy-fixture';
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
