/**
 * Copies committed rows from one output folder to the end of another's outputs (the same format):
 * what --sync keeps, a queued run's part merged into its output folder, a part resumed
 * elsewhere. Line and .npy files are copied byte for byte, the target's files first cut back to
 * their committed state (a copy stopped halfway leaves nothing once redone); LanceDB rows go
 * through the target's sink, in new table versions. Everything is durable before the caller
 * writes the manifest that counts it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { openKeeping, readChunks, syncFd, writeAll } from '../files';
import { scanTables } from './lance-table';
import { NPY_HEADER_BYTES, npyHeader } from './npy';
import { OutputFormat, SinkState } from './rows';
import { NPY_FILE, openSink, sinkFiles } from './writers';

/** Byte offsets in a line file where each of `rows` (sorted) starts, counting lines up to `bytes`. */
function lineStarts(file: string, bytes: number, rows: number[]): Map<number, number> {
  const starts = new Map<number, number>([[0, 0]]);
  let row = 0;
  let want = 0;
  let pos = 0;
  for (const chunk of readChunks(file, 0, bytes)) {
    for (let i = chunk.indexOf(10); i >= 0 && want < rows.length; i = chunk.indexOf(10, i + 1)) {
      row++;
      while (want < rows.length && rows[want] < row) want++;
      if (rows[want] === row) starts.set(row, pos + i + 1);
    }
    if (want === rows.length) break;
    pos += chunk.length;
  }
  return starts;
}

/** Appends `file`[from, to) to the open `out`, at `at`; returns where it ends. */
function copyRange(file: string, from: number, to: number, out: number, at: number, outFile: string): number {
  const end = at + to - from;
  for (const chunk of readChunks(file, from, to)) {
    writeAll(out, chunk, at, outFile);
    at += chunk.length;
  }
  if (at !== end) throw new InputError(`${file}: ends before byte ${to}`);
  return at;
}

/** Appends rows `ranges` of `name` in `fromDir` to `name` in `toDir`, cut back to what `to` commits first; returns its new length. */
function appendFile(name: string, fromDir: string, from: SinkState, ranges: [number, number][], toDir: string, to: SinkState): number {
  const source = path.join(fromDir, name);
  const target = path.join(toDir, name);
  const rowBytes = from.dim * 4;
  const keep = name === NPY_FILE ? (to.rows > 0 ? NPY_HEADER_BYTES + to.rows * rowBytes : 0) : to.bytes[name] ?? 0;
  const out = openKeeping(target, keep);
  try {
    let at = keep;
    if (name === NPY_FILE) {
      const rows = to.rows + ranges.reduce((n, [a, b]) => n + b - a, 0);
      at = Math.max(at, NPY_HEADER_BYTES);
      for (const [a, b] of ranges) at = copyRange(source, NPY_HEADER_BYTES + a * rowBytes, NPY_HEADER_BYTES + b * rowBytes, out, at, target);
      // The header last: numpy.load reads the old rows until the new ones are all there.
      writeAll(out, npyHeader(rows, from.dim), 0, target);
    } else {
      const whole = ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === from.rows;
      const starts = whole ? new Map([[0, 0], [from.rows, from.bytes[name] ?? 0]]) : lineStarts(source, from.bytes[name] ?? 0, ranges.flat().sort((x, y) => x - y));
      for (const [a, b] of ranges) at = copyRange(source, starts.get(a)!, starts.get(b)!, out, at, target);
    }
    syncFd(out, target);
    return at;
  } finally {
    fs.closeSync(out);
  }
}

/** The rows `ranges` of `fromDir`'s tables written in order through the sink of `toDir` (committed as `to`), then committed. */
async function appendTableRows(fromDir: string, from: SinkState, ranges: [number, number][], toDir: string, to: SinkState): Promise<SinkState> {
  const where = ranges.map(([a, b]) => `(row >= ${a} AND row < ${b})`).join(' OR ');
  const sink = await openSink(toDir, 'lance', to);
  for await (const r of scanTables(fromDir, from.tables ?? {}, 'start over with --overwrite', where)) await sink.write(r.row, r.vector);
  sink.endFile();
  const committed = await sink.commit();
  await sink.close();
  return committed;
}

/**
 * Appends the rows `ranges` ([first, end), sorted) of `fromDir`, committed as `from`, to the
 * outputs of `toDir`, committed as `to`; returns the state of `toDir`'s outputs after them, durable.
 */
export async function appendRows(format: OutputFormat, fromDir: string, from: SinkState, ranges: [number, number][], toDir: string, to: SinkState): Promise<SinkState> {
  const rows = ranges.reduce((n, [a, b]) => n + b - a, 0);
  if (rows === 0) return to;
  if (to.rows > 0 && to.dim !== from.dim) throw new InputError(`${fromDir}: rows of ${from.dim} values cannot follow the ${to.dim}-value rows of ${toDir}`);
  if (format === 'lance') return appendTableRows(fromDir, from, ranges, toDir, to);
  const bytes: Record<string, number> = {};
  for (const name of sinkFiles(format)) {
    const length = appendFile(name, fromDir, from, ranges, toDir, to);
    if (name !== NPY_FILE) bytes[name] = length;
  }
  return { rows: to.rows + rows, dim: from.dim, bytes };
}
