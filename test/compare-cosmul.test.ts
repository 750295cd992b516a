import * as fs from 'fs';
import * as path from 'path';
import { evaluateAnalogies } from '../src/eval/analogy';
import { nearestNeighbours } from '../src/eval/neighbours';
import { loadVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { tmpDir } from './fixtures';
import { analogyFixture } from './analogy-fixture';
import { gensimAvailable, python } from './gensim-python';

describe('3CosMul, hand-computed', () => {
  // a, b, c orthonormal, so a candidate's cosines with them are its coordinates (p, q, r):
  // P = (-0.8, 0.6, 0): 3CosAdd 1.4, 3CosMul 0.8 · 0.5 / (0.1 + 1e-6) ≈ 4.0
  // Q = (0, √½, √½):   3CosAdd 1.414, 3CosMul ((1 + √½) / 2)² / (0.5 + 1e-6) ≈ 1.457
  // so 3CosAdd answers Q and 3CosMul answers P. P is scaled: only directions count.
  const dir = tmpDir('cosmul');
  const s = Math.SQRT1_2;
  const kv = new KeyedVectors(['a', 'b', 'c', 'p', 'q'], 3, Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, -2.4, 1.8, 0, 0, s, s]));
  const questions = path.join(dir, 'q.txt');
  fs.writeFileSync(questions, ': add-wins\na b c q\n: mul-wins\nA B C P\n');

  test('each objective picks its own answer', () => {
    const r = evaluateAnalogies(kv, questions);
    expect(r.sections.map((x) => [x.section, x.correct, x.cosmulCorrect, x.total])).toEqual([
      ['add-wins', 1, 0, 1],
      ['mul-wins', 0, 1, 1],
    ]);
    expect([r.correct, r.cosmulCorrect, r.total, r.accuracy, r.cosmulAccuracy]).toEqual([1, 1, 2, 0.5, 0.5]);
  });

  test('the candidates restricted to the first words: only p and q are left, then only p', () => {
    fs.writeFileSync(questions, ': s\na b c p\n');
    expect(evaluateAnalogies(kv, questions, { restrictVocab: 4 }).cosmulCorrect).toBe(1);
    expect(evaluateAnalogies(kv, questions, { restrictVocab: 4 }).correct).toBe(1); // q is out of reach
    expect(evaluateAnalogies(kv, questions, { restrictVocab: 5 }).correct).toBe(0);
  });

  test('neighbours: cosine order, the word itself excluded, case-insensitive lookup, absent words left out', () => {
    const n = nearestNeighbours(kv, ['B', 'zzz'], { topn: 2 });
    expect(Object.keys(n)).toEqual(['B']);
    expect(n.B.map((x) => x.word)).toEqual(['q', 'p']);
    expect(n.B[0].similarity).toBeCloseTo(s, 6);
    expect(n.B[1].similarity).toBeCloseTo(0.6, 6);
  });
});


const gensim = gensimAvailable() ? describe : describe.skip;
gensim('3CosMul accuracy equals gensim most_similar_cosmul with evaluate_word_analogies rules', () => {
  const f = analogyFixture(tmpDir('cosmul-gensim'));
  // evaluate_word_analogies' loop (upper-cased keys, the first case variant, the top 5 minus case
  // variants of question words) around most_similar_cosmul. gensim 4.2's most_similar_cosmul takes
  // restrict_vocab but ignores it, so for a restricted vocabulary its scores are cut by hand.
  const GENSIM = `
import sys, json
import numpy as np
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1])
out = {}
for rv in (300000, 30):
    ok_vocab = {k.upper(): kv.get_index(k) for k in reversed(kv.index_to_key[:rv])}
    original = kv.key_to_index
    sections = []
    for line in open(sys.argv[2]):
        if line.startswith(': '):
            sections.append([line.lstrip(': ').strip(), 0, 0])
            continue
        try:
            a, b, c, expected = [w.upper() for w in line.split()]
        except ValueError:
            continue
        if a not in ok_vocab or b not in ok_vocab or c not in ok_vocab or expected not in ok_vocab:
            continue
        kv.key_to_index = ok_vocab
        if rv >= len(kv.index_to_key):
            sims = [w for w, _ in kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)]
        else:
            dists = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=None)[:rv]
            own = {ok_vocab[a], ok_vocab[b], ok_vocab[c]}
            sims = [kv.index_to_key[i] for i in np.argsort(-dists, kind='stable') if i not in own][:5]
        kv.key_to_index = original
        predicted = None
        for w in sims:
            predicted = w.upper()
            if predicted in ok_vocab and predicted not in (a, b, c):
                break
        sections[-1][2] += 1
        sections[-1][1] += predicted == expected
    out[rv] = sections
print(json.dumps(out))
`;
  const ref = JSON.parse(python(GENSIM, [f.vectors, f.questions]));

  test.each([300000, 30])('restrict_vocab %d', (restrictVocab) => {
    const r = evaluateAnalogies(loadVectors(f.vectors), f.questions, { restrictVocab });
    expect(r.sections.map((s) => [s.section, s.cosmulCorrect, s.total])).toEqual(ref[String(restrictVocab)]);
    // the fixture must exercise right and wrong answers, and the objectives must disagree somewhere
    expect(r.cosmulAccuracy).toBeGreaterThan(0.2);
    expect(r.cosmulAccuracy).toBeLessThan(0.95);
    expect(r.sections.some((s) => s.correct !== s.cosmulCorrect)).toBe(true);
  });
});
