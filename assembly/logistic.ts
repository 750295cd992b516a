// Logistic regression's pass over the training rows (AssemblyScript → WebAssembly with SIMD): the
// loss, and the sums the gradient is made of, for every row in one read of it. Worker threads run
// it on one shared memory, each with its own scratch.
//
// Memory (byte offsets from the host, see src/eval/probe/kernel.ts):
//  - data: the features, f32, row-major, `dim` per row; labels: i32 per row (the class);
//  - a thread's scratch: rows (i32, the training rows), v (f32, K × dim: the weights on raw
//    features), c (f64, K: the intercepts on raw features), then outputs acc (f64, K × dim:
//    Σ r_k x), rsum (f64, K: Σ r_k) and z (f64, K: scratch), r_k being a row's residual.
// K is 1 for two classes (sigmoid on class 1), else the number of classes (softmax).

@inline function softplus(t: f64): f64 {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** x · v over dim floats: f32x4 products in two accumulators, summed in f64. */
@inline function dot(x: usize, v: usize, dim: i32): f64 {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let j = 0;
  for (; j + 8 <= dim; j += 8) {
    const o = <usize>j << 2;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(v + o)));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x + o + 16), v128.load(v + o + 16)));
  }
  if (j + 4 <= dim) {
    const o = <usize>j << 2;
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x + o), v128.load(v + o)));
    j += 4;
  }
  const s = f32x4.add(a0, a1);
  let sum: f64 = <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
  for (; j < dim; j++) sum += <f64>load<f32>(x + (<usize>j << 2)) * <f64>load<f32>(v + (<usize>j << 2));
  return sum;
}

/** acc += r · x, in f64 (the sums run over thousands of rows). */
@inline function axpy(acc: usize, r: f64, x: usize, dim: i32): void {
  const rv = f64x2.splat(r);
  let j = 0;
  for (; j + 4 <= dim; j += 4) {
    const xs = v128.load(x + (<usize>j << 2));
    const lo = f64x2.promote_low_f32x4(xs);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(xs, xs, 2, 3, 0, 1));
    const a = acc + (<usize>j << 3);
    v128.store(a, f64x2.add(v128.load(a), f64x2.mul(rv, lo)));
    v128.store(a + 16, f64x2.add(v128.load(a + 16), f64x2.mul(rv, hi)));
  }
  for (; j < dim; j++) {
    const a = acc + (<usize>j << 3);
    store<f64>(a, load<f64>(a) + r * <f64>load<f32>(x + (<usize>j << 2)));
  }
}

/** One pass over `n` training rows; returns the summed log-loss and fills acc and rsum. */
export function pass(data: usize, dim: i32, labels: usize, rows: usize, n: i32, K: i32, v: usize, c: usize, acc: usize, rsum: usize, z: usize): f64 {
  memory.fill(acc, 0, (<usize>K * <usize>dim) << 3);
  memory.fill(rsum, 0, <usize>K << 3);
  const rowBytes = <usize>dim << 2;
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const row = load<i32>(rows + (<usize>i << 2));
    const x = data + <usize>row * rowBytes;
    const y = load<i32>(labels + (<usize>row << 2));
    if (K == 1) {
      const t = dot(x, v, dim) + load<f64>(c);
      loss += y == 1 ? softplus(-t) : softplus(t);
      const r = 1 / (1 + Math.exp(-t)) - (y == 1 ? 1 : 0);
      store<f64>(rsum, load<f64>(rsum) + r);
      axpy(acc, r, x, dim);
      continue;
    }
    let top = -Infinity;
    for (let k = 0; k < K; k++) {
      const t = dot(x, v + <usize>k * rowBytes, dim) + load<f64>(c + (<usize>k << 3));
      store<f64>(z + (<usize>k << 3), t);
      if (t > top) top = t;
    }
    let sum: f64 = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(load<f64>(z + (<usize>k << 3)) - top);
      store<f64>(z + (<usize>k << 3), e);
      sum += e;
    }
    loss += Math.log(sum) - Math.log(load<f64>(z + (<usize>y << 3)));
    for (let k = 0; k < K; k++) {
      const r = load<f64>(z + (<usize>k << 3)) / sum - (k == y ? 1 : 0);
      const rs = rsum + (<usize>k << 3);
      store<f64>(rs, load<f64>(rs) + r);
      axpy(acc + ((<usize>k * <usize>dim) << 3), r, x, dim);
    }
  }
  return loss;
}
