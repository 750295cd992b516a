// Word2Vec training kernel (AssemblyScript → WebAssembly with SIMD), run by every worker thread on
// one shared memory. Rows are padded to a multiple of 4 floats so every vector loop is f32x4 with
// no tail; the padding stays zero because its gradients are zero. Updates are lock-free
// (Hogwild), as in word2vec.c and gensim.
//
// The host lays out the memory and passes byte offsets; see src/static/word2vec/layout.ts.

const MAX_EXP: f32 = 6;
const EXP_TABLE_SIZE: i32 = 1000;
const MAX_CODE_LENGTH: i32 = 40;

let stride: i32 = 0; // floats per row
let window: i32 = 5;
let negative: i32 = 5;
let hs: bool = false;
let cbow: bool = false;
let syn0: usize = 0;
let syn1neg: usize = 0;
let syn1: usize = 0;
let expTable: usize = 0;
let cumTable: usize = 0;
let cumTotal: u32 = 0;
let vocabSize: i32 = 0;
let sampleInt: usize = 0;
let codeLens: usize = 0;
let codes: usize = 0;
let points: usize = 0;
let corpus: usize = 0;
let sentenceStarts: usize = 0;
// this thread's scratch
let rng: u64 = 1;
let neu1: usize = 0;
let neu1e: usize = 0;
let kept: usize = 0;

export function configure(
  stride_: i32, window_: i32, negative_: i32, hs_: i32, cbow_: i32,
  syn0_: usize, syn1neg_: usize, syn1_: usize, expTable_: usize,
  cumTable_: usize, vocabSize_: i32, sampleInt_: usize,
  codeLens_: usize, codes_: usize, points_: usize,
  corpus_: usize, sentenceStarts_: usize,
  scratch: usize, seed: u64,
): void {
  stride = stride_; window = window_; negative = negative_; hs = hs_ != 0; cbow = cbow_ != 0;
  syn0 = syn0_; syn1neg = syn1neg_; syn1 = syn1_; expTable = expTable_;
  cumTable = cumTable_; vocabSize = vocabSize_; sampleInt = sampleInt_;
  cumTotal = vocabSize_ > 0 ? load<u32>(cumTable_ + (<usize>(vocabSize_ - 1) << 2)) : 0;
  codeLens = codeLens_; codes = codes_; points = points_;
  corpus = corpus_; sentenceStarts = sentenceStarts_;
  neu1 = scratch; neu1e = scratch + (<usize>stride << 2); kept = scratch + (<usize>stride << 3);
  rng = seed;
}

// word2vec.c's linear congruential generator
@inline function nextRandom(): u64 {
  rng = rng * 25214903917 + 11;
  return rng;
}

@inline function zero(p: usize): void {
  const z = f32x4.splat(0);
  for (let d = 0; d < stride; d += 4) v128.store(p + (<usize>d << 2), z);
}

@inline function dot(a: usize, b: usize): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  let d = 0;
  for (; d + 8 <= stride; d += 8) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + o + 16), v128.load(b + o + 16)));
  }
  if (d < stride) {
    const o = <usize>d << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  const s = f32x4.add(acc0, acc1);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

// err += g * out; out += g * inp — one pass over `out`
@inline function backprop(g: f32, out: usize, inp: usize, err: usize): void {
  const gv = f32x4.splat(g);
  for (let d = 0; d < stride; d += 4) {
    const o = <usize>d << 2;
    const w = v128.load(out + o);
    v128.store(err + o, f32x4.add(v128.load(err + o), f32x4.mul(gv, w)));
    v128.store(out + o, f32x4.add(w, f32x4.mul(gv, v128.load(inp + o))));
  }
}

@inline function addTo(dst: usize, src: usize): void {
  for (let d = 0; d < stride; d += 4) {
    const o = <usize>d << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
}

@inline function row(base: usize, word: i32): usize {
  return base + ((<usize>word * <usize>stride) << 2);
}

// sigmoid from the table, clamped beyond ±MAX_EXP as word2vec.c does
@inline function gradient(f: f32, label: f32, alpha: f32): f32 {
  if (f > MAX_EXP) return (label - 1) * alpha;
  if (f < -MAX_EXP) return label * alpha;
  const i = <i32>((f + MAX_EXP) * (<f32>EXP_TABLE_SIZE / MAX_EXP / 2));
  return (label - load<f32>(expTable + (<usize>min(i, EXP_TABLE_SIZE - 1) << 2))) * alpha;
}

// a negative-sampling target drawn from the unigram^0.75 distribution (gensim's cum_table)
@inline function drawNegative(): i32 {
  const r = <u32>((nextRandom() >> 16) % <u64>cumTotal);
  // branch-free search for the first entry above r: the answer stays in [base, base + n)
  let base = 0;
  let n = vocabSize;
  while (n > 1) {
    const half = n >>> 1;
    base = select<i32>(base + half, base, load<u32>(cumTable + (<usize>(base + half - 1) << 2)) <= r);
    n -= half;
  }
  return base;
}

// trains `word` as output against the input vector `l1`; accumulates the input's error in neu1e
@inline function trainPair(word: i32, l1: usize, alpha: f32): void {
  if (hs) {
    const len = load<i32>(codeLens + (<usize>word << 2));
    const base = <usize>word * MAX_CODE_LENGTH;
    for (let k = 0; k < len; k++) {
      const l2 = row(syn1, load<i32>(points + ((base + k) << 2)));
      const f = dot(l1, l2);
      if (f <= -MAX_EXP || f >= MAX_EXP) continue;
      const g = gradient(f, 1 - <f32>load<u8>(codes + base + k), alpha);
      backprop(g, l2, l1, neu1e);
    }
  }
  for (let k = 0; k <= negative; k++) {
    let target = word;
    let label: f32 = 1;
    if (k > 0) {
      target = drawNegative();
      if (target == word) continue;
      label = 0;
    }
    const l2 = row(syn1neg, target);
    backprop(gradient(dot(l1, l2), label, alpha), l2, l1, neu1e);
  }
}

/**
 * Trains on sentences [from, to) of the corpus with learning rate `alpha`; returns the number of
 * corpus words seen (before subsampling).
 */
export function train(from: i32, to: i32, alpha: f32): i32 {
  let seen = 0;
  for (let s = from; s < to; s++) {
    const start = load<i32>(sentenceStarts + (<usize>s << 2));
    const end = load<i32>(sentenceStarts + (<usize>(s + 1) << 2));
    seen += end - start;
    // frequent-word subsampling: the window then runs over the words kept
    let n = 0;
    for (let p = start; p < end; p++) {
      const w = load<i32>(corpus + (<usize>p << 2));
      if (load<u32>(sampleInt + (<usize>w << 2)) < <u32>(nextRandom() >> 16)) continue;
      store<i32>(kept + (<usize>n << 2), w);
      n++;
    }
    for (let i = 0; i < n; i++) {
      const word = load<i32>(kept + (<usize>i << 2));
      const b = <i32>(nextRandom() % <u64>window); // random window shrink
      const lo = max(0, i - window + b);
      const hi = min(n, i + window + 1 - b);
      if (cbow) {
        zero(neu1);
        let count = 0;
        for (let j = lo; j < hi; j++) {
          if (j == i) continue;
          addTo(neu1, row(syn0, load<i32>(kept + (<usize>j << 2))));
          count++;
        }
        if (count == 0) continue;
        const inv = f32x4.splat(1 / <f32>count);
        for (let d = 0; d < stride; d += 4) {
          const o = <usize>d << 2;
          v128.store(neu1 + o, f32x4.mul(v128.load(neu1 + o), inv));
        }
        zero(neu1e);
        trainPair(word, neu1, alpha);
        for (let j = lo; j < hi; j++) {
          if (j == i) continue;
          addTo(row(syn0, load<i32>(kept + (<usize>j << 2))), neu1e);
        }
      } else {
        for (let j = lo; j < hi; j++) {
          if (j == i) continue;
          const l1 = row(syn0, load<i32>(kept + (<usize>j << 2)));
          zero(neu1e);
          trainPair(word, l1, alpha);
          addTo(l1, neu1e);
        }
      }
    }
  }
  return seen;
}
