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
import { outputError, syncFolder } from '../files';
import { appendRows } from './append';
import { connect, lanceWriteError, openCommitted, tableFolder } from './lance-table';
import { FileEntry, Manifest, MANIFEST_FILE, writeManifest } from './manifest';
import { OutputFormat, TableState } from './rows';
import { EMPTY_SINK } from './writers';

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
async function dropTableRows(dir: string, manifest: Manifest, drop: Set<string>, files: Record<string, FileEntry>, ranges: [number, number][]): Promise<Manifest> {
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
  // The kept rows from `first` on, again.
  const again = ranges.map(([a, b]): [number, number] => [Math.max(a, first), b]).filter(([a, b]) => a < b);
  const committed = await appendRows('lance', dir, manifest.committed, again, dir, { rows: first, dim: manifest.committed.dim, bytes: {}, tables: cut });
  const next: Manifest = { ...manifest, committed, files };
  writeManifest(dir, next);
  return next;
}

/** The folder without the rows and entries of `drop`: the files' rows renumbered in order, everything synced and renamed into place. */
export async function dropRows(dir: string, manifest: Manifest, drop: Set<string>): Promise<Manifest> {
  const { files, ranges, rows } = keptRows(manifest, drop);
  if (manifest.options.format === 'lance') return dropTableRows(dir, manifest, drop, files, ranges);
  const staging = path.join(dir, SYNC_DIR);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  const kept = await appendRows(manifest.options.format as OutputFormat, dir, manifest.committed, ranges, staging, EMPTY_SINK);
  const synced: Manifest = { ...manifest, committed: { ...kept, rows, dim: manifest.committed.dim }, files };
  writeManifest(staging, synced);
  finishSync(dir);
  return synced;
}
