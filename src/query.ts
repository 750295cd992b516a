/**
 * Nearest sentences or documents of an embedded folder: the query is embedded with the model and
 * pooling its manifest records, then compared with the rows of the committed outputs. LanceDB
 * tables are searched through their ANN index when they have one (exactly otherwise, or with
 * `exact`), filtered by SQL on the row fields; line and .npy outputs are scanned exactly, streamed.
 */
import * as path from 'path';
import { ContextualModel, loadContextualModel, ModelOptions } from './contextual/model';
import { embedDocuments, prepareModel } from './embed';
import { InputError, UsageError } from './errors';
import { checkPositiveIntegers } from './options';
import { checkModelFiles, modelOptionsOf, rowOptionsOf } from './folder-manifest';
import { batchRows, connect, Connection, lanceMessage, openCommitted, Table, tableFolder } from './store/lance-table';
import { Manifest, queryLevel, readManifest } from './store/manifest';
import { EmbeddingRow, Level, ROW_FIELDS } from './store/rows';
import { scanRows } from './store/scan';
import { checkOutputs } from './store/verify';

export interface SearchOptions {
  k?: number;
  /** An SQL filter on the row fields (lance outputs): `source LIKE 'news/%'`. */
  where?: string;
  /** Compare with every row even when the table has an ANN index. */
  exact?: boolean;
  /** Re-rank `refine` × k candidates of the ANN index by their exact cosine. */
  refine?: number;
  /** IVF partitions the ANN index searches (LanceDB's default: 20). */
  nprobes?: number;
}

export interface OpenIndexOptions {
  /** Which rows to search: sentence rows when the folder has them, else document rows. */
  level?: Level;
}

export interface IndexQueryOptions extends SearchOptions, OpenIndexOptions, Omit<ModelOptions, 'model' | 'dtype'> {
  /**
   * The model, when not where the manifest says (a moved folder): a folder or hub id, or an
   * already loaded model. Either must have the files the index was made with (their sha256).
   */
  model?: string | ContextualModel;
}

export interface QueryHit {
  /** Cosine similarity to the query. */
  score: number;
  /** The row with all its fields (source, level, index, text, start, end…). */
  row: EmbeddingRow;
}

/** An output folder opened for searching: checked against its manifest once, a LanceDB table kept open (its index cached) from one search to the next. */
export interface SearchIndex {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly level: Level;
  /** Throws a UsageError for options this folder cannot take (a filter LanceDB cannot parse, --where on npy). */
  check(options: SearchOptions): Promise<void>;
  /** Top-k rows by cosine similarity to `vector` (of the folder's dimension), best first, with their fields. */
  search(vector: Float32Array, options?: SearchOptions): Promise<QueryHit[]>;
  close(): void;
}

const REMEDY = 'run the embed command again with --overwrite to rebuild the index';

class FolderIndex implements SearchIndex {
  private constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    readonly level: Level,
    private readonly lance: { db: Connection; table: Table } | null,
  ) {}

  static async open(dir: string, options: OpenIndexOptions): Promise<FolderIndex> {
    const manifest = readManifest(dir);
    if (!manifest) throw new InputError(`${dir}: no manifest.json; make the index with ctxembed embed --out ${dir}`);
    const level = queryLevel(manifest, dir, options.level);
    await checkOutputs(dir, manifest, REMEDY);
    if (manifest.options.format !== 'lance' || manifest.committed.rows === 0) return new FolderIndex(dir, manifest, level, null);
    const db = await connect(dir);
    try {
      return new FolderIndex(dir, manifest, level, { db, table: await openCommitted(db, dir, level, manifest.committed.tables![level], REMEDY) });
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async check(options: SearchOptions): Promise<void> {
    checkPositiveIntegers({ k: options.k ?? 10, refine: options.refine, nprobes: options.nprobes });
    if (options.where === undefined) return;
    const format = this.manifest.options.format;
    if (format !== 'lance') throw new UsageError(`--where filters LanceDB tables; ${this.dir} holds ${format} outputs (ctxembed convert --from ${this.dir} --to ${this.dir.replace(/\/$/, '')}-lance makes them)`);
    if (!this.lance) return;
    try {
      await this.lance.table.query().where(options.where).limit(1).explainPlan();
    } catch (err) {
      throw new UsageError(`--where "${options.where}": ${lanceMessage(err)} (the fields: ${ROW_FIELDS[this.level].join(', ')})`);
    }
  }

  async search(q: Float32Array, options: SearchOptions = {}): Promise<QueryHit[]> {
    const { dim, rows } = this.manifest.committed;
    const k = options.k ?? 10;
    if (rows === 0) return [];
    if (q.length !== dim) throw new InputError(`${this.dir}: rows of ${dim} values, the query has ${q.length}`);
    if (!this.lance) {
      await this.check(options);
      return scanSearch(this.dir, this.manifest, this.level, q, k);
    }
    try {
      return await tableSearch(this.lance.table, this.level, q, k, options);
    } catch (err) {
      await this.check(options); // a bad filter says so
      throw new InputError(`${path.join(this.dir, tableFolder(this.level))}: cannot be searched (${lanceMessage(err)}); ${REMEDY}`);
    }
  }

  close(): void {
    this.lance?.table.close();
    this.lance?.db.close();
  }
}

/** Opens an output folder for searching (see SearchIndex); close it when done. */
export function openIndex(dir: string, options: OpenIndexOptions = {}): Promise<SearchIndex> {
  return FolderIndex.open(dir, options);
}

/** `text` embedded as the folder's documents were: the manifest's model, layers and pooling. */
async function embedQuery(dir: string, manifest: Manifest, text: string, options: IndexQueryOptions): Promise<Float32Array> {
  const { model: named, ...loading } = options;
  const given = typeof named === 'object' ? named : null;
  // A model named here replaces the manifest's (a moved folder).
  const model = given ?? (await loadContextualModel({ ...loading, ...modelOptionsOf(manifest, named as string | undefined) }));
  let query: Float32Array | null = null;
  try {
    if (named !== undefined) checkModelFiles(manifest, model, dir);
    const recorded = rowOptionsOf(manifest);
    await prepareModel(model, recorded);
    for await (const step of embedDocuments([{ source: 'query', text }], model, { ...recorded, levels: ['document'] })) {
      query = step.rows.find((r) => r.level === 'document')?.vector ?? query;
    }
  } finally {
    if (!given) await model.dispose();
  }
  return query!;
}

/** Every row compared by exact cosine, streamed: the top k. */
async function scanSearch(dir: string, manifest: Manifest, level: Level, q: Float32Array, k: number): Promise<QueryHit[]> {
  let qNorm = 0;
  for (const x of q) qNorm += x * x;
  qNorm = Math.sqrt(qNorm) || 1;
  const hits: QueryHit[] = [];
  for await (const { row, vector } of scanRows(dir, manifest)) {
    if (row.level !== level) continue;
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < q.length; i++) {
      dot += q[i] * vector[i];
      norm += vector[i] * vector[i];
    }
    const score = dot / (qNorm * (Math.sqrt(norm) || 1));
    if (hits.length < k || score > hits[hits.length - 1].score) {
      hits.push({ score, row });
      hits.sort((a, b) => b.score - a.score);
      if (hits.length > k) hits.pop();
    }
  }
  return hits;
}

/** The level's table searched by LanceDB (cosine distance = 1 - similarity). */
async function tableSearch(table: Table, level: Level, q: Float32Array, k: number, options: SearchOptions): Promise<QueryHit[]> {
  const search = table.vectorSearch(q).distanceType('cosine').limit(k).select([...ROW_FIELDS[level], '_distance']);
  if (options.where !== undefined) search.where(options.where);
  if (options.exact) search.bypassVectorIndex();
  if (options.refine) search.refineFactor(options.refine);
  if (options.nprobes) search.nprobes(options.nprobes);
  const hits: QueryHit[] = [];
  for (const batch of (await search.toArrow()).batches) {
    const distances = batch.getChild('_distance')!;
    let i = 0;
    for (const { row } of batchRows(batch, level)) hits.push({ score: 1 - distances.get(i++), row });
  }
  return hits;
}

/** Top-k rows by cosine similarity to `text`, best first, with their fields. */
export async function queryIndex(dir: string, text: string, options: IndexQueryOptions = {}): Promise<QueryHit[]> {
  const index = await openIndex(dir, options);
  try {
    await index.check(options); // before the model loads
    return await index.search(await embedQuery(dir, index.manifest, text, options), options);
  } finally {
    index.close();
  }
}
