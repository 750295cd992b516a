/**
 * An independent reference forward pass of BERT in plain TypeScript, float64 throughout, over the
 * weights of an ONNX file (read with onnx-proto, initializers taken by name). It shares no code
 * with src/: it checks what onnxruntime (and ctxembed around it) computes.
 *
 * BERT: embeddings (word + position + token type) -> LayerNorm, then per layer: multi-head
 * self-attention (padded keys masked out) -> dense -> residual -> LayerNorm -> dense -> exact GELU
 * -> dense -> residual -> LayerNorm. MatMul weights are stored [in, out]; LayerNorm eps 1e-12.
 */
import * as fs from 'fs';
import { onnx } from 'onnx-proto';

const LAYER_NORM_EPS = 1e-12;

/** A float matrix stored row-major: `rows x cols`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface ReferenceWeights {
  hidden: number;
  heads: number;
  layers: number;
  get(name: string): Matrix;
}

/**
 * erf to ~1e-12: Maclaurin series for |x| < 2.5, a continued fraction for erfc beyond.
 * (Abramowitz-Stegun 7.1.26, at 1.5e-7, would do for a 1e-4 tolerance too; this one leaves no doubt.)
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax; // x^(2n+1) / n! with sign
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    let f = ax;
    for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  }
  return x < 0 ? -r : r;
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function tensorToFloat64(t: onnx.ITensorProto): Float64Array {
  const n = (t.dims ?? []).reduce((a: number, b) => a * Number(b), 1);
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`${t.name}: expected a float tensor, data type ${t.dataType}`);
  const out = new Float64Array(n);
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (t.floatData && t.floatData.length === n) {
    for (let i = 0; i < n; i++) out[i] = t.floatData[i];
  } else {
    throw new Error(`${t.name}: no data`);
  }
  return out;
}

/** Reads the initializers of a BERT ONNX file; `hidden`/`heads` come from config.json next to it or the caller. */
export function loadReferenceWeights(onnxFile: string, heads: number): ReferenceWeights {
  const model = onnx.ModelProto.decode(fs.readFileSync(onnxFile));
  const byName = new Map<string, onnx.ITensorProto>();
  for (const t of model.graph?.initializer ?? []) byName.set(t.name!, t);
  const cache = new Map<string, Matrix>();
  const get = (name: string): Matrix => {
    let m = cache.get(name);
    if (!m) {
      const t = byName.get(name);
      if (!t) throw new Error(`${onnxFile}: no initializer ${name}`);
      const dims = (t.dims ?? []).map(Number);
      const data = tensorToFloat64(t);
      m = dims.length === 1 ? { rows: 1, cols: dims[0], data } : { rows: dims[0], cols: dims[1], data };
      cache.set(name, m);
    }
    return m;
  };
  const hidden = get('embeddings.word_embeddings.weight').cols;
  let layers = 0;
  while (byName.has(`encoder.layer.${layers}.attention.self.query.weight_T`)) layers++;
  return { hidden, heads, layers, get };
}

/** y = x W + b, x: [n, in], W: [in, out]. */
function linear(x: Matrix, w: Matrix, b: Matrix): Matrix {
  if (x.cols !== w.rows) throw new Error(`linear: ${x.cols} vs ${w.rows}`);
  const out = new Float64Array(x.rows * w.cols);
  for (let i = 0; i < x.rows; i++) {
    const o = i * w.cols;
    for (let j = 0; j < w.cols; j++) out[o + j] = b.data[j];
    for (let k = 0; k < x.cols; k++) {
      const xv = x.data[i * x.cols + k];
      const wr = k * w.cols;
      for (let j = 0; j < w.cols; j++) out[o + j] += xv * w.data[wr + j];
    }
  }
  return { rows: x.rows, cols: w.cols, data: out };
}

function layerNorm(x: Matrix, gamma: Matrix, beta: Matrix): Matrix {
  const out = new Float64Array(x.data.length);
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let mean = 0;
    for (let j = 0; j < d; j++) mean += x.data[i * d + j];
    mean /= d;
    let variance = 0;
    for (let j = 0; j < d; j++) variance += (x.data[i * d + j] - mean) ** 2;
    variance /= d;
    const inv = 1 / Math.sqrt(variance + LAYER_NORM_EPS);
    for (let j = 0; j < d; j++) out[i * d + j] = (x.data[i * d + j] - mean) * inv * gamma.data[j] + beta.data[j];
  }
  return { rows: x.rows, cols: d, data: out };
}

function add(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return { rows: a.rows, cols: a.cols, data: out };
}

/**
 * Hidden states of one sequence: [embeddings, after layer 1, ..., after layer L], each [S x hidden].
 * `ids` are the token ids, special tokens included; positions where `mask` is 0 are padding
 * (keys that no query attends to). Token type ids are 0.
 */
export function referenceForward(w: ReferenceWeights, ids: ArrayLike<number>, mask?: ArrayLike<number>): Matrix[] {
  const S = ids.length;
  const H = w.hidden;
  const word = w.get('embeddings.word_embeddings.weight');
  const pos = w.get('embeddings.position_embeddings.weight');
  const type = w.get('embeddings.token_type_embeddings.weight');
  const emb = new Float64Array(S * H);
  for (let s = 0; s < S; s++) {
    for (let j = 0; j < H; j++) emb[s * H + j] = word.data[ids[s] * H + j] + pos.data[s * H + j] + type.data[j];
  }
  let x = layerNorm({ rows: S, cols: H, data: emb }, w.get('embeddings.LayerNorm.weight'), w.get('embeddings.LayerNorm.bias'));
  const states = [x];
  const heads = w.heads;
  const dh = H / heads;
  const scale = 1 / Math.sqrt(dh);
  for (let l = 0; l < w.layers; l++) {
    const p = `encoder.layer.${l}`;
    const q = linear(x, w.get(`${p}.attention.self.query.weight_T`), w.get(`${p}.attention.self.query.bias`));
    const k = linear(x, w.get(`${p}.attention.self.key.weight_T`), w.get(`${p}.attention.self.key.bias`));
    const v = linear(x, w.get(`${p}.attention.self.value.weight_T`), w.get(`${p}.attention.self.value.bias`));
    const ctx = new Float64Array(S * H);
    const scores = new Float64Array(S);
    for (let h = 0; h < heads; h++) {
      const o = h * dh;
      for (let i = 0; i < S; i++) {
        let max = -Infinity;
        for (let j = 0; j < S; j++) {
          if (mask && mask[j] === 0) {
            scores[j] = -Infinity;
            continue;
          }
          let dot = 0;
          for (let d = 0; d < dh; d++) dot += q.data[i * H + o + d] * k.data[j * H + o + d];
          scores[j] = dot * scale;
          if (scores[j] > max) max = scores[j];
        }
        let sum = 0;
        for (let j = 0; j < S; j++) {
          scores[j] = scores[j] === -Infinity ? 0 : Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (let j = 0; j < S; j++) {
          const pj = scores[j] / sum;
          if (pj === 0) continue;
          for (let d = 0; d < dh; d++) ctx[i * H + o + d] += pj * v.data[j * H + o + d];
        }
      }
    }
    const attn = linear({ rows: S, cols: H, data: ctx }, w.get(`${p}.attention.output.dense.weight_T`), w.get(`${p}.attention.output.dense.bias`));
    const a = layerNorm(add(attn, x), w.get(`${p}.attention.output.LayerNorm.weight`), w.get(`${p}.attention.output.LayerNorm.bias`));
    const inter = linear(a, w.get(`${p}.intermediate.dense.weight_T`), w.get(`${p}.intermediate.dense.bias`));
    for (let i = 0; i < inter.data.length; i++) inter.data[i] = gelu(inter.data[i]);
    const out = linear(inter, w.get(`${p}.output.dense.weight_T`), w.get(`${p}.output.dense.bias`));
    x = layerNorm(add(out, a), w.get(`${p}.output.LayerNorm.weight`), w.get(`${p}.output.LayerNorm.bias`));
    states.push(x);
  }
  return states;
}

/** Largest |a_i - b_i| over the first `n` values (all of `a` by default). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, n = a.length): number {
  if (a.length < n || b.length < n) throw new Error(`maxAbsDiff: lengths ${a.length}, ${b.length} < ${n}`);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}
