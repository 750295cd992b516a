import { combineLayers } from '../src/pooling/layers';
import { normalizeRows } from '../src/pooling/normalize';
import { poolSequence } from '../src/pooling/sequence';
import { poolWords } from '../src/pooling/words';

// Four tokens, dim 2; words: [t0], [t1 t2], [t3]
const states = Float32Array.from([1, 2, 3, -4, 5, 6, -7, 8]);
const wordIndex = Int32Array.from([0, 1, 1, 2]);

describe('poolWords', () => {
  test('mean averages exactly the pieces of each word', () => {
    expect(Array.from(poolWords(states, 2, wordIndex, 3, 'mean'))).toEqual([1, 2, 4, 1, -7, 8]);
  });
  test('first, last, max', () => {
    expect(Array.from(poolWords(states, 2, wordIndex, 3, 'first'))).toEqual([1, 2, 3, -4, -7, 8]);
    expect(Array.from(poolWords(states, 2, wordIndex, 3, 'last'))).toEqual([1, 2, 5, 6, -7, 8]);
    expect(Array.from(poolWords(states, 2, wordIndex, 3, 'max'))).toEqual([1, 2, 5, 6, -7, 8]);
  });
  test('max keeps negative values when every piece is negative', () => {
    const neg = Float32Array.from([-3, -1, -2, -5]);
    expect(Array.from(poolWords(neg, 2, Int32Array.from([0, 0]), 1, 'max'))).toEqual([-2, -1]);
  });
  test('first-last concatenates the first and last piece', () => {
    expect(Array.from(poolWords(states, 2, wordIndex, 3, 'first-last'))).toEqual([1, 2, 1, 2, 3, -4, 5, 6, -7, 8, -7, 8]);
  });
});

describe('poolSequence', () => {
  test('mean, max, mean-sqrt, cls by hand', () => {
    expect(Array.from(poolSequence(states, 2, 'mean'))).toEqual([0.5, 3]);
    expect(Array.from(poolSequence(states, 2, 'max'))).toEqual([5, 8]);
    expect(Array.from(poolSequence(states, 2, 'mean-sqrt'))).toEqual([1, 6]);
    expect(Array.from(poolSequence(states, 2, 'cls'))).toEqual([1, 2]);
  });
  test('padding never leaks: masked rows are ignored by every mode', () => {
    const padded = Float32Array.from([...states, 100, 100, 100, 100]);
    const mask = Uint8Array.from([1, 1, 1, 1, 0, 0]);
    for (const mode of ['mean', 'max', 'mean-sqrt', 'cls'] as const) {
      expect(Array.from(poolSequence(padded, 2, mode, mask))).toEqual(Array.from(poolSequence(states, 2, mode)));
    }
  });
  test('a fully masked sequence is an error, not NaN', () => {
    expect(() => poolSequence(states, 2, 'mean', new Uint8Array(4))).toThrow(/no unmasked rows/);
  });
});

describe('combineLayers and normalizeRows', () => {
  const a = Float32Array.from([1, 2, 3, 4]);
  const b = Float32Array.from([3, 4, 5, 6]);
  test('mean, sum, concat', () => {
    expect(Array.from(combineLayers([a, b], 2, 'mean'))).toEqual([2, 3, 4, 5]);
    expect(Array.from(combineLayers([a, b], 2, 'sum'))).toEqual([4, 6, 8, 10]);
    expect(Array.from(combineLayers([a, b], 2, 'concat'))).toEqual([1, 2, 3, 4, 3, 4, 5, 6]);
  });
  test('L2 normalization by hand; zero rows stay zero', () => {
    const m = Float32Array.from([3, 4, 0, 0]);
    expect(Array.from(normalizeRows(m, 2))).toEqual(Array.from(Float32Array.from([0.6, 0.8, 0, 0])));
  });
});
