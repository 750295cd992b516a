/**
 * A float32 [N, D] .npy file (format 1.0) written row by row. The header has a fixed size and
 * is rewritten on every flush, so the file is readable by numpy.load at any point.
 */
import * as fs from 'fs';
import { cutBack, openKeeping, syncFd, writeAll } from '../files';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
/** Magic, length field and the padded header dict: room for any row count. */
export const NPY_HEADER_BYTES = 128;

/** The 128-byte header of a float32 [rows, dim] file. */
export function npyHeader(rows: number, dim: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const padded = dict.padEnd(NPY_HEADER_BYTES - MAGIC.length - 2 - 1, ' ') + '\n';
  const buf = Buffer.alloc(NPY_HEADER_BYTES);
  MAGIC.copy(buf, 0);
  buf.writeUInt16LE(padded.length, MAGIC.length);
  buf.write(padded, MAGIC.length + 2, 'latin1');
  return buf;
}

export interface NpyMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

export interface NpyHeader {
  rows: number;
  dim: number;
  /** Where the data starts. */
  headerBytes: number;
}

/** Parses a float32 2-D .npy header (any version); an error names what is wrong. */
function parseHeader(buf: Buffer): NpyHeader | { error: string } {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC.subarray(0, 6))) return { error: 'not a .npy file' };
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  if (buf.length < start) return { error: 'a truncated .npy header' };
  const dict = buf.toString('latin1', major === 1 ? 10 : 12, start);
  if (!dict.includes("'<f4'") || dict.includes("'fortran_order': True")) return { error: `expected float32 little-endian data in C order, header ${dict.trim()}` };
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(dict);
  if (!shape) return { error: `expected a 2-D array, header ${dict.trim()}` };
  return { rows: Number(shape[1]), dim: Number(shape[2]), headerBytes: start };
}

/** The header of a float32 2-D .npy file, read from its first bytes. */
export function readNpyHeader(file: string): NpyHeader | { error: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return parseHeader(buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)));
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a float32 2-D .npy file (any header size). */
export function readNpy(file: string): NpyMatrix {
  const buf = fs.readFileSync(file);
  const header = parseHeader(buf);
  if ('error' in header) throw new Error(`${file}: ${header.error}`);
  const { rows, dim, headerBytes } = header;
  const bytes = buf.subarray(headerBytes, headerBytes + rows * dim * 4);
  if (bytes.length !== rows * dim * 4) throw new Error(`${file}: header says ${rows} x ${dim} but the data holds ${Math.floor(bytes.length / 4 / dim)} rows`);
  const data = new Float32Array(rows * dim);
  Buffer.from(data.buffer).set(bytes);
  return { rows, dim, data };
}

/** Buffered rows are written once they reach this many bytes, so a large file's rows never pile up in memory. */
export const FLUSH_BYTES = 1 << 20;

export class NpyAppender {
  private fd: number;
  private pending: Buffer[] = [];
  private pendingRows = 0;
  private _rows: number;

  /** Opens `file` for appending rows of `dim` floats, keeping the `keepRows` rows already there (a resumed run). */
  constructor(private readonly file: string, readonly dim: number, keepRows = 0) {
    this.fd = openKeeping(file, keepRows > 0 ? NPY_HEADER_BYTES + keepRows * dim * 4 : 0);
    this._rows = keepRows;
    writeAll(this.fd, npyHeader(keepRows, dim), 0, file);
  }

  get rows(): number {
    return this._rows + this.pendingRows;
  }

  append(vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`${this.file}: a vector of ${vector.length} values in a file of ${this.dim}-dimensional rows`);
    this.pending.push(Buffer.from(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength)));
    this.pendingRows++;
    if (this.pendingRows * this.dim * 4 >= FLUSH_BYTES) this.flush();
  }

  /** Writes pending rows, then the header that counts them: the file always reads as a whole matrix. */
  flush(): void {
    if (this.pendingRows === 0) return;
    const data = Buffer.concat(this.pending);
    writeAll(this.fd, data, NPY_HEADER_BYTES + this._rows * this.dim * 4, this.file);
    this._rows += this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    writeAll(this.fd, npyHeader(this._rows, this.dim), 0, this.file);
  }

  sync(): void {
    syncFd(this.fd, this.file);
  }

  /** Drops everything after the first `rows` rows (pending ones too) and closes the file, synced. */
  rollback(rows: number): void {
    this.pending = [];
    this.pendingRows = 0;
    this._rows = rows;
    cutBack(this.fd, this.file, NPY_HEADER_BYTES + rows * this.dim * 4);
    writeAll(this.fd, npyHeader(rows, this.dim), 0, this.file);
    this.sync();
    fs.closeSync(this.fd);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
