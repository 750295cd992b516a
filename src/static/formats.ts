/**
 * Vector file formats: word2vec text (`V D` header, then `word v1 … vD` lines), word2vec binary
 * (the same header, then `word ` + D little-endian float32 per word, as word2vec.c and gensim
 * write them) and GloVe text (no header). Files are written atomically: a temporary file in the
 * same folder, renamed over the target when complete.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { AtomicFile } from '../files';
import { KeyedVectors } from './keyed-vectors';

export const VECTOR_FORMATS = ['word2vec', 'word2vec-binary', 'glove'] as const;
export type VectorFormat = (typeof VECTOR_FORMATS)[number];

const utf8 = new TextDecoder('utf-8', { fatal: true });
const HEADER = /^\s*(\d+)\s+(\d+)\s*$/;

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new InputError(`${file}: cannot read vectors (${(e as Error).message})`);
  }
}

function parseHeader(buf: Buffer, file: string): { count: number; dim: number; start: number } {
  const nl = buf.indexOf(10);
  const m = HEADER.exec(buf.toString('utf8', 0, nl < 0 ? buf.length : nl));
  if (!m) throw new InputError(`${file}: not a word2vec file (the first line should be "<words> <dimensions>")`);
  const count = Number(m[1]);
  const dim = Number(m[2]);
  if (dim === 0) throw new InputError(`${file}: vectors of dimension 0`);
  return { count, dim, start: nl < 0 ? buf.length : nl + 1 };
}

/** A vector component: a finite decimal that fits a float32, else an InputError at `where` (file:line). */
function parseComponent(field: string, where: string): number {
  const v = Number(field);
  if (Number.isFinite(v) && field !== '' && Number.isFinite(Math.fround(v))) return v;
  if (Number.isNaN(v) && !/^[+-]?(nan|inf(inity)?)$/i.test(field)) throw new InputError(`${where}: not a number: ${JSON.stringify(field)}`);
  throw new InputError(`${where}: ${JSON.stringify(field)} is not a finite float32 value (NaN or infinite vectors would make every score wrong)`);
}

const isNumber = (field: string) => field !== '' && !Number.isNaN(Number(field));

/**
 * Rows of vectors as they are read, with gensim's rule for a word seen twice: the first vector is
 * kept, later ones dropped, and the file's duplicates reported once through `onWarning`.
 */
class VectorRows {
  readonly words: string[] = [];
  private readonly seen = new Set<string>();
  private readonly duplicates: string[] = [];
  private duplicateCount = 0;
  values: Float32Array;

  constructor(
    private readonly file: string,
    public dim: number,
    expectedRows: number,
  ) {
    this.values = new Float32Array(Math.max(expectedRows * dim, 1 << 16));
  }

  /** Room for the next row; false when `word` is a duplicate, whose row is then skipped. */
  add(word: string, where: string): boolean {
    if (this.seen.has(word)) {
      if (this.duplicates.length < 3) this.duplicates.push(`${where} ${JSON.stringify(word)}`);
      this.duplicateCount++;
      return false;
    }
    this.seen.add(word);
    this.words.push(word);
    if (this.words.length * this.dim > this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    return true;
  }

  /** The current row's offset in `values`. */
  get offset(): number {
    return (this.words.length - 1) * this.dim;
  }

  done(onWarning: ((message: string) => void) | undefined): KeyedVectors {
    if (this.words.length === 0) throw new InputError(`${this.file}: no vectors`);
    if (this.duplicateCount > 0) {
      const more = this.duplicateCount > this.duplicates.length ? ', …' : '';
      onWarning?.(`${this.file}: ${this.duplicateCount} duplicate word${this.duplicateCount > 1 ? 's' : ''} (${this.duplicates.join(', ')}${more}); the first vector of each is kept, as gensim does`);
    }
    const n = this.words.length * this.dim;
    return new KeyedVectors(this.words, this.dim, this.values.length === n ? this.values : this.values.slice(0, n));
  }
}

/**
 * Parses text lines `word v1 … vD` from `start`. The word is everything before the last D fields,
 * so it may hold spaces (as some GloVe releases' words do), but a field after the first that is a
 * number means the line has too many numbers.
 */
function parseTextLines(buf: Buffer, start: number, file: string, expected: { count: number; dim: number } | null, firstLine: number, onWarning?: (message: string) => void): KeyedVectors {
  let rows: VectorRows | undefined = expected ? new VectorRows(file, expected.dim, expected.count) : undefined;
  let lines = 0;
  let lineNo = firstLine;
  for (let pos = start; pos < buf.length; lineNo++) {
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    const line = buf.toString('utf8', pos, end).trimEnd();
    pos = end + 1;
    if (line.length === 0) continue;
    const where = `${file}:${lineNo}`;
    const parts = line.split(' ');
    rows ??= new VectorRows(file, parts.length - 1, 0);
    const dim = rows.dim;
    const first = parts.length - dim;
    if (dim === 0 || first < 1 || parts.slice(1, first).some(isNumber)) {
      const numbers = parts.length - 1 - parts.slice(1, first).filter((p) => !isNumber(p)).length;
      throw new InputError(`${where}: expected a word and ${dim} numbers, found ${dim === 0 ? 'no number' : `${numbers} numbers`}`);
    }
    if (expected && ++lines > expected.count) throw new InputError(`${where}: more vectors than the ${expected.count} the header announces`);
    const kept = rows.add(first === 1 ? parts[0] : parts.slice(0, first).join(' '), where);
    const o = rows.offset;
    for (let d = 0; d < dim; d++) {
      const v = parseComponent(parts[first + d], where);
      if (kept) rows.values[o + d] = v;
    }
  }
  if (expected && lines !== expected.count) throw new InputError(`${file}: the header announces ${expected.count} vectors, the file has ${lines}`);
  if (!rows) throw new InputError(`${file}: no vectors`);
  return rows.done(onWarning);
}

/** What loading reports without failing: duplicate words (the first vector kept). */
export interface LoadOptions {
  onWarning?: (message: string) => void;
}

export function readWord2VecText(file: string, opts: LoadOptions = {}): KeyedVectors {
  const buf = readFile(file);
  const header = parseHeader(buf, file);
  return parseTextLines(buf, header.start, file, header, 2, opts.onWarning);
}

/** GloVe's text format: no header, the dimension taken from the first line. */
export function readGloveText(file: string, opts: LoadOptions = {}): KeyedVectors {
  return parseTextLines(readFile(file), 0, file, null, 1, opts.onWarning);
}

export function readWord2VecBinary(file: string, opts: LoadOptions = {}): KeyedVectors {
  const buf = readFile(file);
  const { count, dim, start } = parseHeader(buf, file);
  const rows = new VectorRows(file, dim, count);
  const vector = new Float32Array(dim);
  // Copying bytes into the Float32Array reads little-endian floats on a little-endian host (x86, ARM).
  const bytes = new Uint8Array(vector.buffer);
  let pos = start;
  for (let i = 0; i < count; i++) {
    while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 32)) pos++; // word2vec.c writes '\n' after a vector, gensim does not
    const space = buf.indexOf(32, pos);
    if (space < 0 || space + 1 + dim * 4 > buf.length) throw new InputError(`${file}: truncated at vector ${i + 1} of ${count} (byte ${pos})`);
    let word: string;
    try {
      word = utf8.decode(buf.subarray(pos, space));
    } catch {
      throw new InputError(`${file}: word ${i + 1} at byte ${pos} is not UTF-8`);
    }
    bytes.set(buf.subarray(space + 1, space + 1 + dim * 4));
    const where = `${file}: vector ${i + 1} (byte ${pos})`;
    for (let d = 0; d < dim; d++) {
      if (!Number.isFinite(vector[d])) throw new InputError(`${where}, ${JSON.stringify(word)}: ${vector[d]} is not a finite value (NaN or infinite vectors would make every score wrong)`);
    }
    if (rows.add(word, where)) rows.values.set(vector, rows.offset);
    pos = space + 1 + dim * 4;
  }
  while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 32)) pos++;
  if (pos < buf.length) throw new InputError(`${file}: more data after the ${count} vectors the header announces (byte ${pos})`);
  return rows.done(opts.onWarning);
}

/** Detects the format: a `V D` header followed by text or binary data, or headerless GloVe text. */
export function detectFormat(file: string): VectorFormat {
  const fd = fs.openSync(file, 'r');
  const sample = Buffer.alloc(1 << 16);
  const n = fs.readSync(fd, sample, 0, sample.length, 0);
  fs.closeSync(fd);
  const head = sample.subarray(0, n);
  const nl = head.indexOf(10);
  if (!HEADER.test(head.toString('utf8', 0, nl < 0 ? n : nl))) return 'glove';
  const body = head.subarray(nl + 1);
  // float32 bytes are nearly never valid UTF-8 text without control characters
  for (const b of body) if (b < 9 || (b > 13 && b < 32)) return 'word2vec-binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
  } catch {
    return 'word2vec-binary';
  }
  return 'word2vec';
}

/**
 * Loads vectors in any of the three formats (detected, or as given). Non-finite values and lines
 * with the wrong number of fields are InputErrors naming the file and line; a duplicate word keeps
 * its first vector and is reported through `onWarning`.
 */
export function loadVectors(file: string, format?: VectorFormat, opts: LoadOptions = {}): KeyedVectors {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  switch (format ?? detectFormat(file)) {
    case 'word2vec':
      return readWord2VecText(file, opts);
    case 'word2vec-binary':
      return readWord2VecBinary(file, opts);
    case 'glove':
      return readGloveText(file, opts);
  }
}

/** The shortest decimal that reads back as the same float32. */
export function formatFloat32(x: number): string {
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}

export interface SaveOptions {
  format?: VectorFormat;
}

/** Writes `kv` to `file` atomically (default format: word2vec text); a failed write leaves no file under `file`. */
export function saveVectors(kv: KeyedVectors, file: string, opts: SaveOptions = {}): void {
  const format = opts.format ?? 'word2vec';
  const out = new AtomicFile(file);
  try {
    const { dim, vectors } = kv;
    const parts: Buffer[] = [];
    let pending = 0;
    const push = (b: Buffer) => {
      parts.push(b);
      pending += b.length;
      if (pending >= 1 << 22) flush();
    };
    const flush = () => {
      out.write(Buffer.concat(parts));
      parts.length = 0;
      pending = 0;
    };
    if (format !== 'glove') push(Buffer.from(`${kv.size} ${dim}\n`));
    for (let i = 0; i < kv.size; i++) {
      const row = vectors.subarray(i * dim, (i + 1) * dim);
      if (format === 'word2vec-binary') {
        push(Buffer.from(`${kv.words[i]} `));
        push(Buffer.from(row.buffer, row.byteOffset, row.byteLength)); // little-endian host
        push(NEWLINE);
      } else {
        const fields = new Array<string>(dim + 1);
        fields[0] = kv.words[i];
        for (let d = 0; d < dim; d++) fields[d + 1] = formatFloat32(row[d]);
        push(Buffer.from(fields.join(' ') + '\n'));
      }
    }
    flush();
  } catch (e) {
    out.abort();
    throw e;
  }
  out.commit();
}

const NEWLINE = Buffer.from('\n');
