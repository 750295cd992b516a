/**
 * Row sinks for an output folder: `embeddings.jsonl` (rows with their vectors),
 * `vectors.npy` + `meta.jsonl` (float32 [N, D] and the rows without vectors, aligned line by line),
 * or LanceDB tables (lance-sink.ts).
 * A sink opened on a committed state cuts its files back to it, dropping what a killed run left
 * half-written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cutBack, openKeeping, syncFd, writeAll } from '../files';
import { FLUSH_BYTES, NpyAppender } from './npy';
import { LanceSink } from './lance-sink';
import { lanceFolders } from './lance-table';
import { MANIFEST_FILE } from './manifest';
import { EmbeddingRow, OutputFormat, OUTPUT_FORMATS, RowSink, SinkState, vectorToJson } from './rows';

export const JSONL_FILE = 'embeddings.jsonl';
export const NPY_FILE = 'vectors.npy';
export const META_FILE = 'meta.jsonl';
/** Where a queued run keeps its plan and its parts, inside the output folder (src/queue/). */
export const QUEUE_DIR = '.queue';

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

/** A sink of line files (and a .npy file): writes go straight to the files, a commit syncs them. */
abstract class FileSink implements RowSink {
  rows: number;
  dim: number;
  /** The state at the last file's end: what a commit makes durable. */
  private marked: SinkState;

  constructor(from: SinkState) {
    this.rows = from.rows;
    this.dim = from.dim;
    this.marked = from;
  }

  abstract write(row: EmbeddingRow, vector: Float32Array): Promise<void>;
  /** Writes what is buffered; says how far the files reach. */
  protected abstract flush(): SinkState;
  protected abstract sync(): void;
  abstract rollback(to: SinkState): Promise<void>;
  abstract close(): Promise<void>;

  endFile(): void {
    this.marked = this.flush();
  }

  async commit(): Promise<SinkState> {
    this.sync();
    return this.marked;
  }
}

class JsonlSink extends FileSink {
  private lines: LineAppender;

  constructor(dir: string, from: SinkState) {
    super(from);
    this.lines = new LineAppender(path.join(dir, JSONL_FILE), from.bytes[JSONL_FILE] ?? 0);
  }

  async write(row: EmbeddingRow, vector: Float32Array): Promise<void> {
    const json = JSON.stringify(row);
    this.lines.push(`${json.slice(0, -1)},"vector":${vectorToJson(vector)}}`);
    this.rows++;
    this.dim ||= vector.length;
  }

  protected flush(): SinkState {
    this.lines.flush();
    return { rows: this.rows, dim: this.dim, bytes: { [JSONL_FILE]: this.lines.bytes } };
  }

  protected sync(): void {
    this.lines.sync();
  }

  async rollback(to: SinkState): Promise<void> {
    this.lines.rollback(to.bytes[JSONL_FILE] ?? 0);
  }

  async close(): Promise<void> {
    this.lines.close();
  }
}

class NpySink extends FileSink {
  private meta: LineAppender;
  private vectors: NpyAppender | null = null;

  constructor(private readonly dir: string, from: SinkState) {
    super(from);
    this.meta = new LineAppender(path.join(dir, META_FILE), from.bytes[META_FILE] ?? 0);
    if (from.rows > 0) this.vectors = new NpyAppender(path.join(dir, NPY_FILE), from.dim, from.rows);
  }

  async write(row: EmbeddingRow, vector: Float32Array): Promise<void> {
    if (!this.vectors) {
      this.dim = vector.length;
      this.vectors = new NpyAppender(path.join(this.dir, NPY_FILE), vector.length);
    }
    this.vectors.append(vector);
    this.meta.push(JSON.stringify(row));
    this.rows++;
  }

  protected flush(): SinkState {
    this.vectors?.flush();
    this.meta.flush();
    return { rows: this.rows, dim: this.dim, bytes: { [META_FILE]: this.meta.bytes } };
  }

  protected sync(): void {
    this.vectors?.sync();
    this.meta.sync();
  }

  async rollback(to: SinkState): Promise<void> {
    this.vectors?.rollback(to.rows);
    this.meta.rollback(to.bytes[META_FILE] ?? 0);
  }

  async close(): Promise<void> {
    this.vectors?.close();
    this.meta.close();
  }
}

export const EMPTY_SINK: SinkState = { rows: 0, dim: 0, bytes: {} };

/** Opens the sink of `format` in `dir`, continuing from `from` (a committed state) or from nothing. */
export async function openSink(dir: string, format: OutputFormat, from: SinkState = EMPTY_SINK): Promise<RowSink> {
  fs.mkdirSync(dir, { recursive: true });
  if (format === 'lance') return LanceSink.open(dir, from);
  return format === 'npy' ? new NpySink(dir, from) : new JsonlSink(dir, from);
}

/** The files a format writes (lance writes folders: `lanceFolders`). */
export function sinkFiles(format: OutputFormat): string[] {
  if (format === 'lance') return [];
  return format === 'npy' ? [NPY_FILE, META_FILE] : [JSONL_FILE];
}

/** Removes the manifest, every output any format writes and a queued run's plan and parts from `dir`: a fresh start. */
export function clearOutputs(dir: string): void {
  for (const f of [MANIFEST_FILE, ...OUTPUT_FORMATS.flatMap(sinkFiles), ...lanceFolders(), QUEUE_DIR]) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
}
