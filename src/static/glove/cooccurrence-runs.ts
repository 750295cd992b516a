/** Sorted runs of co-occurrences spilled to disk, and their k-way merge (pairs found in several runs are summed). */
import * as fs from 'fs';
import type { Cooccurrences } from './cooccurrences';

/** A run on disk: sections a (int32), b (int32), x (float64), each `length` entries. */
export interface RunFile {
  path: string;
  length: number;
}

export function writeRun(path: string, run: Cooccurrences): RunFile {
  const fd = fs.openSync(path, 'w');
  try {
    for (const section of [run.a, run.b, run.x]) fs.writeSync(fd, new Uint8Array(section.buffer, section.byteOffset, section.byteLength));
  } finally {
    fs.closeSync(fd);
  }
  return { path, length: run.a.length };
}

const CHUNK = 1 << 16;

/** Reads a run a chunk at a time; `a`, `b`, `x` are the current entry. */
class RunReader {
  private readonly fd: number;
  private readonly as = new Int32Array(CHUNK);
  private readonly bs = new Int32Array(CHUNK);
  private readonly xs = new Float64Array(CHUNK);
  private pos = 0;
  private chunkStart = 0;
  private chunkLength = 0;
  a = 0;
  b = 0;
  x = 0;

  constructor(private readonly run: RunFile) {
    this.fd = fs.openSync(run.path, 'r');
  }

  /** Moves to the next entry; false at the end of the run. */
  advance(): boolean {
    if (this.pos === this.chunkStart + this.chunkLength) {
      if (this.pos === this.run.length) return false;
      this.chunkStart = this.pos;
      this.chunkLength = Math.min(CHUNK, this.run.length - this.pos);
      const n = this.run.length;
      fs.readSync(this.fd, new Uint8Array(this.as.buffer, 0, this.chunkLength * 4), 0, this.chunkLength * 4, this.pos * 4);
      fs.readSync(this.fd, new Uint8Array(this.bs.buffer, 0, this.chunkLength * 4), 0, this.chunkLength * 4, n * 4 + this.pos * 4);
      fs.readSync(this.fd, new Uint8Array(this.xs.buffer, 0, this.chunkLength * 8), 0, this.chunkLength * 8, n * 8 + this.pos * 8);
    }
    const k = this.pos - this.chunkStart;
    this.a = this.as[k];
    this.b = this.bs[k];
    this.x = this.xs[k];
    this.pos++;
    return true;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

function before(r: RunReader, s: RunReader): boolean {
  return r.a < s.a || (r.a === s.a && r.b < s.b);
}

/** Merges sorted runs into one sorted list of distinct pairs. */
export function mergeRuns(runs: RunFile[]): Cooccurrences {
  const capacity = runs.reduce((sum, r) => sum + r.length, 0);
  const out: Cooccurrences = { a: new Int32Array(capacity), b: new Int32Array(capacity), x: new Float64Array(capacity) };
  const readers = runs.map((r) => new RunReader(r));
  // A binary min-heap of the readers, keyed by their current pair.
  const heap = readers.filter((r) => r.advance());
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && before(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!before(heap[c], heap[i])) return;
      [heap[c], heap[i]] = [heap[i], heap[c]];
      i = c;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  let n = -1;
  try {
    while (heap.length > 0) {
      const top = heap[0];
      if (n >= 0 && out.a[n] === top.a && out.b[n] === top.b) out.x[n] += top.x;
      else {
        n++;
        out.a[n] = top.a;
        out.b[n] = top.b;
        out.x[n] = top.x;
      }
      if (!top.advance()) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      siftDown(0);
    }
  } finally {
    for (const r of readers) r.close();
  }
  n++;
  return { a: out.a.slice(0, n), b: out.b.slice(0, n), x: out.x.slice(0, n) };
}
