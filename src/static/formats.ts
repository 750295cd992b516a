/**
 * Vector file formats: word2vec text (`V D` header, then `word v1 … vD` lines), word2vec binary
 * (the same header, then `word ` + D little-endian float32 per word, as word2vec.c and gensim
 * write them) and GloVe text (no header). Files are written atomically: a temporary file in the
 * same folder, renamed over the target when complete.
 */
import * as fs from 'fs';
import * as path from 'path';
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

/** Parses text lines `word v1 … vD` from `start`; the word is everything before the last D fields. */
function parseTextLines(buf: Buffer, start: number, file: string, expected: { count: number; dim: number } | null, firstLine: number): KeyedVectors {
  const words: string[] = [];
  let dim = expected?.dim ?? 0;
  let values = new Float32Array(expected ? expected.count * dim : 1 << 16);
  let lineNo = firstLine;
  for (let pos = start; pos < buf.length; lineNo++) {
    let end = buf.indexOf(10, pos);
    if (end < 0) end = buf.length;
    const line = buf.toString('utf8', pos, end).trimEnd();
    pos = end + 1;
    if (line.length === 0) continue;
    const parts = line.split(' ');
    if (dim === 0) dim = parts.length - 1;
    if (parts.length < dim + 1 || dim === 0) throw new InputError(`${file}:${lineNo}: expected a word and ${dim} numbers, found ${parts.length} fields`);
    const row = words.length;
    if (expected && row >= expected.count) throw new InputError(`${file}:${lineNo}: more vectors than the ${expected.count} the header announces`);
    if ((row + 1) * dim > values.length) {
      const grown = new Float32Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    const first = parts.length - dim;
    for (let d = 0; d < dim; d++) {
      const v = Number(parts[first + d]);
      if (Number.isNaN(v) && parts[first + d] !== 'nan') throw new InputError(`${file}:${lineNo}: not a number: ${JSON.stringify(parts[first + d])}`);
      values[row * dim + d] = v;
    }
    words.push(first === 1 ? parts[0] : parts.slice(0, first).join(' '));
  }
  if (expected && words.length !== expected.count) throw new InputError(`${file}: the header announces ${expected.count} vectors, the file has ${words.length}`);
  if (words.length === 0) throw new InputError(`${file}: no vectors`);
  return new KeyedVectors(words, dim, values.length === words.length * dim ? values : values.slice(0, words.length * dim));
}

export function readWord2VecText(file: string): KeyedVectors {
  const buf = readFile(file);
  const header = parseHeader(buf, file);
  return parseTextLines(buf, header.start, file, header, 2);
}

/** GloVe's text format: no header, the dimension taken from the first line. */
export function readGloveText(file: string): KeyedVectors {
  return parseTextLines(readFile(file), 0, file, null, 1);
}

export function readWord2VecBinary(file: string): KeyedVectors {
  const buf = readFile(file);
  const { count, dim, start } = parseHeader(buf, file);
  const words: string[] = new Array(count);
  const vectors = new Float32Array(count * dim);
  // Copying bytes into the Float32Array reads little-endian floats on a little-endian host (x86, ARM).
  const bytes = new Uint8Array(vectors.buffer);
  let pos = start;
  for (let i = 0; i < count; i++) {
    while (pos < buf.length && (buf[pos] === 10 || buf[pos] === 32)) pos++; // word2vec.c writes '\n' after a vector, gensim does not
    const space = buf.indexOf(32, pos);
    if (space < 0 || space + 1 + dim * 4 > buf.length) throw new InputError(`${file}: truncated at vector ${i + 1} of ${count} (byte ${pos})`);
    try {
      words[i] = utf8.decode(buf.subarray(pos, space));
    } catch {
      throw new InputError(`${file}: word ${i + 1} at byte ${pos} is not UTF-8`);
    }
    bytes.set(buf.subarray(space + 1, space + 1 + dim * 4), i * dim * 4);
    pos = space + 1 + dim * 4;
  }
  return new KeyedVectors(words, dim, vectors);
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

/** Loads vectors in any of the three formats (detected, or as given). */
export function loadVectors(file: string, format?: VectorFormat): KeyedVectors {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  switch (format ?? detectFormat(file)) {
    case 'word2vec':
      return readWord2VecText(file);
    case 'word2vec-binary':
      return readWord2VecBinary(file);
    case 'glove':
      return readGloveText(file);
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
