/**
 * 3CosAdd answers for many analogy questions at once. The questions of a test set use few distinct
 * words (under a thousand for questions-words.txt's 19,544), so the cosines of every vocabulary row
 * with those words are computed once, a block of rows at a time, and each question's score
 * cos(x, b) + cos(x, c) - cos(x, a) is a sum of three of them — the ranking of gensim's
 * unit(b) + unit(c) - unit(a) query, at a fraction of the cost of one scan per question.
 */
import { KeyedVectors } from '../static/keyed-vectors';

const BLOCK_ROWS = 2048;

/**
 * @param questions row indices a, b, c per question
 * @param limit only rows [0, limit) are candidates
 * @returns per question the `topn` best rows, best first, the question's own rows excluded (-1 pads)
 */
export function nearestByCosAdd(kv: KeyedVectors, questions: Int32Array, limit: number, topn: number): Int32Array {
  const { dim } = kv;
  const unit = kv.normalized().vectors;
  const count = questions.length / 3;
  // Each distinct question word gets a column of cosines.
  const columnOf = new Map<number, number>();
  for (const row of questions) if (!columnOf.has(row)) columnOf.set(row, columnOf.size);
  const columns = columnOf.size;
  const words = new Float32Array(columns * dim);
  for (const [row, col] of columnOf) words.set(unit.subarray(row * dim, (row + 1) * dim), col * dim);
  const cols = Int32Array.from(questions, (row) => columnOf.get(row)!);

  const best = new Int32Array(count * topn).fill(-1);
  const bestScore = new Float64Array(count * topn).fill(-Infinity);
  const cosines = new Float32Array(columns * BLOCK_ROWS);
  // Per column, the block's highest and lowest cosine: a question whose bound max b + max c - min a
  // cannot beat its current top n skips the block (most do, once the frequent rows are past).
  const high = new Float64Array(columns);
  const low = new Float64Array(columns);
  for (let start = 0; start < limit; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, limit - start);
    high.fill(-Infinity);
    low.fill(Infinity);
    for (let r = 0; r < rows; r++) {
      const o = (start + r) * dim;
      // four columns per pass over the row: a quarter of the row loads
      for (let w = 0; w < columns; w += 4) {
        const p0 = w * dim;
        const p1 = Math.min(w + 1, columns - 1) * dim;
        const p2 = Math.min(w + 2, columns - 1) * dim;
        const p3 = Math.min(w + 3, columns - 1) * dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let d = 0; d < dim; d++) {
          const x = unit[o + d];
          s0 += x * words[p0 + d];
          s1 += x * words[p1 + d];
          s2 += x * words[p2 + d];
          s3 += x * words[p3 + d];
        }
        const sums = [s0, s1, s2, s3];
        for (let k = 0; k < 4 && w + k < columns; k++) {
          const s = sums[k];
          cosines[(w + k) * BLOCK_ROWS + r] = s;
          if (s > high[w + k]) high[w + k] = s;
          if (s < low[w + k]) low[w + k] = s;
        }
      }
    }
    for (let q = 0; q < count; q++) {
      const [a, b, c] = [questions[3 * q], questions[3 * q + 1], questions[3 * q + 2]];
      const top = q * topn;
      if (high[cols[3 * q + 1]] + high[cols[3 * q + 2]] - low[cols[3 * q]] < bestScore[top + topn - 1]) continue;
      const ca = cols[3 * q] * BLOCK_ROWS;
      const cb = cols[3 * q + 1] * BLOCK_ROWS;
      const cc = cols[3 * q + 2] * BLOCK_ROWS;
      let threshold = bestScore[top + topn - 1];
      for (let r = 0; r < rows; r++) {
        const s = cosines[cb + r] + cosines[cc + r] - cosines[ca + r];
        if (s <= threshold) continue;
        const row = start + r;
        if (row === a || row === b || row === c) continue;
        // insert after any equal score: the earlier row wins ties
        let k = topn - 1;
        while (k > 0 && bestScore[top + k - 1] < s) {
          bestScore[top + k] = bestScore[top + k - 1];
          best[top + k] = best[top + k - 1];
          k--;
        }
        bestScore[top + k] = s;
        best[top + k] = row;
        threshold = bestScore[top + topn - 1];
      }
    }
  }
  return best;
}
