/**
 * Nearest sentences or documents of an embedded folder: the query is embedded with the model and
 * pooling its manifest records, then compared by exact cosine with every row, streamed.
 */
import * as path from 'path';
import { ContextualModel, loadContextualModel, ModelDtype, ModelOptions } from './contextual/model';
import { embedDocuments, prepareModel } from './embed';
import { InputError, UsageError } from './errors';
import { Manifest, modelSha256, queryLevel, readManifest } from './store/manifest';
import { EmbeddingRow, Level } from './store/rows';
import { scanRows } from './store/scan';
import { checkOutputs } from './store/verify';

export interface IndexQueryOptions extends Omit<ModelOptions, 'model' | 'dtype'> {
  k?: number;
  /** Which rows to search: sentence rows when the folder has them, else document rows. */
  level?: Level;
  /**
   * The model, when not where the manifest says (a moved folder): a folder or hub id, or an
   * already loaded model. Either must have the files the index was made with (their sha256).
   */
  model?: string | ContextualModel;
}

export interface QueryHit {
  score: number;
  row: EmbeddingRow;
}

/** A model other than the manifest's must have the files the index was made with. */
function checkModel(manifest: Manifest, model: ContextualModel, dir: string): void {
  if (!manifest.modelSha256) throw new UsageError(`${dir} does not record its model's sha256 (made by an older ctxembed), so another model cannot be checked against it: query without --model, or embed again with --overwrite`);
  const sha256 = modelSha256(model.onnxPath);
  if (sha256 !== manifest.modelSha256) {
    throw new UsageError(`${model.id} is not the model ${dir} was made with (its files' sha256 ${sha256?.slice(0, 12) ?? 'unknown'}… differs from the ${manifest.modelSha256.slice(0, 12)}… recorded for ${manifest.model.id})`);
  }
}

/** Top-k rows by cosine similarity to `text`, best first. */
export async function queryIndex(dir: string, text: string, options: IndexQueryOptions = {}): Promise<QueryHit[]> {
  const manifest = readManifest(dir);
  if (!manifest) throw new InputError(`${dir}: no manifest.json; make the index with ctxembed embed --out ${dir}`);
  const level = queryLevel(manifest, dir, options.level);
  await checkOutputs(dir, manifest, `run the embed command again with --overwrite to rebuild the index`);
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--k must be a positive integer, got ${k}`);
  const o = manifest.options as Record<string, any>;
  const given = typeof options.model === 'object' ? options.model : null;
  // A model named here replaces the manifest's (a moved folder); the recorded hub revision goes with the recorded id only.
  const id = typeof options.model === 'string' ? options.model : manifest.model.id;
  const revision = id === manifest.model.id && !path.isAbsolute(id) ? manifest.model.revision : undefined;
  const model = given ?? (await loadContextualModel({ ...options, model: id, revision, dtype: manifest.model.dtype as ModelDtype }));
  let query: Float32Array | null = null;
  try {
    if (options.model !== undefined) checkModel(manifest, model, dir);
    const pooling = { layers: o.layers, layerAgg: o.layerAgg, sentencePooling: o.sentencePooling, normalize: o.normalize };
    await prepareModel(model, pooling);
    for await (const step of embedDocuments([{ source: 'query', text }], model, { ...pooling, maxLength: o.maxLength, stride: o.stride ?? undefined, levels: ['document'] })) {
      query = step.rows.find((r) => r.level === 'document')?.vector ?? query;
    }
  } finally {
    if (!given) await model.dispose();
  }
  const q = query!;
  let qNorm = 0;
  for (const x of q) qNorm += x * x;
  qNorm = Math.sqrt(qNorm) || 1;

  const hits: QueryHit[] = [];
  for await (const { row, vector } of scanRows(dir, manifest)) {
    if (row.level !== level) continue;
    if (vector.length !== q.length) throw new InputError(`${dir}: rows of ${vector.length} values, the query has ${q.length}`);
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
