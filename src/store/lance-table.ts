/**
 * LanceDB tables of an output folder: one per level, `DIR/<level>.lance`, with the level's row
 * fields, `row` (the row's place in the folder job's order, which the manifest's file ranges
 * count) and `vector` (a fixed-size list of float32). A table's committed version is the one the
 * manifest records; versions written after it (a killed run's) are dropped by restoring it.
 * LanceDB is loaded on first use, so the other formats never pay for it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as arrow from 'apache-arrow';
import type { Connection, Table } from '@lancedb/lancedb';
import { InputError, OutputError } from '../errors';
import { describeFsError, outputError } from '../files';
import { EmbeddingRow, Level, LEVELS, ROW_FIELDS, TableState } from './rows';

export type { Connection, Table };

/** The folder of a level's table inside the output folder. */
export function tableFolder(level: string): string {
  return `${level}.lance`;
}

/** The tables, and the catalog LanceDB keeps beside them (`__manifest`, made on connecting). */
export function lanceFolders(): string[] {
  return [...LEVELS.map(tableFolder), '__manifest'];
}

export async function connect(dir: string): Promise<Connection> {
  // LanceDB logs warnings to stderr (one per connection to a read-only folder); ctxembed reports failures itself.
  process.env.LANCEDB_LOG ??= 'error';
  const lancedb = await import('@lancedb/lancedb');
  return lancedb.connect(path.resolve(dir));
}

/** LanceDB's message in one line, without its source locations and repeated causes. */
export function lanceMessage(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  return message
    .replace(/^[^,]*: GenericFailure, /, '')
    .replace(/^lance error: /, '')
    .replace(/^Invalid user input: /, '')
    .split(/, \/\S+\.rs:\d+|\s+Caused by:/)[0]
    .replace(/\s+/g, ' ')
    .trim();
}

/** A failed write to a table as an OutputError (a full disk named as such). */
export function lanceWriteError(err: unknown, folder: string): OutputError {
  if (err instanceof OutputError) return err;
  const message = lanceMessage(err);
  if (/no space left|os error 28|quota exceeded|os error 122/i.test(message)) return new OutputError(describeFsError({ code: 'ENOSPC' }, folder));
  if (/read-only file system|os error 30/i.test(message)) return new OutputError(describeFsError({ code: 'EROFS' }, folder));
  if (/permission denied|os error 13/i.test(message)) return new OutputError(describeFsError({ code: 'EACCES' }, folder));
  return new OutputError(`cannot write ${folder} (${message})`);
}

const INT_FIELDS = new Set(['index', 'start', 'end', 'word', 'tokens']);

export function tableSchema(level: Level, dim: number): arrow.Schema {
  const fields = ROW_FIELDS[level].map((f) => new arrow.Field(f, INT_FIELDS.has(f) ? new arrow.Int32() : new arrow.Utf8(), false));
  return new arrow.Schema([
    new arrow.Field('row', new arrow.Int64(), false),
    ...fields,
    new arrow.Field('vector', new arrow.FixedSizeList(dim, new arrow.Field('item', new arrow.Float32(), true)), false),
  ]);
}

function utf8Data(values: string[]): arrow.Data {
  let bytes = 0;
  for (const v of values) bytes += Buffer.byteLength(v);
  const data = Buffer.allocUnsafe(bytes);
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i++) offsets[i + 1] = offsets[i] + data.write(values[i], offsets[i]);
  return arrow.makeData({ type: new arrow.Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: new Uint8Array(data.buffer, data.byteOffset, bytes) });
}

/** Rows of one level waiting to be added to its table, column by column. */
export class RowBatch {
  private numbers: number[] = [];
  private columns: Record<string, (string | number)[]> = {};
  private vectors: Float32Array;

  constructor(readonly level: Level, readonly dim: number) {
    for (const f of ROW_FIELDS[level]) this.columns[f] = [];
    this.vectors = new Float32Array(dim * 1024);
  }

  get length(): number {
    return this.numbers.length;
  }

  get bytes(): number {
    return this.numbers.length * this.dim * 4;
  }

  push(number: number, row: EmbeddingRow, vector: Float32Array): void {
    const at = this.numbers.length * this.dim;
    if (at + this.dim > this.vectors.length) {
      const grown = new Float32Array(this.vectors.length * 2);
      grown.set(this.vectors);
      this.vectors = grown;
    }
    this.vectors.set(vector, at);
    this.numbers.push(number);
    for (const f of ROW_FIELDS[this.level]) this.columns[f].push(row[f] as string | number);
  }

  /** The first `n` rows as an Arrow table, removed from the batch. */
  take(n: number): arrow.Table {
    const schema = tableSchema(this.level, this.dim);
    const children = schema.fields.map((field) => {
      if (field.name === 'row') return arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: BigInt64Array.from(this.numbers.slice(0, n), BigInt) });
      if (field.name === 'vector') {
        const values = arrow.makeData({ type: new arrow.Float32(), length: n * this.dim, nullCount: 0, data: this.vectors.slice(0, n * this.dim) });
        return arrow.makeData({ type: field.type, length: n, nullCount: 0, child: values });
      }
      const column = this.columns[field.name].slice(0, n);
      return field.type instanceof arrow.Utf8 ? utf8Data(column as string[]) : arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: Int32Array.from(column as number[]) });
    });
    this.numbers.splice(0, n);
    for (const f of ROW_FIELDS[this.level]) this.columns[f].splice(0, n);
    this.vectors.copyWithin(0, n * this.dim, (this.numbers.length + n) * this.dim);
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: n, nullCount: 0, children });
    return new arrow.Table(schema, [new arrow.RecordBatch(schema, struct)]);
  }
}

/** What is wrong with a level's table at its committed version, or null. */
async function tableProblem(table: Table, state: TableState): Promise<string | null> {
  const latest = await table.version();
  if (latest < state.version) return `its latest version is ${latest}, older than the version ${state.version} committed`;
  try {
    await table.checkout(state.version);
  } catch {
    return `its version ${state.version} is gone`;
  }
  const rows = await table.countRows();
  return rows === state.rows ? null : `version ${state.version} holds ${rows} rows, not the ${state.rows} committed`;
}

/**
 * Opens a level's table at its committed version, or throws an InputError naming the folder and
 * what is wrong (missing, unreadable, not the committed rows). With `latest`, versions past the
 * committed one are dropped (the committed one restored as the newest), so that writes continue it.
 */
export async function openCommitted(db: Connection, dir: string, level: string, state: TableState, remedy: string, opts: { latest?: boolean } = {}): Promise<Table> {
  const folder = path.join(dir, tableFolder(level));
  const refuse = (why: string) => new InputError(`${folder}: ${why}, so the folder no longer matches its manifest; ${remedy}`);
  if (!fs.existsSync(folder)) throw refuse('missing');
  let table: Table;
  let why: string | null;
  try {
    table = await db.openTable(level);
    why = await tableProblem(table, state);
  } catch (err) {
    throw refuse(`cannot be read (${lanceMessage(err)})`);
  }
  if (why) throw refuse(why);
  if (opts.latest) {
    try {
      if ((await table.listVersions()).some((v) => v.version > state.version)) await table.restore();
      else await table.checkoutLatest();
    } catch (err) {
      throw lanceWriteError(err, folder);
    }
  }
  return table;
}

/** fsync of a file or folder by name, as an OutputError naming `what` when it fails. */
async function syncPath(file: string, what: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    await handle.sync();
  } catch (err) {
    throw outputError(err, what);
  } finally {
    await handle.close();
  }
}

/**
 * Makes the files LanceDB wrote under `folder` since the last call durable, and their folders'
 * entries (LanceDB does not sync them itself). The fsyncs run side by side: a file system
 * commits concurrent ones together.
 */
export class TableSyncer {
  private known = new Set<string>();

  constructor(private readonly folder: string) {}

  async sync(): Promise<void> {
    const added: string[] = [];
    for (const entry of fs.readdirSync(this.folder, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
      if (entry.isFile() && !this.known.has(file)) added.push(file);
    }
    await Promise.all(added.map((f) => syncPath(f, this.folder)));
    // As syncFolder: some file systems refuse fsync on a folder.
    await Promise.all([...new Set(added.map((f) => path.dirname(f)))].map((d) => syncPath(d, this.folder).catch(() => undefined)));
    for (const f of added) this.known.add(f);
  }
}

export interface TableRow {
  /** The row's place in the folder's order. */
  number: number;
  row: EmbeddingRow;
  vector: Float32Array;
}

/** The rows of an Arrow record batch of a level's table (its fields in their order, then the vector when selected). */
export function* batchRows(batch: arrow.RecordBatch, level: Level): Generator<TableRow> {
  const fields = ROW_FIELDS[level].map((f) => [f, batch.getChild(f)!] as const);
  const numbers = batch.getChild('row');
  const vectors = batch.getChild('vector');
  const values = vectors ? (vectors.data[0].children[0].values as Float32Array) : null;
  const dim = vectors ? (vectors.type as arrow.FixedSizeList).listSize : 0;
  // Where row 0's values start: the child's own offset plus the list's, in values.
  const base = vectors ? vectors.data[0].children[0].offset + vectors.data[0].offset * dim : 0;
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const [f, column] of fields) row[f] = column.get(i);
    yield {
      number: numbers ? Number(numbers.get(i)) : -1,
      row: row as unknown as EmbeddingRow,
      vector: values ? values.slice(base + i * dim, base + (i + 1) * dim) : new Float32Array(0),
    };
  }
}

/** A table's rows in order (`where` filtering them), checked to come as they were written. */
async function* tableRows(table: Table, level: Level, folder: string, where?: string): AsyncGenerator<TableRow> {
  const query = table.query();
  if (where) query.where(where);
  let last = -1;
  try {
    for await (const batch of query) {
      for (const r of batchRows(batch, level)) {
        if (r.number <= last) throw new InputError(`${folder}: row ${r.number} comes after row ${last}; the table is not in the order ctxembed writes`);
        last = r.number;
        yield r;
      }
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${folder}: cannot be read (${lanceMessage(err)})`);
  }
}

/**
 * The committed rows of the tables `tables` records, in the folder's order (each table's rows
 * merged by their `row`); `where` filters them (`row >= 1000`).
 */
export async function* scanTables(dir: string, tables: Record<string, TableState>, remedy: string, where?: string): AsyncGenerator<TableRow> {
  const db = await connect(dir);
  const opened: Table[] = [];
  try {
    const streams: { rows: AsyncGenerator<TableRow>; head: TableRow | null }[] = [];
    for (const [level, state] of Object.entries(tables)) {
      const table = await openCommitted(db, dir, level, state, remedy);
      opened.push(table);
      const rows = tableRows(table, level as Level, path.join(dir, tableFolder(level)), where);
      streams.push({ rows, head: (await rows.next()).value ?? null });
    }
    for (;;) {
      let next: (typeof streams)[number] | null = null;
      for (const s of streams) if (s.head && (!next || s.head.number < next.head!.number)) next = s;
      if (!next) return;
      yield next.head!;
      next.head = (await next.rows.next()).value ?? null;
    }
  } finally {
    for (const t of opened) t.close();
    db.close();
  }
}
