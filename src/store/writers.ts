/**
 * Row sinks for an output folder: `embeddings.jsonl` (rows with their vectors), or
 * `vectors.npy` + `meta.jsonl` (float32 [N, D] and the rows without vectors, aligned line by line).
 * A sink opened on a committed state cuts its files back to it, dropping what a killed run left
 * half-written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cutBack, openKeeping, syncFd, writeAll } from '../files';
import { FLUSH_BYTES, NpyAppender } from './npy';
import { EmbeddingRow, OutputFormat, RowSink, SinkState, vectorToJson } from './rows';

export const JSONL_FILE = 'embeddings.jsonl';
export const NPY_FILE = 'vectors.npy';
export const META_FILE = 'meta.jsonl';

/** Appends lines to a file, buffered until `flush` (or FLUSH_BYTES of them) writes them; `sync` makes them durable. */
class LineAppender {
  private fd: number;
  private pending: string[] = [];
  private pendingChars = 0;
  bytes: number;

  constructor(private readonly file: string, keepBytes: number) {
    this.fd = openKeeping(file, keepBytes);
    this.bytes = keepBytes;
  }

  push(line: string): void {
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (this.pendingChars >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join('\n') + '\n', 'utf8');
    writeAll(this.fd, data, this.bytes, this.file);
    this.pending = [];
    this.pendingChars = 0;
    this.bytes += data.length;
  }

  sync(): void {
    syncFd(this.fd, this.file);
  }

  /** Drops everything after the first `bytes` bytes (pending lines too) and closes the file, synced. */
  rollback(bytes: number): void {
    this.pending = [];
    this.pendingChars = 0;
    this.bytes = bytes;
    cutBack(this.fd, this.file, bytes);
    this.sync();
    fs.closeSync(this.fd);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

class JsonlSink implements RowSink {
  private lines: LineAppender;
  rows: number;
  dim: number;

  constructor(dir: string, from: SinkState) {
    this.lines = new LineAppender(path.join(dir, JSONL_FILE), from.bytes[JSONL_FILE] ?? 0);
    this.rows = from.rows;
    this.dim = from.dim;
  }

  write(row: EmbeddingRow, vector: Float32Array): void {
    const json = JSON.stringify(row);
    this.lines.push(`${json.slice(0, -1)},"vector":${vectorToJson(vector)}}`);
    this.rows++;
    this.dim ||= vector.length;
  }

  flush(): SinkState {
    this.lines.flush();
    return { rows: this.rows, dim: this.dim, bytes: { [JSONL_FILE]: this.lines.bytes } };
  }

  sync(): void {
    this.lines.sync();
  }

  rollback(to: SinkState): void {
    this.lines.rollback(to.bytes[JSONL_FILE] ?? 0);
  }

  close(): void {
    this.lines.close();
  }
}

class NpySink implements RowSink {
  private meta: LineAppender;
  private vectors: NpyAppender | null = null;
  rows: number;
  dim: number;

  constructor(private readonly dir: string, from: SinkState) {
    this.meta = new LineAppender(path.join(dir, META_FILE), from.bytes[META_FILE] ?? 0);
    this.rows = from.rows;
    this.dim = from.dim;
    if (from.rows > 0) this.vectors = new NpyAppender(path.join(dir, NPY_FILE), from.dim, from.rows);
  }

  write(row: EmbeddingRow, vector: Float32Array): void {
    if (!this.vectors) {
      this.dim = vector.length;
      this.vectors = new NpyAppender(path.join(this.dir, NPY_FILE), vector.length);
    }
    this.vectors.append(vector);
    this.meta.push(JSON.stringify(row));
    this.rows++;
  }

  flush(): SinkState {
    this.vectors?.flush();
    this.meta.flush();
    return { rows: this.rows, dim: this.dim, bytes: { [META_FILE]: this.meta.bytes } };
  }

  sync(): void {
    this.vectors?.sync();
    this.meta.sync();
  }

  rollback(to: SinkState): void {
    this.vectors?.rollback(to.rows);
    this.meta.rollback(to.bytes[META_FILE] ?? 0);
  }

  close(): void {
    this.vectors?.close();
    this.meta.close();
  }
}

export const EMPTY_SINK: SinkState = { rows: 0, dim: 0, bytes: {} };

/** Opens the sink of `format` in `dir`, continuing from `from` (a committed state) or from nothing. */
export function openSink(dir: string, format: OutputFormat, from: SinkState = EMPTY_SINK): RowSink {
  fs.mkdirSync(dir, { recursive: true });
  return format === 'npy' ? new NpySink(dir, from) : new JsonlSink(dir, from);
}

/** The files a format writes. */
export function sinkFiles(format: OutputFormat): string[] {
  return format === 'npy' ? [NPY_FILE, META_FILE] : [JSONL_FILE];
}
