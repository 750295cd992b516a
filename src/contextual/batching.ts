/**
 * Groups sequences into batches under a token budget so that padding stays small: sequences
 * sorted by length, then cut into contiguous batches that minimise padded tokens plus a fixed
 * cost per batch (a dynamic programme over the sorted lengths).
 */

/** What one more batch costs, in tokens: the run's fixed overhead, so that tiny batches don't multiply. */
export const BATCH_OVERHEAD_TOKENS = 32;

/**
 * @param lengths length of each sequence (special tokens included)
 * @param batchTokens most tokens (padding included) a batch may hold; a sequence longer than that runs alone
 * @returns batches of indices into `lengths`, longest batches first
 */
export function planBatches(lengths: ArrayLike<number>, batchTokens: number): number[][] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const n = order.length;
  // cost[j]: least cost of batching the j longest; cut[j]: where the last of those batches starts.
  const cost = new Float64Array(n + 1).fill(Infinity);
  const cut = new Int32Array(n + 1);
  cost[0] = 0;
  for (let i = 0; i < n; i++) {
    // A batch starting at i is as wide as its first (longest) sequence.
    const width = lengths[order[i]];
    const most = Math.max(1, Math.floor(batchTokens / width));
    for (let j = i + 1; j <= Math.min(n, i + most); j++) {
      const c = cost[i] + (j - i) * width + BATCH_OVERHEAD_TOKENS;
      if (c < cost[j]) {
        cost[j] = c;
        cut[j] = i;
      }
    }
  }
  const batches: number[][] = [];
  for (let j = n; j > 0; j = cut[j]) batches.push(order.slice(cut[j], j));
  return batches.reverse();
}
