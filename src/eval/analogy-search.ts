/**
 * 3CosAdd and 3CosMul answers for many analogy questions at once. The questions of a test set use
 * few distinct words (under a thousand for questions-words.txt's 19,544), so the cosines of every
 * vocabulary row with those words are computed once, a block of rows at a time, and each
 * question's score is a function of three of them:
 * - 3CosAdd: cos(x, b) + cos(x, c) - cos(x, a), the ranking of gensim's unit(b) + unit(c) - unit(a)
 *   query (most_similar);
 * - 3CosMul: cos'(x, b) · cos'(x, c) / (cos'(x, a) + 1e-6) with cos' = (1 + cos) / 2, gensim's
 *   most_similar_cosmul (Levy and Goldberg 2014, eq. 4).
 * Both objectives share the cosines, so asking for both costs little more than one.
 */
import { KeyedVectors } from '../static/keyed-vectors';

const BLOCK_ROWS = 2048;
const COSMUL_EPSILON = 1e-6;

export type AnalogyObjective = 'add' | 'mul';

function cosMul(ca: number, cb: number, cc: number): number {
  return (((1 + cb) / 2) * ((1 + cc) / 2)) / ((1 + ca) / 2 + COSMUL_EPSILON);
}

/**
 * The best score any row of a block can reach, from each column's highest and lowest cosine in it.
 * For 3CosMul the shifted cosines are ≥ 0 up to rounding; the corner products cover their sign.
 */
function blockBound(objective: AnalogyObjective, lowA: number, highA: number, lowB: number, highB: number, lowC: number, highC: number): number {
  if (objective === 'add') return highB + highC - lowA;
  const [lb, hb, lc, hc] = [lowB, highB, lowC, highC].map((c) => (1 + c) / 2);
  const top = Math.max(hb * hc, hb * lc, lb * hc, lb * lc);
  return top / ((1 + (top >= 0 ? lowA : highA)) / 2 + COSMUL_EPSILON);
}

/**
 * @param questions row indices a, b, c per question
 * @param limit only rows [0, limit) are candidates
 * @param objectives which scores to rank by
 * @returns per objective, per question the `topn` best rows, best first, the question's own rows excluded (-1 pads)
 */
export function nearestByAnalogy(kv: KeyedVectors, questions: Int32Array, limit: number, topn: number, objectives: AnalogyObjective[] = ['add']): Int32Array[] {
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
  const best = objectives.map(() => new Int32Array(count * topn).fill(-1));
  const bestScore = objectives.map(() => new Float64Array(count * topn).fill(-Infinity));
  const cosines = new Float32Array(columns * BLOCK_ROWS);
  // Per column, the block's highest and lowest cosine: a question whose bound cannot beat its
  // current top n skips the block (most do, once the frequent rows are past).
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
    for (let j = 0; j < objectives.length; j++) {
      const objective = objectives[j];
      const top = best[j];
      const topScore = bestScore[j];
      for (let q = 0; q < count; q++) {
        const [a, b, c] = [questions[3 * q], questions[3 * q + 1], questions[3 * q + 2]];
        const [colA, colB, colC] = [cols[3 * q], cols[3 * q + 1], cols[3 * q + 2]];
        const first = q * topn;
        let threshold = topScore[first + topn - 1];
        if (blockBound(objective, low[colA], high[colA], low[colB], high[colB], low[colC], high[colC]) < threshold) continue;
        const ca = colA * BLOCK_ROWS;
        const cb = colB * BLOCK_ROWS;
        const cc = colC * BLOCK_ROWS;
        for (let r = 0; r < rows; r++) {
          const s = objective === 'add' ? cosines[cb + r] + cosines[cc + r] - cosines[ca + r] : cosMul(cosines[ca + r], cosines[cb + r], cosines[cc + r]);
          if (s <= threshold) continue;
          const row = start + r;
          if (row === a || row === b || row === c) continue;
          // insert after any equal score: the earlier row wins ties
          let k = topn - 1;
          while (k > 0 && topScore[first + k - 1] < s) {
            topScore[first + k] = topScore[first + k - 1];
            top[first + k] = top[first + k - 1];
            k--;
          }
          topScore[first + k] = s;
          top[first + k] = row;
          threshold = topScore[first + topn - 1];
        }
      }
    }
  }
  return best;
}
