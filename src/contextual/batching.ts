/** Groups sequences into batches under a token budget, longest first, so padding stays small. */

/**
 * @param lengths length of each sequence (special tokens included)
 * @param batchTokens most tokens (padding included) a batch may hold; a sequence longer than that runs alone
 * @returns batches of indices into `lengths`
 */
export function planBatches(lengths: ArrayLike<number>, batchTokens: number): number[][] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let width = 0;
  for (const i of order) {
    // Sorted longest first: the batch's width is its first sequence's length.
    if (current.length > 0 && (current.length + 1) * width > batchTokens) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) width = lengths[i];
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
