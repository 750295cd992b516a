/**
 * Nearest sentences or documents of an embedded folder: the query is embedded with the model and
 * pooling its manifest records, then compared by exact cosine with every row, streamed.
 */
import * as path from 'path';
import { ContextualModel, loadContextualModel, ModelDtype, ModelOptions } from './contextual/model';
import { embedDocuments, prepareModel } from './embed';
import { InputError, UsageError } from './errors';
import { Manifest, readManifest } from './store/manifest';
import { EmbeddingRow, Level } from './store/rows';
import { scanRows } from './store/scan';
import { checkOutputs } from './store/verify';

export interface IndexQueryOptions extends Omit<ModelOptions, 'model' | 'dtype'> {
  k?: number;
  /** Which rows to search: sentence rows when the folder has them, else document rows. */
  level?: Level;
  /** An already loaded model (must be the one the manifest names). */
  model?: ContextualModel;
}

export interface QueryHit {
  score: number;
  row: EmbeddingRow;
}

function searchLevel(manifest: Manifest, dir: string, asked?: Level): Level {
  const levels = manifest.options.levels as Level[];
  const level = asked ?? (levels.includes('sentence') ? 'sentence' : levels.includes('document') ? 'document' : undefined);
  if (!level || !levels.includes(level)) {
    throw new UsageError(`${dir} holds ${levels.join(', ')} rows; query searches sentence or document rows (embed with --level sentence or --level document)`);
  }
  return level;
}

/** Top-k rows by cosine similarity to `text`, best first. */
export async function queryIndex(dir: string, text: string, options: IndexQueryOptions = {}): Promise<QueryHit[]> {
  const manifest = readManifest(dir);
  if (!manifest) throw new InputError(`${dir}: no manifest.json; make the index with ctxembed embed --out ${dir}`);
  const level = searchLevel(manifest, dir, options.level);
  checkOutputs(dir, manifest, `run the embed command again with --overwrite to rebuild the index`);
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--k must be a positive integer, got ${k}`);
  const o = manifest.options as Record<string, any>;
  const model = options.model ?? (await loadContextualModel({ ...options, model: manifest.model.id, revision: path.isAbsolute(manifest.model.id) ? undefined : manifest.model.revision, dtype: manifest.model.dtype as ModelDtype }));
  let query: Float32Array | null = null;
  try {
    const pooling = { layers: o.layers, layerAgg: o.layerAgg, sentencePooling: o.sentencePooling, normalize: o.normalize };
    await prepareModel(model, pooling);
    for await (const step of embedDocuments([{ source: 'query', text }], model, { ...pooling, maxLength: o.maxLength, stride: o.stride ?? undefined, levels: ['document'] })) {
      query = step.rows.find((r) => r.level === 'document')?.vector ?? query;
    }
  } finally {
    if (!options.model) await model.dispose();
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
