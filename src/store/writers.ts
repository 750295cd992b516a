/**
 * Row sinks for an output folder: `embeddings.jsonl` (rows with their vectors), or
 * `vectors.npy` + `meta.jsonl` (float32 [N, D] and the rows without vectors, aligned line by line).
 */
import * as fs from 'fs';
import * as path from 'path';
import { NpyAppender } from './npy';
import { EmbeddingRow, OutputFormat, RowSink, vectorToJson } from './rows';

export const JSONL_FILE = 'embeddings.jsonl';
export const NPY_FILE = 'vectors.npy';
export const META_FILE = 'meta.jsonl';

/** Appends lines to a file, buffered until `flush`, which writes and syncs them. */
class LineAppender {
  private fd: number;
  private pending: string[] = [];

  constructor(file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  push(line: string): void {
    this.pending.push(line);
  }

  flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join('\n') + '\n');
    this.pending = [];
    fs.fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

function rowJson(row: EmbeddingRow): string {
  return JSON.stringify(row);
}

class JsonlSink implements RowSink {
  private lines: LineAppender;
  rows = 0;

  constructor(dir: string) {
    this.lines = new LineAppender(path.join(dir, JSONL_FILE));
  }

  write(row: EmbeddingRow, vector: Float32Array): void {
    const json = rowJson(row);
    this.lines.push(`${json.slice(0, -1)},"vector":${vectorToJson(vector)}}`);
    this.rows++;
  }

  flush(): void {
    this.lines.flush();
  }

  close(): void {
    this.lines.close();
  }
}

class NpySink implements RowSink {
  private meta: LineAppender;
  private vectors: NpyAppender | null = null;
  rows = 0;

  constructor(private readonly dir: string) {
    this.meta = new LineAppender(path.join(dir, META_FILE));
  }

  write(row: EmbeddingRow, vector: Float32Array): void {
    if (!this.vectors) this.vectors = new NpyAppender(path.join(this.dir, NPY_FILE), vector.length);
    this.vectors.append(vector);
    this.meta.push(rowJson(row));
    this.rows++;
  }

  /** Vectors first, then their rows' metadata: a crash in between leaves vectors without meta, never meta without vectors. */
  flush(): void {
    this.vectors?.flush();
    this.meta.flush();
  }

  close(): void {
    this.vectors?.close();
    this.meta.close();
  }
}

export function openSink(dir: string, format: OutputFormat): RowSink {
  fs.mkdirSync(dir, { recursive: true });
  return format === 'npy' ? new NpySink(dir) : new JsonlSink(dir);
}
