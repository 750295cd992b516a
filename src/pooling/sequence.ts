/** Sentence and document vectors from a sequence's token states. */

export type SequencePooling = 'mean' | 'cls' | 'max' | 'mean-sqrt';
export const SEQUENCE_POOLINGS: readonly SequencePooling[] = ['mean', 'cls', 'max', 'mean-sqrt'];

/**
 * @param states [rows x dim]: the whole sequence, [CLS] first and [SEP] last, as the model saw it
 * @param mask 1 for rows that count, 0 for padding (all count when omitted)
 */
export function poolSequence(states: Float32Array, dim: number, mode: SequencePooling = 'mean', mask?: Uint8Array): Float32Array {
  const rows = states.length / dim;
  const out = new Float32Array(dim);
  if (mode === 'cls') {
    out.set(states.subarray(0, dim));
    return out;
  }
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (mask && !mask[r]) continue;
    const src = r * dim;
    if (mode === 'max') {
      if (n === 0) out.set(states.subarray(src, src + dim));
      else for (let k = 0; k < dim; k++) if (states[src + k] > out[k]) out[k] = states[src + k];
    } else {
      for (let k = 0; k < dim; k++) out[k] += states[src + k];
    }
    n++;
  }
  if (n === 0) throw new RangeError('cannot pool a sequence with no unmasked rows');
  if (mode === 'mean') for (let k = 0; k < dim; k++) out[k] /= n;
  if (mode === 'mean-sqrt') {
    const s = Math.sqrt(n);
    for (let k = 0; k < dim; k++) out[k] /= s;
  }
  return out;
}
