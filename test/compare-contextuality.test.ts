import * as fs from 'fs';
import * as path from 'path';
import { anisotropy, contextuality, intraSentenceSimilarity, maxExplainableVariance, selfSimilarity } from '../src/analysis/contextuality';
import { kmeans, purity } from '../src/analysis/kmeans';
import { pca2d, topEigenpairs } from '../src/analysis/pca';
import { loadContextualModel } from '../src/contextual/model';
import { embed } from '../src/embed';
import { fixtureModel, tmpDir } from './fixtures';

const rows = (...r: number[][]) => r.map((x) => Float32Array.from(x));

describe('Ethayarajh measures on constructed vectors', () => {
  test('self-similarity: mean cosine over pairs, scale-free', () => {
    // pairs (0,1) cos 1, (0,2) and (1,2) cos 0: 1/3
    expect(selfSimilarity(rows([1, 0], [3, 0], [0, 2]))).toBeCloseTo(1 / 3, 12);
    expect(selfSimilarity(rows([1, 1], [2, 2]))).toBeCloseTo(1, 12);
    expect(selfSimilarity(rows([1, 0], [-1, 0]))).toBeCloseTo(-1, 12);
  });

  test('intra-sentence similarity: cosine of each row with the mean row', () => {
    expect(intraSentenceSimilarity(rows([1, 0], [0, 1]))).toBeCloseTo(Math.SQRT1_2, 12);
    // mean (1, 1): cosines 1/√2 (both), 1
    expect(intraSentenceSimilarity(rows([2, 0], [0, 2], [1, 1]))).toBeCloseTo((2 * Math.SQRT1_2 + 1) / 3, 12);
  });

  test('maximum explainable variance: σ₁² / Σσ², uncentered', () => {
    expect(maxExplainableVariance(rows([3, 0], [0, 4]))).toBeCloseTo(16 / 25, 12);
    expect(maxExplainableVariance(rows([1, 2, 3], [2, 4, 6], [-1, -2, -3]))).toBeCloseTo(1, 12);
    // Gram [[1, 1], [1, 2]]: eigenvalues (3 ± √5) / 2, trace 3
    expect(maxExplainableVariance(rows([1, 0], [1, 1]))).toBeCloseTo((3 + Math.sqrt(5)) / 6, 12);
  });

  test('anisotropy: mean cosine over pairs from different contexts only', () => {
    // cross pairs (0,2) 0, (0,3) 1/√2, (1,2) 0, (1,3) 1/√2; the same-context pairs (cos 1) do not count
    expect(anisotropy(rows([1, 0], [1, 0], [0, 1], [1, 1]), [0, 0, 1, 1])).toBeCloseTo(Math.SQRT1_2 / 2, 12);
  });

  test('top eigenpairs of a symmetric matrix', () => {
    // [[2, 1], [1, 2]]: 3 along (1, 1), 1 along (1, -1)
    const { values, vectors } = topEigenpairs(Float64Array.from([2, 1, 1, 2]), 2, 2);
    expect(values[0]).toBeCloseTo(3, 10);
    expect(values[1]).toBeCloseTo(1, 10);
    expect(Math.abs(vectors[0][0] * Math.SQRT1_2 + vectors[0][1] * Math.SQRT1_2)).toBeCloseTo(1, 6);
  });
});

describe('PCA, k-means, purity', () => {
  test('PCA 2-D: axes, orientation, shares, projection of a new vector', () => {
    const o = [5, 5, 5];
    const p = pca2d(rows([2, 0, 0], [-2, 0, 0], [0, 1, 0], [0, -1, 0]).map((r) => r.map((x, k) => x + o[k])));
    const expected = [[2, 0], [-2, 0], [0, 1], [0, -1]];
    p.points.forEach((pt, i) => pt.forEach((x, k) => expect(x).toBeCloseTo(expected[i][k], 6)));
    expect(p.explained[0]).toBeCloseTo(0.8, 10);
    expect(p.explained[1]).toBeCloseTo(0.2, 10);
    const q = p.project([6, 5.5, 12]);
    expect(q[0]).toBeCloseTo(1, 6);
    expect(q[1]).toBeCloseTo(0.5, 6);
  });

  test('purity: the majority label of each cluster', () => {
    expect(purity([0, 0, 1, 1, 1], ['a', 'a', 'a', 'b', 'b'])).toBeCloseTo(4 / 5, 12);
    expect(purity([1, 1, 0, 0], ['x', 'x', 'y', 'y'])).toBe(1);
    expect(purity([0, 0, 0, 0], ['x', 'x', 'y', 'y'])).toBe(0.5);
  });

  test('k-means finds separated blobs, the same way for the same seed', () => {
    const pts = rows([0, 0], [0.1, 0], [0, 0.2], [10, 10], [10.2, 10], [10, 9.9], [-10, 10], [-10.1, 10]);
    const labels = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'];
    const r = kmeans(pts, 3, { seed: 3 });
    expect(purity(r.assignments, labels)).toBe(1);
    expect(new Set(r.assignments).size).toBe(3);
    // centre of blob a: (0.0333, 0.0667)
    const a = r.centroids[r.assignments[0]];
    expect(a[0]).toBeCloseTo(0.1 / 3, 6);
    expect(a[1]).toBeCloseTo(0.2 / 3, 6);
    expect(Array.from(kmeans(pts, 3, { seed: 3 }).assignments)).toEqual(Array.from(r.assignments));
  });
});

test('contextuality on the fixture model: the measures of the word rows embed() gives', async () => {
  const model = await loadContextualModel({ model: fixtureModel('tiny') });
  try {
    const dir = tmpDir('ctx');
    // only "bank" is in 3 lines or more; the sample (20 ≥ 13 occurrences) holds every word occurrence
    const lines = ['bank loans grew', 'river bank flooded', 'my bank account', 'bank robbery happened today'];
    const file = path.join(dir, 'c.txt');
    fs.writeFileSync(file, lines.join('\n') + '\n\n');
    const result = await contextuality(model, file, { layers: '0,-1', minOccurrences: 3, maxContexts: 3, sampleSize: 20, seed: 5 });
    expect(result.map((r) => [r.layer, r.words, r.sentences])).toEqual([[0, 1, 4], [2, 1, 4]]);
    for (const r of result) {
      const ref = await embed(lines, { model, levels: ['word'], layers: String(r.layer) });
      const byLine = lines.map((_, i) => ref.words.filter((w) => w.source === String(i)));
      const bank = byLine.slice(0, 3).map((ws) => ws.find((w) => w.text === 'bank')!.vector);
      expect(r.selfSimilarity).toBeCloseTo(selfSimilarity(bank), 5);
      expect(r.maxExplainableVariance).toBeCloseTo(maxExplainableVariance(bank), 5);
      expect(r.intraSentenceSimilarity).toBeCloseTo(byLine.reduce((s, ws) => s + intraSentenceSimilarity(ws.map((w) => w.vector)), 0) / 4, 5);
      const all = byLine.flat();
      const ids = byLine.flatMap((ws, i) => ws.map(() => i));
      expect(r.anisotropy).toBeCloseTo(anisotropy(all.map((w) => w.vector), ids), 5);
      expect(r.varianceBaseline!).toBeCloseTo(maxExplainableVariance(all.map((w) => w.vector)), 5);
      expect(r.adjustedSelfSimilarity).toBeCloseTo(r.selfSimilarity - r.anisotropy, 12);
      expect(r.adjustedIntraSentenceSimilarity).toBeCloseTo(r.intraSentenceSimilarity - r.anisotropy, 12);
      expect(r.adjustedMaxExplainableVariance).toBeCloseTo(r.maxExplainableVariance - r.varianceBaseline!, 12);
    }
    // a sample smaller than the occurrences: random, but the same for the same seed
    const a = await contextuality(model, file, { minOccurrences: 3, sampleSize: 6, seed: 9 });
    const b = await contextuality(model, file, { minOccurrences: 3, sampleSize: 6, seed: 9 });
    expect(a[0].anisotropy).toBe(b[0].anisotropy);
  } finally {
    await model.dispose();
  }
});
