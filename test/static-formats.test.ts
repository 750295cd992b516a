import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../src/errors';
import { detectFormat, formatFloat32, loadVectors, saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { tmpDir } from './fixtures';
import { gensimAvailable, python } from './gensim-python';

function randomVectors(words: string[], dim: number, seed = 1): KeyedVectors {
  let s = seed;
  const v = new Float32Array(words.length * dim);
  for (let i = 0; i < v.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = (s / 2147483648 - 0.5) * (i % 7 === 0 ? 1e-6 : 3);
  }
  return new KeyedVectors(words, dim, v);
}

const WORDS = ['the', 'café', 'naïve', 'New_York', '東京', 'x'];

describe('KeyedVectors', () => {
  const kv = new KeyedVectors(['a', 'b', 'c', 'd'], 2, Float32Array.from([1, 0, 0.8, 0.6, 0, 1, -1, 0]));
  test('similarity and neighbours by cosine', () => {
    expect(kv.similarity('a', 'b')).toBeCloseTo(0.8, 6);
    expect(kv.mostSimilar('a', 2)).toEqual([
      { word: 'b', similarity: expect.closeTo(0.8, 6) },
      { word: 'c', similarity: expect.closeTo(0, 6) },
    ]);
    // 3CosAdd: unit(b) + unit(c) - unit(a) = (-0.2, 1.6), nearest of the rest (d) only
    const r = kv.mostSimilar({ positive: ['b', 'c'], negative: ['a'] }, 5);
    expect(r.map((n) => n.word)).toEqual(['d']);
    expect(r[0].similarity).toBeCloseTo(0.2 / Math.hypot(0.2, 1.6), 6);
    expect(kv.nearestToVector([0, 2], 1, { restrictVocab: 2 })).toEqual([{ word: 'b', similarity: expect.closeTo(0.6, 6) }]);
    expect(Array.from(kv.normalized().vector('d'))).toEqual([-1, 0]);
    expect(() => kv.vector('zzz')).toThrow(InputError);
  });
});

describe('formats', () => {
  test('formatFloat32 is the shortest round-tripping decimal', () => {
    for (const x of [0.1, -3.25, 1e-7, 123456.789, 0.3333333]) {
      const f = Math.fround(x);
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
  });

  test.each(['word2vec', 'word2vec-binary', 'glove'] as const)('%s round-trips exactly and is detected', (format) => {
    const kv = randomVectors(WORDS, 5);
    const file = path.join(tmpDir('fmt'), `v.${format}`);
    saveVectors(kv, file, { format });
    expect(detectFormat(file)).toBe(format);
    const back = loadVectors(file);
    expect(back.words).toEqual(WORDS);
    expect(back.dim).toBe(5);
    expect(Array.from(back.vectors)).toEqual(Array.from(kv.vectors));
    expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]); // no temporary left behind
  });

  test('bad files are InputErrors with file and reason', () => {
    const dir = tmpDir('fmt-bad');
    const f = path.join(dir, 'v.txt');
    fs.writeFileSync(f, '3 2\na 1 2\nb 1 x\n');
    expect(() => loadVectors(f)).toThrow(`${f}:3: not a number: "x"`);
    fs.writeFileSync(f, '3 2\na 1 2\nb 1 2\n');
    expect(() => loadVectors(f)).toThrow(/announces 3 vectors, the file has 2/);
    fs.writeFileSync(f, Buffer.concat([Buffer.from('2 2\na '), Buffer.alloc(8)]));
    expect(() => loadVectors(f)).toThrow(/truncated at vector 2 of 2/);
  });
});

const gensim = gensimAvailable() ? describe : describe.skip;
gensim('interop with gensim KeyedVectors.load_word2vec_format / save_word2vec_format', () => {
  const READ = `
import sys, json, numpy as np
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1], binary=sys.argv[2] == '1')
print(json.dumps({'words': kv.index_to_key, 'vectors': kv.vectors.astype(float).ravel().tolist()}))
`;
  test.each([false, true])('gensim reads ours (binary=%s)', (binary) => {
    const kv = randomVectors(WORDS, 7, 3);
    const file = path.join(tmpDir('interop'), 'ours.vec');
    saveVectors(kv, file, { format: binary ? 'word2vec-binary' : 'word2vec' });
    const out = JSON.parse(python(READ, [file, binary ? '1' : '0']));
    expect(out.words).toEqual(WORDS);
    expect(out.vectors).toEqual(Array.from(kv.vectors));
  });

  test.each([false, true])('we read gensim\'s (binary=%s)', (binary) => {
    const file = path.join(tmpDir('interop'), 'theirs.vec');
    const out = JSON.parse(python(`
import sys, json, numpy as np
from gensim.models import KeyedVectors
kv = KeyedVectors(vector_size=4)
rng = np.random.default_rng(5)
words = ['the', 'café', 'naïve', '東京', 'b']
kv.add_vectors(words, rng.normal(size=(5, 4)).astype(np.float32))
kv.save_word2vec_format(sys.argv[1], binary=sys.argv[2] == '1')
print(json.dumps({'words': words, 'vectors': kv.vectors.astype(float).ravel().tolist()}))
`, [file, binary ? '1' : '0']));
    const kv = loadVectors(file);
    expect(kv.words).toEqual(out.words);
    expect(Array.from(kv.vectors)).toEqual(out.vectors);
  });
});
