/** Sentence and document vectors from a sequence's token states. */

export type SequencePooling = 'mean' | 'cls' | 'max' | 'mean-sqrt';
export const SEQUENCE_POOLINGS: readonly SequencePooling[] = ['mean', 'cls', 'max', 'mean-sqrt'];

/**
 * Pools a sequence fed in pieces, in order, [CLS] row first and [SEP] row last; a document too
 * long for one pass is pooled over each of its rows once.
 */
export class SequencePooler {
  private readonly acc: Float32Array;
  private n = 0;

  constructor(readonly dim: number, readonly mode: SequencePooling = 'mean') {
    this.acc = new Float32Array(dim);
  }

  /** Adds [rows x dim] states; rows whose mask entry is 0 (padding) are skipped. */
  add(states: Float32Array, mask?: Uint8Array): this {
    const { dim, acc } = this;
    const rows = states.length / dim;
    for (let r = 0; r < rows; r++) {
      if (mask && !mask[r]) continue;
      const src = r * dim;
      if (this.n === 0) acc.set(states.subarray(src, src + dim));
      else if (this.mode === 'max') for (let k = 0; k < dim; k++) acc[k] = Math.max(acc[k], states[src + k]);
      else if (this.mode !== 'cls') for (let k = 0; k < dim; k++) acc[k] += states[src + k];
      this.n++;
    }
    return this;
  }

  result(): Float32Array {
    if (this.n === 0) throw new RangeError('cannot pool a sequence with no unmasked rows');
    const out = Float32Array.from(this.acc);
    if (this.mode === 'mean') for (let k = 0; k < out.length; k++) out[k] /= this.n;
    if (this.mode === 'mean-sqrt') {
      const s = Math.sqrt(this.n);
      for (let k = 0; k < out.length; k++) out[k] /= s;
    }
    return out;
  }
}

/**
 * @param states [rows x dim]: the whole sequence, [CLS] first and [SEP] last, as the model saw it
 * @param mask 1 for rows that count, 0 for padding (all count when omitted)
 */
export function poolSequence(states: Float32Array, dim: number, mode: SequencePooling = 'mean', mask?: Uint8Array): Float32Array {
  return new SequencePooler(dim, mode).add(states, mask).result();
}
