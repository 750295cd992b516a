/**
 * Rows into LanceDB tables, one per level, in batches. A commit adds the rows of the files
 * completed since the last one as one batch per table (a version of its own, which the manifest
 * records) and syncs the files LanceDB wrote; a large file's rows go out in batches as they fill,
 * split where a file ends so that every commit has its version. Opened on a committed state, a
 * table drops the versions written after it; a table the state does not know is removed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FLUSH_BYTES } from './npy';
import { connect, Connection, lanceWriteError, openCommitted, RowBatch, Table, tableFolder, TableSyncer } from './lance-table';
import { EmbeddingRow, Level, LEVELS, RowSink, SinkState, TableState } from './rows';

/** Rows are added once this many bytes of vectors wait: few, large fragments. */
const BATCH_BYTES = 16 * FLUSH_BYTES;

const REMEDY = 'start over with --overwrite';

interface LevelTable {
  level: Level;
  folder: string;
  table: Table | null;
  /** What the table holds. */
  state: TableState | null;
  pending: RowBatch | null;
  /** Pending rows that end the last complete file, or null once those are in the table (`marked` is then its state). */
  toMark: number | null;
  marked: TableState | null;
  syncer: TableSyncer;
}

export class LanceSink implements RowSink {
  private tables = new Map<Level, LevelTable>();
  private markedRows: number;
  rows: number;
  dim: number;

  private constructor(private readonly db: Connection, private readonly dir: string, from: SinkState) {
    this.rows = from.rows;
    this.markedRows = from.rows;
    this.dim = from.dim;
  }

  /** Opens the tables of `dir` at the committed `from`, dropping later versions and unknown tables. */
  static async open(dir: string, from: SinkState): Promise<LanceSink> {
    const db = await connect(dir);
    const sink = new LanceSink(db, dir, from);
    for (const level of LEVELS) {
      const folder = path.join(dir, tableFolder(level));
      const state = from.tables?.[level] ?? null;
      const table = state ? await openCommitted(db, dir, level, state, REMEDY, { latest: true }) : null;
      if (!state) fs.rmSync(folder, { recursive: true, force: true });
      sink.tables.set(level, { level, folder, table, state, pending: null, toMark: null, marked: state, syncer: new TableSyncer(folder) });
    }
    return sink;
  }

  async write(row: EmbeddingRow, vector: Float32Array): Promise<void> {
    this.dim ||= vector.length;
    if (vector.length !== this.dim) throw new Error(`${this.dir}: a vector of ${vector.length} values among ${this.dim}-dimensional rows`);
    const t = this.tables.get(row.level)!;
    t.pending ??= new RowBatch(row.level, this.dim);
    t.pending.push(this.rows++, row, vector);
    let waiting = 0;
    for (const x of this.tables.values()) waiting += x.pending?.bytes ?? 0;
    if (waiting >= BATCH_BYTES) for (const x of this.tables.values()) await this.drain(x, true);
  }

  endFile(): void {
    this.markedRows = this.rows;
    for (const t of this.tables.values()) {
      if (t.pending && t.pending.length > 0) t.toMark = t.pending.length;
      else {
        t.toMark = null;
        t.marked = t.state;
      }
    }
  }

  /** Adds the first `n` pending rows of `t` to its table (creating it with the first). */
  private async add(t: LevelTable, n: number): Promise<void> {
    if (n === 0) return;
    const data = t.pending!.take(n);
    try {
      if (t.table) t.state = { version: (await t.table.add(data)).version, rows: t.state!.rows + n };
      else {
        t.table = await this.db.createTable(t.level, data);
        t.state = { version: await t.table.version(), rows: n };
      }
    } catch (err) {
      throw lanceWriteError(err, t.folder);
    }
  }

  /** Adds the rows up to the mark as a version of their own, then (with `all`) the rest. */
  private async drain(t: LevelTable, all: boolean): Promise<void> {
    if (t.toMark !== null) {
      await this.add(t, t.toMark);
      t.marked = t.state;
      t.toMark = null;
    }
    if (all && t.pending) await this.add(t, t.pending.length);
  }

  async commit(): Promise<SinkState> {
    const tables: Record<string, TableState> = {};
    for (const t of this.tables.values()) {
      await this.drain(t, false);
      if (t.marked) tables[t.level] = t.marked;
    }
    await Promise.all([...this.tables.values()].filter((t) => t.table).map((t) => t.syncer.sync()));
    return { rows: this.markedRows, dim: this.dim, bytes: {}, tables };
  }

  async rollback(to: SinkState): Promise<void> {
    try {
      for (const t of this.tables.values()) {
        t.pending = null;
        const state = to.tables?.[t.level];
        if (!t.table || t.state?.version === state?.version) continue;
        if (state) {
          await t.table.checkout(state.version);
          await t.table.restore();
        } else await this.db.dropTable(t.level);
      }
    } finally {
      this.closeTables();
    }
  }

  /** Rows past the last commit are not written: they belong to a file a resumed run does again. */
  async close(): Promise<void> {
    this.closeTables();
  }

  private closeTables(): void {
    for (const t of this.tables.values()) t.table?.close();
    this.db.close();
  }
}
