/**
 * What an output folder's manifest says of the model and the options that shape its rows, both
 * ways: recorded from a run's model and options, and read back into the model and options that
 * give the same rows (a query, a worker of a queued run).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel, ModelDtype, ModelOptions } from './contextual/model';
import { EmbedOptions } from './embed';
import { UsageError } from './errors';
import { Manifest, modelSha256 } from './store/manifest';
import { OutputFormat } from './store/rows';
import { EMPTY_SINK } from './store/writers';

/** The options that decide an output folder's rows and files. */
export interface RowOptions extends EmbedOptions {
  format?: OutputFormat;
  textField?: string;
  fallbackEncoding?: string;
  /**
   * The model as another manifest records it, for a model already checked against that manifest's
   * sha256 (a worker's copy of the model a queued run names: a local folder's size and time may differ).
   */
  recordModelAs?: Manifest['model'];
}

/** Options recorded in the manifest: a rerun with any of them changed would mix incompatible rows. */
function vectorOptions(options: RowOptions, model: ContextualModel): Record<string, unknown> {
  return {
    levels: [...(options.levels ?? ['token'])].sort(),
    format: options.format ?? 'jsonl',
    wordPooling: options.wordPooling ?? 'mean',
    sentencePooling: options.sentencePooling ?? 'mean',
    layers: options.layers ?? '-1',
    layerAgg: options.layerAgg ?? 'mean',
    normalize: options.normalize ?? false,
    maxLength: options.maxLength ?? model.maxLength,
    stride: options.stride ?? null,
    textField: options.textField ?? 'text',
    fallbackEncoding: options.fallbackEncoding ?? null,
  };
}

/** The hub revision; for a local folder, which ONNX file and its size and time (a re-export changes it). */
function modelRevision(model: ContextualModel): string {
  if (!model.local) return model.revision!;
  const st = fs.statSync(model.onnxPath);
  return `${path.basename(model.onnxPath)}:${st.size}:${Math.floor(st.mtimeMs)}`;
}

/** The manifest of an empty output folder made by `model` with `options`. */
export function newManifest(model: ContextualModel, options: RowOptions): Manifest {
  return {
    tool: 'ctxembed',
    version: 1,
    model: options.recordModelAs ?? { id: model.id, revision: modelRevision(model), dtype: model.dtype },
    modelSha256: modelSha256(model.onnxPath),
    options: vectorOptions(options, model),
    committed: EMPTY_SINK,
    files: {},
    updated: '',
  };
}

/** The options a manifest records, as a run takes them. */
export function rowOptionsOf(manifest: Manifest): RowOptions {
  const o = manifest.options as Record<string, any>;
  return {
    levels: o.levels,
    format: o.format,
    wordPooling: o.wordPooling,
    sentencePooling: o.sentencePooling,
    layers: o.layers,
    layerAgg: o.layerAgg,
    normalize: o.normalize,
    maxLength: o.maxLength,
    stride: o.stride ?? undefined,
    textField: o.textField,
    fallbackEncoding: o.fallbackEncoding ?? undefined,
  };
}

/**
 * How to load the model a manifest names; `model` (a folder or hub id) replaces it when its
 * files moved. The recorded hub revision goes with the recorded id only (a local folder's is its
 * ONNX file's size and time, not a revision).
 */
export function modelOptionsOf(manifest: Manifest, model?: string): ModelOptions {
  const id = model ?? manifest.model.id;
  const revision = id === manifest.model.id && !path.isAbsolute(id) ? manifest.model.revision : undefined;
  return { model: id, revision, dtype: manifest.model.dtype as ModelDtype };
}

/** A model loaded from elsewhere than the manifest says must have the files `dir` was made with. */
export function checkModelFiles(manifest: Manifest, model: ContextualModel, dir: string): void {
  if (!manifest.modelSha256) throw new UsageError(`${dir} does not record its model's sha256 (made by an older ctxembed), so another model cannot be checked against it: query without --model, or embed again with --overwrite`);
  const sha256 = modelSha256(model.onnxPath);
  if (sha256 !== manifest.modelSha256) {
    throw new UsageError(`${model.id} is not the model ${dir} was made with (its files' sha256 ${sha256?.slice(0, 12) ?? 'unknown'}… differs from the ${manifest.modelSha256.slice(0, 12)}… recorded for ${manifest.model.id})`);
  }
}
