/**
 * ANN indexes on the vectors of a lance output's sentence and document tables (cosine): IVF-PQ
 * (IVF partitions, product-quantized codes; small, fast) or IVF-HNSW-SQ (an HNSW graph per
 * partition over 8-bit scalar-quantized vectors; larger, no minimum row count). Building one
 * writes a table version, which the manifest then records. An embed run ends by indexing the
 * tables of at least AUTO_INDEX_ROWS rows that have no index, or whose index misses over a tenth
 * of their rows (LanceDB searches rows an index misses exactly, so results stay right meanwhile).
 */
import * as path from 'path';
import { InputError, UsageError } from '../errors';
import { checkPositiveIntegers } from '../options';
import { Connection, lanceMessage, lanceWriteError, openCommitted, Table, tableFolder, TableSyncer, connect } from './lance-table';
import { lockFolder } from './lock';
import { Manifest, queryLevel, readManifest, writeManifest } from './manifest';
import { Level } from './rows';
import { checkOutputs } from './verify';

export type IndexKind = 'ivf_pq' | 'ivf_hnsw_sq';
export const INDEX_KINDS: readonly IndexKind[] = ['ivf_pq', 'ivf_hnsw_sq'];

/** Tables from this many rows get an index at the end of an embed run: below it an exact search takes milliseconds. */
export const AUTO_INDEX_ROWS = 100_000;

export interface IndexOptions {
  /** The table: sentence when the folder has sentence rows, else document. */
  level?: Level;
  kind?: IndexKind;
  /** IVF partitions (default: LanceDB's, the square root of the rows). */
  partitions?: number;
}

export interface BuiltIndex {
  level: Level;
  kind: IndexKind;
  rows: number;
  seconds: number;
  /** The index's size on disk. */
  bytes: number;
}

const REMEDY = 'run the embed command again with --overwrite to rebuild it';

/** The vector index of a table, if any: its kind and how many rows it misses. */
export async function vectorIndex(table: Table): Promise<{ type: string; unindexed: number; bytes: number } | null> {
  const index = (await table.listIndices()).find((i) => i.columns.includes('vector'));
  return index ? { type: index.indexType, unindexed: Number((index as { numUnindexedRows?: number }).numUnindexedRows ?? 0), bytes: Number((index as { sizeBytes?: number }).sizeBytes ?? 0) } : null;
}

async function build(table: Table, folder: string, kind: IndexKind, partitions?: number): Promise<void> {
  const { Index } = await import('@lancedb/lancedb');
  const options = { distanceType: 'cosine' as const, numPartitions: partitions };
  try {
    await table.createIndex('vector', { config: kind === 'ivf_pq' ? Index.ivfPq(options) : Index.hnswSq(options), replace: true });
  } catch (err) {
    const message = lanceMessage(err);
    if (/not enough rows|requires \d+ rows/i.test(message)) throw new InputError(`${folder}: cannot build an ${kind} index (${message}); use --kind ivf_hnsw_sq, or query without an index (an exact search is quick at this size)`);
    throw lanceWriteError(err, folder);
  }
}

/** Builds the index of `level`'s table (the lock on `dir` held) and returns the manifest that records the table's new version. */
async function indexLevel(db: Connection, dir: string, manifest: Manifest, level: Level, kind: IndexKind, partitions?: number): Promise<{ manifest: Manifest; built: BuiltIndex }> {
  const began = Date.now();
  const state = manifest.committed.tables?.[level];
  if (!state) throw new InputError(`${dir} has no ${level} rows to index`);
  const folder = path.join(dir, tableFolder(level));
  const table = await openCommitted(db, dir, level, state, REMEDY, { latest: true });
  try {
    await build(table, folder, kind, partitions);
    const version = await table.version();
    await new TableSyncer(folder).sync();
    const next: Manifest = { ...manifest, committed: { ...manifest.committed, tables: { ...manifest.committed.tables, [level]: { version, rows: state.rows } } } };
    writeManifest(dir, next);
    const bytes = (await vectorIndex(table))?.bytes ?? 0;
    return { manifest: next, built: { level, kind, rows: state.rows, seconds: (Date.now() - began) / 1000, bytes } };
  } finally {
    table.close();
  }
}

/** A lance output folder's manifest, or a one-line error saying why `dir` is not one. */
function lanceManifest(dir: string): Manifest {
  const manifest = readManifest(dir);
  if (!manifest) throw new InputError(`${dir}: no manifest.json; make the outputs with ctxembed embed --format lance --out ${dir}`);
  if (manifest.options.format !== 'lance') throw new UsageError(`${dir} holds ${manifest.options.format} outputs; indexes are built on LanceDB tables (ctxembed convert --from ${dir} --to ${dir.replace(/\/$/, '')}-lance makes them)`);
  return manifest;
}

/** Builds (or rebuilds) the ANN index of an output folder's sentence or document table. */
export async function indexFolder(dir: string, options: IndexOptions = {}): Promise<BuiltIndex> {
  checkPositiveIntegers({ partitions: options.partitions });
  const found = lanceManifest(dir);
  const level = queryLevel(found, dir, options.level);
  const lock = lockFolder(dir);
  const db = await connect(dir);
  try {
    const manifest = lanceManifest(dir); // as of now that the folder is locked
    await checkOutputs(dir, manifest, REMEDY);
    return (await indexLevel(db, dir, manifest, level, options.kind ?? 'ivf_pq', options.partitions)).built;
  } finally {
    db.close();
    lock.release();
  }
}

/**
 * At the end of an embed run (the lock held): indexes the sentence and document tables of at least
 * `minRows` rows that have no index, or whose index misses over a tenth of their rows.
 */
export async function indexWhereDue(dir: string, manifest: Manifest, minRows = AUTO_INDEX_ROWS, onIndex?: (level: Level, rows: number) => void): Promise<{ manifest: Manifest; built: BuiltIndex[] }> {
  const built: BuiltIndex[] = [];
  const db = await connect(dir);
  try {
    for (const level of ['sentence', 'document'] as const) {
      const state = manifest.committed.tables?.[level];
      if (!state || state.rows < minRows) continue;
      const table = await openCommitted(db, dir, level, state, REMEDY);
      const index = await vectorIndex(table);
      table.close();
      if (index && index.unindexed * 10 <= state.rows) continue;
      onIndex?.(level, state.rows);
      const kind: IndexKind = index?.type === 'IvfHnswSq' ? 'ivf_hnsw_sq' : 'ivf_pq';
      const done = await indexLevel(db, dir, manifest, level, kind);
      manifest = done.manifest;
      built.push(done.built);
    }
  } finally {
    db.close();
  }
  return { manifest, built };
}
