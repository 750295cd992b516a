/**
 * Limited-memory BFGS (Nocedal and Wright, algorithm 7.4 and 7.5) for smooth convex objectives
 * such as regularised logistic regression: the two-loop recursion over the last `memory` steps,
 * and a backtracking line search on the Armijo condition. A step whose curvature s·y is not
 * positive is left out of the memory, so the search direction stays a descent direction.
 */

/** Writes the gradient at `x` into `grad` and returns the objective's value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Steps remembered (default 10, as scipy). */
  memory?: number;
  maxIterations?: number;
  /** Stop when the largest gradient component is at most this (default 1e-6). */
  gradientTolerance?: number;
  /** Stop when an iteration lowers the objective by less than this share of it (default 2.2e-9, scipy's factr of 1e7). */
  relativeTolerance?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Minimises `f` from `start` (not modified). */
export function minimizeLbfgs(f: Objective, start: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.memory ?? 10;
  const maxIterations = options.maxIterations ?? 1000;
  const gtol = options.gradientTolerance ?? 1e-6;
  const ftol = options.relativeTolerance ?? 2.2e-9;
  const n = start.length;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let value = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const direction = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(g) <= gtol) return { x, value, iterations: iteration, converged: true };
    // two-loop recursion: direction = -H g
    for (let i = 0; i < n; i++) direction[i] = -g[i];
    for (let k = s.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(s[k], direction);
      const yk = y[k];
      for (let i = 0; i < n; i++) direction[i] -= alpha[k] * yk[i];
    }
    const gamma = s.length > 0 ? dot(s[s.length - 1], y[y.length - 1]) / dot(y[y.length - 1], y[y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) direction[i] *= gamma;
    for (let k = 0; k < s.length; k++) {
      const beta = rho[k] * dot(y[k], direction);
      const sk = s[k];
      for (let i = 0; i < n; i++) direction[i] += (alpha[k] - beta) * sk[i];
    }
    const slope = dot(g, direction);
    if (!(slope < 0)) {
      // not a descent direction (rounding): restart from steepest descent
      s.length = y.length = rho.length = 0;
      continue;
    }
    // backtracking line search (Armijo)
    let step = 1;
    let next = NaN;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) xNext[i] = x[i] + step * direction[i];
      next = f(xNext, gNext);
      if (next <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(next <= value)) return { x, value, iterations: iteration, converged: false };
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sk[i] = xNext[i] - x[i];
      yk[i] = gNext[i] - g[i];
    }
    const curvature = dot(sk, yk);
    if (curvature > 1e-12 * dot(yk, yk)) {
      if (s.length === m) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / curvature);
    }
    const decrease = value - next;
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    value = next;
    if (decrease <= ftol * Math.max(Math.abs(value), 1e-300)) return { x, value, iterations: iteration + 1, converged: true };
  }
  return { x, value, iterations: maxIterations, converged: maxAbs(g) <= gtol };
}
