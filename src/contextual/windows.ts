/**
 * Overlapping windows over a token sequence longer than the model takes. Every token keeps
 * exactly one vector: the one from the window where it has the most context on both sides.
 */

export interface WindowPlan {
  /** First token of each window. */
  starts: Int32Array;
  /** One past the last token of each window. */
  ends: Int32Array;
  /** For each token, the window whose vector it keeps. */
  owner: Int32Array;
}

/**
 * @param n tokens in the text (special tokens excluded)
 * @param content tokens a window holds (the model's max length less [CLS] and [SEP])
 * @param stride tokens shared by consecutive windows
 */
export function planWindows(n: number, content: number, stride: number): WindowPlan {
  if (content < 1) throw new RangeError(`a window must hold at least one token (got ${content})`);
  if (stride < 0 || stride >= content) throw new RangeError(`stride must be in [0, ${content - 1}] for windows of ${content} tokens (got ${stride})`);
  const starts: number[] = [0];
  const step = content - stride;
  // Full-size windows; the last one ends exactly at the text's end, so it has as much context as any.
  while (starts[starts.length - 1] + content < n) starts.push(Math.min(starts[starts.length - 1] + step, n - content));
  const ends = starts.map((s) => Math.min(s + content, n));
  const owner = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    let best = -1;
    let bestContext = -1;
    for (let w = 0; w < starts.length; w++) {
      if (t < starts[w] || t >= ends[w]) continue;
      const context = Math.min(t - starts[w], ends[w] - 1 - t);
      if (context > bestContext) {
        best = w;
        bestContext = context;
      }
    }
    owner[t] = best;
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends), owner };
}
