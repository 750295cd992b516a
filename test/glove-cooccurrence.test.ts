import * as runs from '../src/static/glove/cooccurrence-runs';
import { Cooccurrences, countCooccurrences } from '../src/static/glove/cooccurrences';
import { seededRandom } from '../src/static/glove/random';

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
