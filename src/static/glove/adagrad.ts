/**
 * GloVe's weighted least-squares objective, sum f(X_ij) (w_i . w~_j + b_i + b~_j - log X_ij)^2 / 2,
 * minimised by AdaGrad one entry at a time, as Stanford's glove.c does (including its gradient clip).
 */

/** Parameters in shared memory: rows of dim + 1 floats (vector, then bias), words then contexts. */
export interface GloVeParameters {
  vocabSize: number;
  dim: number;
  /** 2 * vocabSize rows: W (words) then W~ (contexts). */
  weights: Float32Array;
  /** AdaGrad's running sums of squared gradients, laid out as `weights`. */
  gradsq: Float32Array;
}

const GRAD_CLIP = 100;

/** Allocates the parameters in SharedArrayBuffers: uniform in [-0.5, 0.5) / dim, squared-gradient sums 1 (as glove.c). */
export function initParameters(vocabSize: number, dim: number, random: () => number): GloVeParameters {
  const size = 2 * vocabSize * (dim + 1);
  const weights = new Float32Array(new SharedArrayBuffer(size * 4));
  for (let k = 0; k < size; k++) weights[k] = (random() - 0.5) / dim;
  const gradsq = new Float32Array(new SharedArrayBuffer(size * 4));
  gradsq.fill(1);
  return { vocabSize, dim, weights, gradsq };
}

/** One AdaGrad pass over entries [from, to); returns the sum of their costs before each update. */
export function trainEntries(p: GloVeParameters, ids: Int32Array, values: Float32Array, from: number, to: number, learningRate: number): number {
  const { weights: W, gradsq: G, dim } = p;
  const row = dim + 1;
  const contexts = p.vocabSize * row;
  let cost = 0;
  for (let e = from * 4, end = to * 4; e < end; e += 4) {
    const l1 = ids[e] * row;
    const l2 = contexts + ids[e + 1] * row;
    let diff = W[l1 + dim] + W[l2 + dim] - values[e + 2];
    for (let b = 0; b < dim; b++) diff += W[l1 + b] * W[l2 + b];
    let fdiff = values[e + 3] * diff;
    if (!Number.isFinite(fdiff)) continue;
    cost += 0.5 * fdiff * diff;
    for (let b = 0; b < dim; b++) {
      const w1 = W[l1 + b];
      const w2 = W[l2 + b];
      const g1 = Math.min(Math.max(fdiff * w2, -GRAD_CLIP), GRAD_CLIP) * learningRate;
      const g2 = Math.min(Math.max(fdiff * w1, -GRAD_CLIP), GRAD_CLIP) * learningRate;
      W[l1 + b] = w1 - g1 / Math.sqrt(G[l1 + b]);
      W[l2 + b] = w2 - g2 / Math.sqrt(G[l2 + b]);
      G[l1 + b] += g1 * g1;
      G[l2 + b] += g2 * g2;
    }
    // glove.c (since its gradient clip) steps the biases without the learning rate.
    W[l1 + dim] -= fdiff / Math.sqrt(G[l1 + dim]);
    W[l2 + dim] -= fdiff / Math.sqrt(G[l2 + dim]);
    G[l1 + dim] += fdiff * fdiff;
    G[l2 + dim] += fdiff * fdiff;
  }
  return cost;
}
