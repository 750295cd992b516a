/**
 * L2-regularised logistic regression on standardised features, fitted by L-BFGS: binary (one
 * weight vector, sigmoid) for two classes, multinomial (softmax over one weight vector per class)
 * for more, as scikit-learn's LogisticRegression(solver='lbfgs') does. The objective is
 * scikit-learn's divided by C·n: mean log-loss + ‖W‖² / (2·C·n), intercepts not penalised.
 *
 * Standardisation is folded into the weights (z = Σ (x−μ)·s·w = Σ x·(s·w) − Σ μ·s·w), so the
 * raw float32 rows are read in place, once per evaluation, by a WebAssembly SIMD kernel.
 */
import type { FeatureMatrix } from './feature-matrix';
import { LogisticPass, placeData } from './kernel';
import { minimizeLbfgs } from './lbfgs';

/** Per feature: the mean and 1/standard deviation of the training rows (1 for a constant feature). */
export interface Standardization {
  mean: Float64Array;
  scale: Float64Array;
}

export interface LogisticModel {
  classes: number;
  dim: number;
  /** Per weight vector (1 when binary, else one per class): `dim` weights on standardised features, then the intercept. */
  weights: Float64Array;
  standardization: Standardization;
  iterations: number;
}

export interface FitOptions {
  /** Inverse regularisation strength, as scikit-learn's C. */
  C: number;
  /** Computed from `rows` when not given. */
  standardization?: Standardization;
  /** Weights to start from (a fit at a nearby C: warm start). */
  start?: Float64Array;
  /** The kernel on `x` and the labels placed in its memory (see placeData); made for this fit when not given. */
  pass?: LogisticPass;
  maxIterations?: number;
}

/** Mean and scale of the features over `rows` (population standard deviation, as StandardScaler). */
export function standardization(x: FeatureMatrix, rows: Int32Array): Standardization {
  const { dim, data } = x;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const r of rows) {
    const o = r * dim;
    for (let j = 0; j < dim; j++) mean[j] += data[o + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= rows.length;
  for (const r of rows) {
    const o = r * dim;
    for (let j = 0; j < dim; j++) {
      const c = data[o + j] - mean[j];
      sq[j] += c * c;
    }
  }
  const scale = sq.map((s) => {
    const std = Math.sqrt(s / rows.length);
    return std > 1e-12 * (1 + Math.abs(std)) ? 1 / std : 1;
  });
  return { mean, scale };
}

/** Weight vectors a model of `classes` classes has: one for two classes, else one per class. */
export const weightVectors = (classes: number) => (classes === 2 ? 1 : classes);

/** Effective weights on raw features and intercepts: v = s·w, c = b − Σ μ·v. */
function effective(w: Float64Array, K: number, dim: number, st: Standardization, v: Float64Array, c: Float64Array): void {
  for (let k = 0; k < K; k++) {
    const o = k * (dim + 1);
    let shift = 0;
    for (let j = 0; j < dim; j++) {
      const e = w[o + j] * st.scale[j];
      v[k * dim + j] = e;
      shift += st.mean[j] * e;
    }
    c[k] = w[o + dim] - shift;
  }
}

/** x_row · v_k over `dim` features, four accumulators for instruction-level parallelism. */
function rowDot(data: Float32Array, o: number, v: Float64Array, vo: number, dim: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    a += data[o + j] * v[vo + j];
    b += data[o + j + 1] * v[vo + j + 1];
    c += data[o + j + 2] * v[vo + j + 2];
    d += data[o + j + 3] * v[vo + j + 3];
  }
  for (; j < dim; j++) a += data[o + j] * v[vo + j];
  return a + b + c + d;
}

/** The objective (and its gradient) of a fit on `rows`, each pass over them in the kernel. */
function objective(pass: LogisticPass, rows: Int32Array, dim: number, K: number, C: number, st: Standardization) {
  const n = rows.length;
  const lambda = 1 / (C * n);
  const v = new Float64Array(K * dim);
  const c = new Float64Array(K);
  pass.setRows(rows);
  return (w: Float64Array, grad: Float64Array): number => {
    effective(w, K, dim, st, v, c);
    const loss = pass.run(v, c);
    const { acc, rsum } = pass;
    let penalty = 0;
    for (let k = 0; k < K; k++) {
      const o = k * (dim + 1);
      for (let j = 0; j < dim; j++) {
        const wj = w[o + j];
        penalty += wj * wj;
        // d/dw of the mean loss on standardised features: s_j (Σ r x_j − μ_j Σ r) / n
        grad[o + j] = st.scale[j] * (acc[k * dim + j] - st.mean[j] * rsum[k]) / n + lambda * wj;
      }
      grad[o + dim] = rsum[k] / n;
    }
    return loss / n + (lambda / 2) * penalty;
  };
}

/**
 * Fits the model on `rows` of `x`, whose classes are `labels[row]` in 0..classes-1 (class 1 is the
 * positive one of two).
 */
export function fitLogisticRegression(x: FeatureMatrix, rows: Int32Array, labels: Int32Array, classes: number, options: FitOptions): LogisticModel {
  if (!(options.C > 0)) throw new RangeError(`C must be positive, got ${options.C}`);
  if (classes < 2) throw new RangeError(`logistic regression needs two classes or more, got ${classes}`);
  const st = options.standardization ?? standardization(x, rows);
  const size = weightVectors(classes) * (x.dim + 1);
  const start = options.start ?? new Float64Array(size);
  if (start.length !== size) throw new RangeError(`start has ${start.length} weights, the model ${size}`);
  const pass = options.pass ?? new LogisticPass(placeData(x, labels, weightVectors(classes), 1), 0);
  const result = minimizeLbfgs(objective(pass, rows, x.dim, weightVectors(classes), options.C, st), start, { maxIterations: options.maxIterations ?? 1000 });
  return { classes, dim: x.dim, weights: result.x, standardization: st, iterations: result.iterations };
}

/** The most probable class of each of `rows`. */
export function predictLogistic(model: LogisticModel, x: FeatureMatrix, rows: Int32Array): Int32Array {
  const { dim, data } = x;
  const K = weightVectors(model.classes);
  const v = new Float64Array(K * dim);
  const c = new Float64Array(K);
  effective(model.weights, K, dim, model.standardization, v, c);
  return Int32Array.from(rows, (row) => {
    const o = row * dim;
    if (K === 1) return rowDot(data, o, v, 0, dim) + c[0] > 0 ? 1 : 0;
    let best = 0;
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const z = rowDot(data, o, v, k * dim, dim) + c[k];
      if (z > top) {
        top = z;
        best = k;
      }
    }
    return best;
  });
}
