/** Subword pieces back to words: one vector per word from the rows of exactly its tokens. */

export type WordPooling = 'mean' | 'first' | 'last' | 'max' | 'first-last';
export const WORD_POOLINGS: readonly WordPooling[] = ['mean', 'first', 'last', 'max', 'first-last'];

export function wordPoolingDim(mode: WordPooling, dim: number): number {
  return mode === 'first-last' ? 2 * dim : dim;
}

/**
 * @param states [tokens x dim] rows of content tokens (no special tokens)
 * @param wordIndex the word each token belongs to (non-decreasing)
 * @param words how many words
 * @returns [words x outDim], outDim = 2·dim for first-last
 */
export function poolWords(states: Float32Array, dim: number, wordIndex: Int32Array, words: number, mode: WordPooling = 'mean'): Float32Array {
  const outDim = wordPoolingDim(mode, dim);
  const out = new Float32Array(words * outDim);
  const count = new Int32Array(words);
  for (let t = 0; t < wordIndex.length; t++) {
    const w = wordIndex[t];
    const src = t * dim;
    const dst = w * outDim;
    const first = count[w] === 0;
    count[w]++;
    switch (mode) {
      case 'mean':
        for (let k = 0; k < dim; k++) out[dst + k] += states[src + k];
        break;
      case 'first':
        if (first) out.set(states.subarray(src, src + dim), dst);
        break;
      case 'last':
        out.set(states.subarray(src, src + dim), dst);
        break;
      case 'max':
        if (first) out.set(states.subarray(src, src + dim), dst);
        else for (let k = 0; k < dim; k++) if (states[src + k] > out[dst + k]) out[dst + k] = states[src + k];
        break;
      case 'first-last':
        if (first) out.set(states.subarray(src, src + dim), dst);
        out.set(states.subarray(src, src + dim), dst + dim);
        break;
    }
  }
  if (mode === 'mean') {
    for (let w = 0; w < words; w++) {
      const inv = 1 / count[w];
      for (let k = 0; k < outDim; k++) out[w * outDim + k] *= inv;
    }
  }
  return out;
}
