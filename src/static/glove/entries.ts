/**
 * Training entries: one per nonzero X[i][j] (both directions of each pair), packed four 32-bit
 * words apiece in one SharedArrayBuffer so workers read them in place and a shuffle moves one
 * 16-byte record: word i, context j (int32), log X[i][j] and the weight f(X[i][j]) (float32),
 * computed once instead of every epoch.
 */
import type { Cooccurrences } from './cooccurrences';

export const ENTRY_WORDS = 4;

export interface Entries {
  buffer: SharedArrayBuffer;
  /** Where entry 0 starts in `buffer`. */
  byteOffset: number;
  /** Word i at 4k, context j at 4k + 1. */
  ids: Int32Array;
  /** log X at 4k + 2, f(X) at 4k + 3. */
  values: Float32Array;
  length: number;
}

/** Views of `length` entries from `byteOffset` (all of the buffer by default). */
export function entryViews(buffer: SharedArrayBuffer, byteOffset = 0, length = (buffer.byteLength - byteOffset) / (4 * ENTRY_WORDS)): Entries {
  const words = length * ENTRY_WORDS;
  return { buffer, byteOffset, ids: new Int32Array(buffer, byteOffset, words), values: new Float32Array(buffer, byteOffset, words), length };
}

/** The number of training entries of `c`: two per pair, one per word with itself. */
export function countEntries(c: Cooccurrences): number {
  let n = 0;
  for (let k = 0; k < c.a.length; k++) n += c.a[k] === c.b[k] ? 1 : 2;
  return n;
}

/** The weighting function f(x) = min(1, (x / xMax)^alpha). */
export function weighting(x: number, xMax: number, alpha: number): number {
  return x < xMax ? Math.pow(x / xMax, alpha) : 1;
}

/** The entries of `c` in its order, written into `into` (countEntries(c) long) or a new buffer. */
export function buildEntries(c: Cooccurrences, xMax: number, alpha: number, into?: Entries): Entries {
  const n = countEntries(c);
  if (into && into.length !== n) throw new Error(`buildEntries: room for ${into.length} entries, ${n} needed`);
  const e = into ?? entryViews(new SharedArrayBuffer(n * 4 * ENTRY_WORDS));
  let o = 0;
  const put = (i: number, j: number, logX: number, f: number) => {
    e.ids[o] = i;
    e.ids[o + 1] = j;
    e.values[o + 2] = logX;
    e.values[o + 3] = f;
    o += ENTRY_WORDS;
  };
  for (let k = 0; k < c.a.length; k++) {
    const x = c.x[k];
    const logX = Math.log(x);
    const f = weighting(x, xMax, alpha);
    put(c.a[k], c.b[k], logX, f);
    if (c.a[k] !== c.b[k]) put(c.b[k], c.a[k], logX, f);
  }
  return e;
}

/** Fisher–Yates over entries [from, to), whole records at a time. */
export function shuffleEntries(ids: Int32Array, from: number, to: number, random: () => number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(random() * (i - from + 1));
    const p = i * ENTRY_WORDS;
    const q = j * ENTRY_WORDS;
    for (let w = 0; w < ENTRY_WORDS; w++) {
      const t = ids[p + w];
      ids[p + w] = ids[q + w];
      ids[q + w] = t;
    }
  }
}
