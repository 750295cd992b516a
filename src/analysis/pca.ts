/**
 * Principal components of a few hundred vectors at most, exactly enough for plots and ratios:
 * the n × n Gram matrix of the rows (n small, the dimension large), its top eigenpairs by power
 * iteration with deflation, and the components recovered from them (X = U Σ Vᵀ: scores U Σ,
 * directions Xᵀ U / σ).
 */
import { seededRandom } from '../random';

/** Row i · row j for every pair, after subtracting `center` from each row when given. */
export function gramMatrix(rows: ArrayLike<number>[], center?: ArrayLike<number>): Float64Array {
  const n = rows.length;
  const dim = n > 0 ? rows[0].length : 0;
  const centered = rows.map((r) => Float64Array.from(r, (x, k) => (center ? x - center[k] : x)));
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = centered[i];
    for (let j = i; j < n; j++) {
      const b = centered[j];
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[k] * b[k];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  }
  return g;
}

const MAX_ITERATIONS = 10000;
const TOLERANCE = 1e-13;

/**
 * The `k` largest eigenvalues (descending) and unit eigenvectors of a symmetric positive
 * semi-definite n × n matrix. Power iteration from a fixed pseudo-random start, each pair then
 * deflated away; stops when the Rayleigh quotient settles (its error is quadratic in the vector's).
 */
export function topEigenpairs(matrix: Float64Array, n: number, k: number): { values: Float64Array; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const values = new Float64Array(k);
  const vectors: Float64Array[] = [];
  const random = seededRandom(12345);
  for (let e = 0; e < k; e++) {
    let v: Float64Array = Float64Array.from({ length: n }, () => random() - 0.5);
    normalize(v);
    let lambda = 0;
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      const w = multiply(a, v, n);
      const next = dot(v, w);
      const norm = normalize(w);
      if (norm === 0) {
        lambda = 0;
        break;
      }
      v = w;
      const settled = Math.abs(next - lambda) <= TOLERANCE * Math.abs(next);
      lambda = next;
      if (settled) break;
    }
    values[e] = Math.max(lambda, 0);
    vectors.push(v);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] -= lambda * v[i] * v[j];
  }
  return { values, vectors };
}

function multiply(a: Float64Array, v: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
    w[i] = s;
  }
  return w;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Scales `v` to unit length in place; returns its former norm. */
function normalize(v: Float64Array): number {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return norm;
}

export interface Projection2D {
  /** [x, y] of each row. */
  points: [number, number][];
  /** Share of the total variance on each axis. */
  explained: [number, number];
  /** Any vector of the same dimension on the same axes. */
  project(vector: ArrayLike<number>): [number, number];
}

/**
 * PCA to two dimensions (the rows centered on their mean). Each axis is oriented so the point
 * farthest along it is positive (sklearn's svd_flip convention), so results do not depend on
 * the eigensolver's sign.
 */
export function pca2d(rows: ArrayLike<number>[]): Projection2D {
  const n = rows.length;
  if (n === 0) throw new RangeError('pca2d: no rows');
  const dim = rows[0].length;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let k = 0; k < dim; k++) mean[k] += r[k] / n;
  const gram = gramMatrix(rows, mean);
  let total = 0;
  for (let i = 0; i < n; i++) total += gram[i * n + i];
  const { values, vectors } = topEigenpairs(gram, n, Math.min(2, n));
  const axes: Float64Array[] = [];
  const scores: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    const sigma = c < values.length ? Math.sqrt(values[c]) : 0;
    const u = vectors[c];
    const score = new Float64Array(n);
    const axis = new Float64Array(dim);
    if (sigma > 1e-12 * Math.sqrt(total)) {
      for (let i = 0; i < n; i++) score[i] = u[i] * sigma;
      let far = 0;
      for (let i = 1; i < n; i++) if (Math.abs(score[i]) > Math.abs(score[far])) far = i;
      const sign = score[far] < 0 ? -1 : 1;
      for (let i = 0; i < n; i++) {
        score[i] *= sign;
        const weight = (sign * u[i]) / sigma;
        for (let k = 0; k < dim; k++) axis[k] += weight * (rows[i][k] - mean[k]);
      }
    }
    scores.push(score);
    axes.push(axis);
  }
  const share = (c: number) => (total > 0 && c < values.length ? values[c] / total : 0);
  return {
    points: Array.from({ length: n }, (_, i) => [scores[0][i], scores[1][i]] as [number, number]),
    explained: [share(0), share(1)],
    project: (v) => axes.map((axis) => {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (v[k] - mean[k]) * axis[k];
      return s;
    }) as [number, number],
  };
}
