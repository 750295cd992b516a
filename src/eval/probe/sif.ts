/**
 * SIF sentence embeddings (Arora, Liang and Ma 2017, "A Simple but Tough-to-Beat Baseline for
 * Sentence Embeddings"): each word weighted a / (a + p(w)) by its frequency p(w), the weighted
 * vectors averaged, then the projection on the first singular vector of all the sentence
 * vectors removed (uncentred, as the paper's code does with TruncatedSVD).
 */
import type { FeatureMatrix } from './feature-matrix';

/** The paper's default a. */
export const SIF_A = 1e-3;

/** a / (a + p(w)), p(w) = count / total. */
export function sifWeight(count: number, total: number, a = SIF_A): number {
  return a / (a + count / total);
}

/**
 * The unit right singular vector of the largest singular value of the rows (the top eigenvector
 * of XᵀX), by power iteration on XᵀX v, never forming XᵀX. The sign makes its largest component positive.
 */
export function firstSingularVector(x: FeatureMatrix, maxIterations = 1000, tolerance = 1e-12): Float64Array {
  const { rows, dim, data } = x;
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  const xv = new Float64Array(rows);
  for (let it = 0; it < maxIterations; it++) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += data[i * dim + j] * v[j];
      xv[i] = s;
    }
    const next = new Float64Array(dim);
    for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) next[j] += data[i * dim + j] * xv[i];
    const norm = Math.sqrt(next.reduce((a, b) => a + b * b, 0));
    if (norm === 0) return v;
    let change = 0;
    for (let j = 0; j < dim; j++) {
      next[j] /= norm;
      change = Math.max(change, Math.abs(next[j] - v[j]));
    }
    v = next;
    if (change < tolerance) break;
  }
  let far = 0;
  for (let j = 1; j < dim; j++) if (Math.abs(v[j]) > Math.abs(v[far])) far = j;
  if (v[far] < 0) for (let j = 0; j < dim; j++) v[j] = -v[j];
  return v;
}

/** x ← x − (x·u) u for every row, in place (u a unit vector). */
export function removeComponent(x: FeatureMatrix, u: Float64Array): void {
  const { rows, dim, data } = x;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += data[i * dim + j] * u[j];
    for (let j = 0; j < dim; j++) data[i * dim + j] -= s * u[j];
  }
}
