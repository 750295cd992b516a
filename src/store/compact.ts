/**
 * Drops the rows of some files from an output folder (--sync). The rows kept are copied, in
 * order, into new files under DIR/.sync/ and synced; then the manifest that counts them is
 * written there, the mark that the new files are whole; then the files are renamed into place,
 * the manifest last. A run stopped before the mark leaves the folder as it was (the next run
 * removes .sync/); one stopped after it is finished by the next run (`finishSync`). LanceDB
 * tables are rewritten from the first dropped row on, in new versions the manifest then records.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { openKeeping, outputError, readChunks, syncFd, syncFolder, writeAll } from '../files';
import { FileEntry, Manifest, MANIFEST_FILE, readManifest, writeManifest } from './manifest';
import { NPY_HEADER_BYTES, npyHeader } from './npy';
import { connect, lanceWriteError, openCommitted, scanTables, tableFolder } from './lance-table';
import { OutputFormat, SinkState, TableState } from './rows';
import { NPY_FILE, openSink, sinkFiles } from './writers';

export const SYNC_DIR = '.sync';

/** Completes or undoes a --sync that was stopped: renames its files into place once its manifest is written, else removes them. */
export function finishSync(dir: string): void {
  const staging = path.join(dir, SYNC_DIR);
  if (!fs.existsSync(staging)) return;
  if (!fs.existsSync(path.join(staging, MANIFEST_FILE))) {
    fs.rmSync(staging, { recursive: true, force: true });
    return;
  }
  try {
    for (const name of fs.readdirSync(staging).filter((f) => f !== MANIFEST_FILE)) fs.renameSync(path.join(staging, name), path.join(dir, name));
    fs.renameSync(path.join(staging, MANIFEST_FILE), path.join(dir, MANIFEST_FILE));
    fs.rmdirSync(staging);
  } catch (err) {
    throw outputError(err, staging);
  }
  syncFolder(dir);
}

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

/** Copies the rows in `ranges` ([first, end), sorted) of `name` from `dir` into `staging`; returns the bytes written. */
function copyRows(dir: string, staging: string, name: string, committed: SinkState, ranges: [number, number][]): number {
  const from = path.join(dir, name);
  const to = path.join(staging, name);
  const out = openKeeping(to, 0);
  try {
    let at = 0;
    if (name === NPY_FILE) {
      const rowBytes = committed.dim * 4;
      const rows = ranges.reduce((n, [a, b]) => n + b - a, 0);
      writeAll(out, npyHeader(rows, committed.dim), 0, to);
      at = NPY_HEADER_BYTES;
      for (const [a, b] of ranges) at = copyRange(from, NPY_HEADER_BYTES + a * rowBytes, NPY_HEADER_BYTES + b * rowBytes, out, at, to);
    } else {
      const starts = lineStarts(from, committed.bytes[name] ?? 0, ranges.flat().sort((x, y) => x - y));
      for (const [a, b] of ranges) at = copyRange(from, starts.get(a)!, starts.get(b)!, out, at, to);
    }
    syncFd(out, to);
    return at;
  } finally {
    fs.closeSync(out);
  }
}

/** The entries of the files kept, their rows renumbered in order, with the row ranges they come from ([first, end), sorted) and how many rows they keep. */
function keptRows(manifest: Manifest, drop: Set<string>): { files: Record<string, FileEntry>; ranges: [number, number][]; rows: number } {
  const files: Record<string, FileEntry> = {};
  const ranges: [number, number][] = [];
  let next = 0;
  const kept = Object.entries(manifest.files)
    .filter(([source]) => !drop.has(source))
    .sort(([, a], [, b]) => (a.rows?.[0] ?? -1) - (b.rows?.[0] ?? -1));
  for (const [source, entry] of kept) {
    if (entry.status !== 'done' || !entry.rows) {
      files[source] = entry;
      continue;
    }
    const [a, b] = entry.rows;
    if (ranges.length > 0 && ranges[ranges.length - 1][1] === a) ranges[ranges.length - 1][1] = b;
    else ranges.push([a, b]);
    files[source] = { ...entry, rows: [next, next + b - a] };
    next += b - a;
  }
  return { files, ranges, rows: next };
}

/**
 * LanceDB tables without the rows of `drop`: each table's rows from the first dropped one on are
 * deleted and the kept ones among them appended again, renumbered, read from the committed
 * versions. Until the manifest records the new versions, a resumed run restores the old ones.
 */
async function dropTableRows(dir: string, manifest: Manifest, drop: Set<string>, files: Record<string, FileEntry>): Promise<Manifest> {
  const tables = manifest.committed.tables ?? {};
  const first = Math.min(manifest.committed.rows, ...[...drop].map((source) => manifest.files[source]?.rows?.[0] ?? Infinity));
  const remedy = 'start over with --overwrite';
  const cut: Record<string, TableState> = {};
  const db = await connect(dir);
  try {
    for (const [level, state] of Object.entries(tables)) {
      const table = await openCommitted(db, dir, level, state, remedy, { latest: true });
      try {
        await table.delete(`row >= ${first}`);
        cut[level] = { version: await table.version(), rows: await table.countRows() };
      } catch (err) {
        throw lanceWriteError(err, path.join(dir, tableFolder(level)));
      } finally {
        table.close();
      }
    }
  } finally {
    db.close();
  }
  const sink = await openSink(dir, 'lance', { rows: first, dim: manifest.committed.dim, bytes: {}, tables: cut });
  for await (const r of scanTables(dir, tables, remedy, `row >= ${first}`)) if (!drop.has(r.row.source)) await sink.write(r.row, r.vector);
  sink.endFile();
  const committed = await sink.commit();
  await sink.close();
  writeManifest(dir, { ...manifest, committed, files });
  return readManifest(dir)!;
}

/** The folder without the rows and entries of `drop`: the files' rows renumbered in order, everything synced and renamed into place. */
export async function dropRows(dir: string, manifest: Manifest, drop: Set<string>): Promise<Manifest> {
  const { files, ranges, rows } = keptRows(manifest, drop);
  if (manifest.options.format === 'lance') return dropTableRows(dir, manifest, drop, files);
  const staging = path.join(dir, SYNC_DIR);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  const bytes: Record<string, number> = {};
  for (const name of sinkFiles(manifest.options.format as OutputFormat)) {
    const written = manifest.committed.rows > 0 ? copyRows(dir, staging, name, manifest.committed, ranges) : 0;
    if (name !== NPY_FILE) bytes[name] = written;
  }
  const synced: Manifest = { ...manifest, committed: { rows, dim: manifest.committed.dim, bytes }, files };
  writeManifest(staging, synced);
  finishSync(dir);
  return readManifest(dir)!;
}
