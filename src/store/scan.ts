/** Streams the committed rows of an output folder with their vectors, in order, in bounded memory. */
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { InputError } from '../errors';
import { scanTables } from './lance-table';
import { Manifest } from './manifest';
import { NPY_HEADER_BYTES } from './npy';
import { EmbeddingRow } from './rows';
import { JSONL_FILE, META_FILE, NPY_FILE } from './writers';

export interface ScannedRow {
  row: EmbeddingRow;
  vector: Float32Array;
}

async function* lines(file: string, limitBytes: number): AsyncGenerator<string> {
  const stream = fs.createReadStream(file, { start: 0, end: Math.max(0, limitBytes - 1) });
  if (limitBytes === 0) return;
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of rl) if (line) yield line;
}

/** Every committed row of `dir` (as its manifest counts them), with its vector. */
export async function* scanRows(dir: string, manifest: Manifest): AsyncGenerator<ScannedRow> {
  const { rows, dim, bytes } = manifest.committed;
  if (manifest.options.format === 'lance') {
    yield* scanTables(dir, manifest.committed.tables ?? {}, 'run the embed command again with --overwrite');
    return;
  }
  if (manifest.options.format === 'npy') {
    const npy = path.join(dir, NPY_FILE);
    if (!fs.existsSync(npy)) throw new InputError(`${npy}: missing (the manifest counts ${rows} rows)`);
    const fd = fs.openSync(npy, 'r');
    const chunkRows = 4096;
    const buf = Buffer.alloc(chunkRows * dim * 4);
    let r = 0;
    try {
      for await (const line of lines(path.join(dir, META_FILE), bytes[META_FILE] ?? 0)) {
        if (r % chunkRows === 0) fs.readSync(fd, buf, 0, Math.min(chunkRows, rows - r) * dim * 4, NPY_HEADER_BYTES + r * dim * 4);
        const at = (r % chunkRows) * dim * 4;
        const vector = new Float32Array(dim);
        Buffer.from(vector.buffer).set(buf.subarray(at, at + dim * 4));
        yield { row: JSON.parse(line), vector };
        if (++r === rows) break;
      }
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  let r = 0;
  for await (const line of lines(path.join(dir, JSONL_FILE), bytes[JSONL_FILE] ?? 0)) {
    const { vector, ...row } = JSON.parse(line);
    yield { row, vector: Float32Array.from(vector) };
    if (++r === rows) break;
  }
}
