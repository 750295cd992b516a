/**
 * Sorted runs of co-occurrences spilled to disk, and their merge (pairs found in several runs are
 * summed). At most MAX_FAN_IN runs are open at once, fewer where the open-file limit is lower:
 * with more runs, merge passes combine them into longer runs on disk until one pass can take the rest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OutputError } from '../../errors';
import { outputError, writeAll } from '../../files';
import type { Cooccurrences } from './cooccurrences';

/** A run on disk: `length` records of a (int32), b (int32), x (float64), sorted by (a, b). */
export interface RunFile {
  path: string;
  length: number;
}

const RECORD_BYTES = 16;
/** Records read or written at a time: 256 KB buffers. */
const CHUNK = 1 << 14;
/** Most runs merged in one pass (each holds a file descriptor and a read buffer). */
export const MAX_FAN_IN = 64;
/** File descriptors left free when the open-file limit cuts a merge short: the pass's output, and the rest of the process. */
const SPARE_FILES = 8;

/** Fixed-size records in one buffer, seen as int32 (a at 4k, b at 4k + 1) and float64 (x at 2k + 1). */
class RecordBuffer {
  readonly bytes = new Uint8Array(CHUNK * RECORD_BYTES);
  readonly ints = new Int32Array(this.bytes.buffer);
  readonly floats = new Float64Array(this.bytes.buffer);
}

/** Appends records to a run file through a buffer; every write checked. */
class RunWriter {
  private readonly fd: number;
  private readonly buf = new RecordBuffer();
  private n = 0;
  length = 0;

  constructor(readonly path: string) {
    try {
      this.fd = fs.openSync(path, 'w');
    } catch (err) {
      throw outputError(err, path);
    }
  }

  add(a: number, b: number, x: number): void {
    this.buf.ints[4 * this.n] = a;
    this.buf.ints[4 * this.n + 1] = b;
    this.buf.floats[2 * this.n + 1] = x;
    if (++this.n === CHUNK) this.flush();
  }

  private flush(): void {
    writeAll(this.fd, this.buf.bytes.subarray(0, this.n * RECORD_BYTES), null, this.path);
    this.length += this.n;
    this.n = 0;
  }

  close(): RunFile {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
    return { path: this.path, length: this.length };
  }

  /** Closes the file without writing what is buffered (after a failed write; the folder is removed anyway). */
  abandon(): void {
    fs.closeSync(this.fd);
  }
}

export function writeRun(file: string, run: Cooccurrences): RunFile {
  const w = new RunWriter(file);
  try {
    for (let k = 0; k < run.a.length; k++) w.add(run.a[k], run.b[k], run.x[k]);
  } catch (err) {
    w.abandon();
    throw err;
  }
  return w.close();
}

/** Reads a run a chunk at a time; `a`, `b`, `x` are the current entry. */
class RunReader {
  private readonly fd: number;
  private readonly buf = new RecordBuffer();
  private pos = 0;
  private k = 0;
  private chunkLength = 0;
  a = 0;
  b = 0;
  x = 0;

  constructor(readonly run: RunFile) {
    this.fd = fs.openSync(run.path, 'r');
  }

  /** Moves to the next entry; false at the end of the run. */
  advance(): boolean {
    if (this.k === this.chunkLength) {
      if (this.pos === this.run.length) return false;
      this.chunkLength = Math.min(CHUNK, this.run.length - this.pos);
      const bytes = this.chunkLength * RECORD_BYTES;
      if (fs.readSync(this.fd, this.buf.bytes, 0, bytes, this.pos * RECORD_BYTES) !== bytes) {
        throw new OutputError(`${this.run.path}: a co-occurrence run file was cut short while it was merged`);
      }
      this.pos += this.chunkLength;
      this.k = 0;
    }
    this.a = this.buf.ints[4 * this.k];
    this.b = this.buf.ints[4 * this.k + 1];
    this.x = this.buf.floats[2 * this.k + 1];
    this.k++;
    return true;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * Opens readers on up to `max` of `runs`, in order. Where the open-file limit stops it first, it
 * gives SPARE_FILES back and merges fewer at a time; fewer than two is an error.
 */
function openReaders(runs: RunFile[], max: number): RunReader[] {
  const readers: RunReader[] = [];
  try {
    for (const run of runs.slice(0, max)) readers.push(new RunReader(run));
    return readers;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EMFILE' || code === 'ENFILE') {
      for (let k = 0; k < SPARE_FILES && readers.length > 0; k++) readers.pop()!.close();
      if (readers.length >= 2) return readers;
    }
    for (const r of readers) r.close();
    if (code === 'EMFILE' || code === 'ENFILE') throw new OutputError(`too many open files to merge the co-occurrence runs in ${path.dirname(runs[0].path)}; raise the limit (ulimit -n)`);
    throw err;
  }
}

function before(r: RunReader, s: RunReader): boolean {
  return r.a < s.a || (r.a === s.a && r.b < s.b);
}

/** Merges the readers' sorted runs, handing each distinct pair, summed, to `emit` in order. */
function mergeReaders(readers: RunReader[], emit: (a: number, b: number, x: number) => void): void {
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
  let started = false;
  let a = 0;
  let b = 0;
  let x = 0;
  while (heap.length > 0) {
    const top = heap[0];
    if (started && top.a === a && top.b === b) x += top.x;
    else {
      if (started) emit(a, b, x);
      a = top.a;
      b = top.b;
      x = top.x;
      started = true;
    }
    if (!top.advance()) {
      const last = heap.pop()!;
      if (heap.length === 0) break;
      heap[0] = last;
    }
    siftDown(0);
  }
  if (started) emit(a, b, x);
}

/**
 * Merges sorted runs into one sorted list of distinct pairs. Intermediate runs go to `dir`; every
 * run file merged is deleted as soon as its pass is done.
 */
export function mergeRuns(runs: RunFile[], dir: string, maxFanIn = MAX_FAN_IN): Cooccurrences {
  let pending = runs;
  for (let pass = 0; ; pass++) {
    const readers = openReaders(pending, maxFanIn);
    try {
      if (readers.length === pending.length) return mergeIntoMemory(readers);
      const out = new RunWriter(path.join(dir, `merged-${pass}.bin`));
      try {
        mergeReaders(readers, (a, b, x) => out.add(a, b, x));
      } catch (err) {
        out.abandon();
        throw err;
      }
      pending = [...pending.slice(readers.length), out.close()];
    } finally {
      for (const r of readers) {
        r.close();
        fs.rmSync(r.run.path, { force: true });
      }
    }
  }
}

function mergeIntoMemory(readers: RunReader[]): Cooccurrences {
  const capacity = readers.reduce((sum, r) => sum + r.run.length, 0);
  const out: Cooccurrences = { a: new Int32Array(capacity), b: new Int32Array(capacity), x: new Float64Array(capacity) };
  let n = 0;
  mergeReaders(readers, (a, b, x) => {
    out.a[n] = a;
    out.b[n] = b;
    out.x[n] = x;
    n++;
  });
  return { a: out.a.slice(0, n), b: out.b.slice(0, n), x: out.x.slice(0, n) };
}
