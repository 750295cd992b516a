/** planWindows and planBatches against hand-computed plans. */
import { planBatches } from '../src/contextual/batching';
import { planWindows } from '../src/contextual/windows';

const plan = (n: number, content: number, stride: number) => {
  const p = planWindows(n, content, stride);
  return { starts: Array.from(p.starts), ends: Array.from(p.ends), owner: Array.from(p.owner) };
};

describe('planWindows', () => {
  test('a text that fits: one window, every token owned by it', () => {
    expect(plan(5, 14, 4)).toEqual({ starts: [0], ends: [5], owner: [0, 0, 0, 0, 0] });
    expect(plan(14, 14, 4)).toEqual({ starts: [0], ends: [14], owner: new Array(14).fill(0) });
  });

  test('no tokens: one empty window', () => {
    expect(plan(0, 14, 4)).toEqual({ starts: [0], ends: [0], owner: [] });
  });

  test('10 tokens, windows of 4 sharing 1: [0,4) [3,7) [6,10)', () => {
    // Token 3 is in w0 (context min(3,0)=0) and w1 (min(0,3)=0): a tie, the first window keeps it.
    // Token 6 likewise between w1 and w2.
    expect(plan(10, 4, 1)).toEqual({ starts: [0, 3, 6], ends: [4, 7, 10], owner: [0, 0, 0, 0, 1, 1, 1, 2, 2, 2] });
  });

  test('the last window ends at the text end: 11 tokens, windows of 4 sharing 1 -> [0,4) [3,7) [6,10) [7,11)', () => {
    // t=7: w2 min(1,2)=1, w3 min(0,3)=0 -> w2; t=8: w2 min(2,1)=1, w3 min(1,2)=1 -> w2 (tie, first);
    // t=9: w2 min(3,0)=0, w3 min(2,1)=1 -> w3; t=10: only w3.
    expect(plan(11, 4, 1)).toEqual({ starts: [0, 3, 6, 7], ends: [4, 7, 10, 11], owner: [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3] });
  });

  test('30 tokens, windows of 14 sharing 4 (max length 16, stride 4)', () => {
    // starts 0, 10, then min(20, 16) = 16: [0,14) [10,24) [16,30)
    const p = plan(30, 14, 4);
    expect(p.starts).toEqual([0, 10, 16]);
    expect(p.ends).toEqual([14, 24, 30]);
    // t=10..13: w0 context 13-t, w1 context t-10: w0 keeps 10, 11 (3 vs 0, 2 vs 1), w1 takes 12, 13 (1 vs 2, 0 vs 3).
    // t=16..23: w1 context min(t-10, 23-t), w2 min(t-16, 29-t):
    //   16: 6 vs 0 -> w1; 17: 6 vs 1; 18: 5 vs 2; 19: 4 vs 3 -> w1; 20: 3 vs 4 -> w2; 21..23 -> w2.
    const expected = [
      ...new Array(12).fill(0), // 0..11
      1, 1, 1, 1, 1, 1, 1, 1, // 12..19
      ...new Array(10).fill(2), // 20..29
    ];
    expect(p.owner).toEqual(expected);
  });

  test('stride 0: windows touch, the last one pulled back to end at the text end', () => {
    expect(plan(7, 3, 0)).toEqual({ starts: [0, 3, 4], ends: [3, 6, 7], owner: [0, 0, 0, 1, 1, 2, 2] });
  });

  test('bad arguments throw', () => {
    expect(() => planWindows(10, 0, 0)).toThrow(RangeError);
    expect(() => planWindows(10, 4, 4)).toThrow(RangeError);
    expect(() => planWindows(10, 4, -1)).toThrow(RangeError);
  });
});

describe('planBatches', () => {
  test('longest first; a batch grows while count x its longest length fits the budget', () => {
    // lengths: 0:5 1:9 2:3 3:9 4:7 5:2 ; order by length desc, index asc: 1(9) 3(9) 4(7) 0(5) 2(3) 5(2)
    // budget 20: [1,3] (2x9=18; a third would make 27), [4,0] (7, 14; 21 > 20), [2,5] (3, 6)
    expect(planBatches([5, 9, 3, 9, 7, 2], 20)).toEqual([[1, 3], [4, 0], [2, 5]]);
    // budget 27: [1,3,4] (27), [0,2,5] (5,10,15)
    expect(planBatches([5, 9, 3, 9, 7, 2], 27)).toEqual([[1, 3, 4], [0, 2, 5]]);
  });

  test('a sequence longer than the budget runs alone', () => {
    expect(planBatches([4, 50, 4], 16)).toEqual([[1], [0, 2]]);
  });

  test('every index exactly once, and no batch over budget unless it is a single sequence', () => {
    let seed = 9;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const lengths = Array.from({ length: 200 }, () => 2 + Math.floor(rand() * 100));
    const batches = planBatches(lengths, 256);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const b of batches) {
      const width = Math.max(...b.map((i) => lengths[i]));
      if (b.length > 1) expect(b.length * width).toBeLessThanOrEqual(256);
    }
  });

  test('empty input', () => {
    expect(planBatches([], 10)).toEqual([]);
  });
});
