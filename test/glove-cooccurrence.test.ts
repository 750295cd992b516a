import * as fs from 'fs';
import * as path from 'path';
import * as runs from '../src/static/glove/cooccurrence-runs';
import { Cooccurrences, countCooccurrences } from '../src/static/glove/cooccurrences';
import { seededRandom } from '../src/random';
import { corpusIds } from '../src/static/glove/train';
import { buildVocabulary } from '../src/static/vocab';
import { FIXTURES_DIR, tmpDir } from './fixtures';

function asMap(c: Cooccurrences): Map<string, number> {
  const m = new Map<string, number>();
  for (let k = 0; k < c.a.length; k++) m.set(`${c.a[k]},${c.b[k]}`, c.x[k]);
  return m;
}

/** X[i][j] read from the upper triangle. */
function X(c: Cooccurrences, i: number, j: number): number {
  return asMap(c).get(i <= j ? `${i},${j}` : `${j},${i}`) ?? 0;
}

const BIG = 1e9;

describe('countCooccurrences', () => {
  // Line "the cat sat on the mat" = ids 0 1 2 3 0 4, then "cat sat" on its own line.
  const lines = [Int32Array.of(0, 1, 2, 3, 0, 4), Int32Array.of(1, 2)];

  test('weights each pair by 1 / distance within the window, symmetric, not across lines', async () => {
    const c = await countCooccurrences(lines, { window: 2, memoryBytes: BIG });
    // Hand count, window 2 (positions: the0 cat1 sat2 on3 the4 mat5): the-cat 1; the-sat 1/2 (0-2)
    // + 1/2 (2-4); cat-sat 1 + 1 (second line); cat-on 1/2; sat-on 1; on-the 1; on-mat 1/2;
    // the-mat 1. The two "the" are 4 apart: outside.
    const want = new Map([
      ['0,1', 1], ['0,2', 1], ['1,2', 2], ['1,3', 0.5], ['2,3', 1], ['0,3', 1], ['3,4', 0.5], ['0,4', 1],
    ]);
    expect(asMap(c)).toEqual(want);
    expect(X(c, 2, 0)).toBe(X(c, 0, 2));
  });

  test('the window edge: distance == window counts, window + 1 does not; a word near itself gets both directions', async () => {
    const at4 = await countCooccurrences(lines, { window: 4, memoryBytes: BIG });
    expect(X(at4, 0, 0)).toBeCloseTo(2 / 4, 15); // the ... the, 4 apart
    expect(X(at4, 1, 4)).toBeCloseTo(1 / 4, 15); // cat ... mat, 4 apart
    const at3 = await countCooccurrences(lines, { window: 3, memoryBytes: BIG });
    expect(X(at3, 0, 0)).toBe(0);
    expect(X(at3, 1, 4)).toBe(0);
    expect(X(at3, 0, 3)).toBeCloseTo(1 / 3 + 1, 15); // the(0)-on(3) d3 and on(3)-the(4) d1
  });

  test('entries come sorted by (a, b) with a <= b', async () => {
    const c = await countCooccurrences(lines, { window: 5, memoryBytes: BIG });
    for (let k = 0; k < c.a.length; k++) {
      expect(c.a[k]).toBeLessThanOrEqual(c.b[k]);
      if (k > 0) expect(c.a[k - 1] < c.a[k] || (c.a[k - 1] === c.a[k] && c.b[k - 1] < c.b[k])).toBe(true);
    }
  });

  describe('over its memory budget', () => {
    // 400 random lines over 300 words: some 40,000 distinct pairs, far more than a 4,096-slot table holds.
    const random = seededRandom(7);
    const corpus: Int32Array[] = [];
    for (let l = 0; l < 400; l++) corpus.push(Int32Array.from({ length: 5 + Math.floor(random() * 60) }, () => Math.floor(300 * random() ** 2)));

    test('spills sorted runs and merges them into exactly the in-memory counts', async () => {
      const inMemory = await countCooccurrences(corpus, { window: 6, memoryBytes: BIG });
      const write = jest.spyOn(runs, 'writeRun');
      const spilled = await countCooccurrences(corpus, { window: 6, memoryBytes: 1 });
      expect(write.mock.calls.length).toBeGreaterThan(5);
      write.mockRestore();
      expect(Array.from(spilled.a)).toEqual(Array.from(inMemory.a));
      expect(Array.from(spilled.b)).toEqual(Array.from(inMemory.b));
      // Sums of 1/d in another order: equal to the last bits.
      for (let k = 0; k < inMemory.x.length; k++) expect(Math.abs(spilled.x[k] - inMemory.x[k])).toBeLessThanOrEqual(1e-12 * inMemory.x[k]);
    });

    test('merged at most 3 runs at a time (passes through intermediate runs): the same pairs and sums, and no run file left', async () => {
      const whole = await countCooccurrences(corpus, { window: 2, memoryBytes: BIG });
      // 10 sorted runs, each pair's weight split among a few of them in halves (exact sums)
      const dir = tmpDir('glove-merge');
      const random = seededRandom(9);
      const parts: { a: number[]; b: number[]; x: number[] }[] = Array.from({ length: 10 }, () => ({ a: [], b: [], x: [] }));
      for (let k = 0; k < whole.a.length; k++) {
        const shares = 1 + Math.floor(random() * 2);
        for (let s = 0; s < 2 ** (shares - 1); s++) {
          const p = parts[Math.floor(random() * 10)];
          if (p.a.length > 0 && p.a[p.a.length - 1] === whole.a[k] && p.b[p.b.length - 1] === whole.b[k]) p.x[p.x.length - 1] += whole.x[k] / 2 ** (shares - 1);
          else {
            p.a.push(whole.a[k]);
            p.b.push(whole.b[k]);
            p.x.push(whole.x[k] / 2 ** (shares - 1));
          }
        }
      }
      const files = parts.map((p, i) => runs.writeRun(path.join(dir, `run-${i}.bin`), { a: Int32Array.from(p.a), b: Int32Array.from(p.b), x: Float64Array.from(p.x) }));
      const merged = runs.mergeRuns(files, dir, 3);
      expect(asMap(merged)).toEqual(asMap(whole));
      expect(Array.from(merged.a)).toEqual(Array.from(whole.a));
      expect(fs.readdirSync(dir)).toEqual([]);
      fs.rmSync(dir, { recursive: true });
    });

    test('and with dyadic weights (window 2) the sums are bit-identical, and match a naive count', async () => {
      const spilled = await countCooccurrences(corpus, { window: 2, memoryBytes: 1 });
      const naive = new Map<string, number>();
      for (const ids of corpus) {
        for (let j = 0; j < ids.length; j++) {
          for (let d = 1; d <= 2 && j - d >= 0; d++) {
            const [a, b] = [Math.min(ids[j], ids[j - d]), Math.max(ids[j], ids[j - d])];
            naive.set(`${a},${b}`, (naive.get(`${a},${b}`) ?? 0) + (a === b ? 2 : 1) / d);
          }
        }
      }
      expect(asMap(spilled)).toEqual(naive);
    });
  });
});

describe('counting real text, vocabulary to word pairs', () => {
  // The first 400 lines of the Brown fixture (some 8,000 words).
  const dir = tmpDir('glove-cooccur');
  const CORPUS = path.join(dir, 'brown-400.txt');
  const text = fs.readFileSync(path.join(FIXTURES_DIR, 'glove', 'brown-800.txt'), 'utf8').split('\n').slice(0, 400).join('\n') + '\n';
  let want: Map<string, number>;
  beforeAll(() => {
    fs.writeFileSync(CORPUS, text);
    want = naiveCounts(3);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A naive count keyed by the words themselves: out-of-vocabulary words dropped first, window 10, 1 / distance. */
  function naiveCounts(minCount: number): Map<string, number> {
    const lines = text.split('\n').map((l) => l.split(/\s+/).filter((w) => w !== ''));
    const freq = new Map<string, number>();
    for (const l of lines) for (const w of l) freq.set(w, (freq.get(w) ?? 0) + 1);
    const X = new Map<string, number>();
    for (const l of lines) {
      const kept = l.filter((w) => freq.get(w)! >= minCount);
      for (let j = 0; j < kept.length; j++) {
        for (let d = 1; d <= 10 && j - d >= 0; d++) {
          const [u, v] = [kept[j - d], kept[j]].sort();
          X.set(`${u} ${v}`, (X.get(`${u} ${v}`) ?? 0) + (u === v ? 2 : 1) / d);
        }
      }
    }
    return X;
  }

  test.each([
    ['in memory', 1e9],
    ['spilled to sorted runs and merged', 1],
  ])('the pipeline (vocabulary ids, reused line buffer, %s) gives the naive counts of the word pairs', async (_name, memoryBytes) => {
    const vocabulary = await buildVocabulary(CORPUS, { minCount: 3, tokenizer: 'whitespace' });
    const c = await countCooccurrences(corpusIds(CORPUS, vocabulary, 'whitespace'), { window: 10, memoryBytes });
    const got = new Map<string, number>();
    for (let k = 0; k < c.a.length; k++) {
      const [u, v] = [vocabulary.words[c.a[k]], vocabulary.words[c.b[k]]].sort();
      got.set(`${u} ${v}`, c.x[k]);
    }
    expect(got.size).toBe(want.size);
    expect(want.size).toBeGreaterThan(15000);
    for (const [pair, x] of want) expect(Math.abs((got.get(pair) ?? 0) - x)).toBeLessThanOrEqual(1e-9 * x);
    // a few pairs by hand-checkable name
    expect(got.get('of the')).toBeCloseTo(want.get('of the')!, 9);
    expect(got.get('the the')).toBeCloseTo(want.get('the the')!, 9);
  });
});
