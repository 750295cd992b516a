// GloVe training kernel (AssemblyScript → WebAssembly with SIMD): glove.c's AdaGrad step over a
// range of training entries, run by every worker thread on one shared memory, lock-free (Hogwild).
//
// Memory (byte offsets from the host, 16-aligned; see src/static/glove/layout.ts):
//  - weights and gradsq: 2 * vocab rows of `stride` floats, words then contexts; a row is the
//    vector padded with zeros to a multiple of 4 floats, then the bias and 3 unused floats. The
//    padding stays zero: its gradients are fdiff * 0.
//  - entries: 16 bytes each: word i (i32), context j (i32), log X_ij (f32), f(X_ij) (f32).

const GRAD_CLIP: f32 = 100;

let weights: usize = 0;
let gradsq: usize = 0;
let entries: usize = 0;
let stride: i32 = 0; // floats per row, bias included
let vecLen: i32 = 0; // floats of the (padded) vector part: stride - 4
let contexts: usize = 0; // byte offset of the first context row from a matrix start
let rng: u64 = 1;

export function configure(weights_: usize, gradsq_: usize, entries_: usize, vocabSize: i32, stride_: i32): void {
  weights = weights_;
  gradsq = gradsq_;
  entries = entries_;
  stride = stride_;
  vecLen = stride_ - 4;
  contexts = (<usize>vocabSize * <usize>stride_) << 2;
}

/** One AdaGrad pass over entries [from, to); returns the summed cost (before each update). */
export function train(from: i32, to: i32, eta: f32): f64 {
  let cost: f64 = 0;
  const clipHi = f32x4.splat(GRAD_CLIP);
  const clipLo = f32x4.splat(-GRAD_CLIP);
  const rowBytes = <usize>stride << 2;
  const vecBytes = <usize>vecLen << 2;
  for (let e = from; e < to; e++) {
    const rec = entries + (<usize>e << 4);
    const o1 = <usize>load<i32>(rec) * rowBytes;
    const o2 = contexts + <usize>load<i32>(rec, 4) * rowBytes;
    const logX = load<f32>(rec, 8);
    const f = load<f32>(rec, 12);
    const w1 = weights + o1;
    const w2 = weights + o2;
    const g1 = gradsq + o1;
    const g2 = gradsq + o2;

    let acc0 = f32x4.splat(0);
    let acc1 = f32x4.splat(0);
    let d: usize = 0;
    for (; d + 32 <= vecBytes; d += 32) {
      acc0 = f32x4.add(acc0, f32x4.mul(v128.load(w1 + d), v128.load(w2 + d)));
      acc1 = f32x4.add(acc1, f32x4.mul(v128.load(w1 + d + 16), v128.load(w2 + d + 16)));
    }
    if (d < vecBytes) acc0 = f32x4.add(acc0, f32x4.mul(v128.load(w1 + d), v128.load(w2 + d)));
    const s = f32x4.add(acc0, acc1);
    const diff: f32 = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3) +
      load<f32>(w1 + vecBytes) + load<f32>(w2 + vecBytes) - logX;
    const fdiff: f32 = f * diff;
    if (!(fdiff - fdiff == 0)) continue; // NaN or infinite: skip, as the host's reference does
    cost += 0.5 * <f64>fdiff * <f64>diff;

    // As glove.c: the learning rate scales the clipped vector gradients; the biases step without it.
    const fv = f32x4.splat(fdiff);
    const etav = f32x4.splat(eta);
    for (d = 0; d < vecBytes; d += 16) {
      const a = v128.load(w1 + d);
      const b = v128.load(w2 + d);
      const t1 = f32x4.mul(f32x4.min(f32x4.max(f32x4.mul(fv, b), clipLo), clipHi), etav);
      const t2 = f32x4.mul(f32x4.min(f32x4.max(f32x4.mul(fv, a), clipLo), clipHi), etav);
      const ga = v128.load(g1 + d);
      const gb = v128.load(g2 + d);
      v128.store(w1 + d, f32x4.sub(a, f32x4.div(t1, f32x4.sqrt(ga))));
      v128.store(w2 + d, f32x4.sub(b, f32x4.div(t2, f32x4.sqrt(gb))));
      v128.store(g1 + d, f32x4.add(ga, f32x4.mul(t1, t1)));
      v128.store(g2 + d, f32x4.add(gb, f32x4.mul(t2, t2)));
    }
    const b1 = w1 + vecBytes;
    const b2 = w2 + vecBytes;
    store<f32>(b1, load<f32>(b1) - fdiff / sqrt<f32>(load<f32>(g1 + vecBytes)));
    store<f32>(b2, load<f32>(b2) - fdiff / sqrt<f32>(load<f32>(g2 + vecBytes)));
    const f2 = fdiff * fdiff;
    store<f32>(g1 + vecBytes, load<f32>(g1 + vecBytes) + f2);
    store<f32>(g2 + vecBytes, load<f32>(g2 + vecBytes) + f2);
  }
  return cost;
}

// xorshift64* for the shuffles
@inline function nextRandom(): u64 {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545F4914F6CDD1D;
}

/** Fisher–Yates over entries [from, to), 16-byte records, seeded (seed != 0). */
export function shuffle(from: i32, to: i32, seed: u64): void {
  rng = seed != 0 ? seed : 0x9E3779B97F4A7C15;
  for (let i = to - 1; i > from; i--) {
    const j = from + <i32>((nextRandom() >> 32) % <u64>(i - from + 1));
    const p = entries + (<usize>i << 4);
    const q = entries + (<usize>j << 4);
    const t = v128.load(p);
    v128.store(p, v128.load(q));
    v128.store(q, t);
  }
}
