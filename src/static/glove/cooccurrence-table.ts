/**
 * Open-addressing hash table of co-occurrence weights for unordered word pairs (a <= b), in typed
 * arrays. It doubles while it stays under its memory budget; past that, the counter spills it to
 * disk as a sorted run (as Stanford GloVe's `cooccur` spills its overflow buffer).
 */
import type { Cooccurrences } from './cooccurrences';

/**
 * Budget bytes per slot: 16 for the slot (two int32 word ids, a float64 weight), plus room to
 * drain a table at its maximum load into a sorted run (28 bytes per pair).
 */
const BUDGET_BYTES_PER_SLOT = 36;
const MAX_LOAD = 0.7;
const MIN_SLOTS = 1 << 12;

export class CooccurrenceTable {
  /** a + 1 (0 marks an empty slot). */
  private keyA: Int32Array;
  private keyB: Int32Array;
  private weight: Float64Array;
  private mask: number;
  private maxSlots: number;
  size = 0;

  constructor(memoryBytes: number) {
    this.maxSlots = Math.max(MIN_SLOTS, 2 ** Math.floor(Math.log2(memoryBytes / BUDGET_BYTES_PER_SLOT)));
    const slots = Math.min(this.maxSlots, 1 << 20);
    this.keyA = new Int32Array(slots);
    this.keyB = new Int32Array(slots);
    this.weight = new Float64Array(slots);
    this.mask = slots - 1;
  }

  /** True when the table can take no more pairs without going over its budget: time to spill. */
  get full(): boolean {
    return this.size >= (this.mask + 1) * MAX_LOAD && this.mask + 1 >= this.maxSlots;
  }

  add(a: number, b: number, w: number): void {
    const keyA = this.keyA;
    const keyB = this.keyB;
    const ka = a + 1;
    let slot = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) & this.mask;
    for (;;) {
      const k = keyA[slot];
      if (k === 0) break;
      if (k === ka && keyB[slot] === b) {
        this.weight[slot] += w;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    keyA[slot] = ka;
    keyB[slot] = b;
    this.weight[slot] = w;
    if (++this.size >= (this.mask + 1) * MAX_LOAD && this.mask + 1 < this.maxSlots) this.grow();
  }

  /** The pairs sorted by (a, b); the table is left empty. */
  drainSorted(): Cooccurrences {
    const { keyA, keyB, weight } = this;
    const n = this.size;
    // Counting sort by a, then each a's pairs by b, sorted natively as b * length + position
    // (exact in a double for vocabularies under 2^26 words).
    let rows = 0;
    for (let s = 0; s <= this.mask; s++) if (keyA[s] > rows) rows = keyA[s];
    const rowStart = new Int32Array(rows + 1);
    for (let s = 0; s <= this.mask; s++) if (keyA[s] !== 0) rowStart[keyA[s]]++;
    for (let r = 1; r <= rows; r++) rowStart[r] += rowStart[r - 1];
    const next = rowStart.slice(0, rows);
    const slots = new Int32Array(n);
    for (let s = 0; s <= this.mask; s++) if (keyA[s] !== 0) slots[next[keyA[s] - 1]++] = s;
    const out: Cooccurrences = { a: new Int32Array(n), b: new Int32Array(n), x: new Float64Array(n) };
    const packed = new Float64Array(n);
    for (let a = 0; a < rows; a++) {
      const from = rowStart[a];
      const len = rowStart[a + 1] - from;
      for (let k = 0; k < len; k++) packed[from + k] = keyB[slots[from + k]] * len + k;
      packed.subarray(from, from + len).sort();
      for (let k = from; k < from + len; k++) {
        const s = slots[from + (packed[k] % len)];
        out.a[k] = a;
        out.b[k] = keyB[s];
        out.x[k] = weight[s];
      }
    }
    keyA.fill(0);
    this.size = 0;
    return out;
  }

  private grow(): void {
    const { keyA, keyB, weight } = this;
    const slots = (this.mask + 1) * 2;
    this.keyA = new Int32Array(slots);
    this.keyB = new Int32Array(slots);
    this.weight = new Float64Array(slots);
    this.mask = slots - 1;
    this.size = 0;
    for (let s = 0; s < keyA.length; s++) if (keyA[s] !== 0) this.add(keyA[s] - 1, keyB[s], weight[s]);
  }
}

