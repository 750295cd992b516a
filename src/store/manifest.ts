/**
 * DIR/manifest.json: what produced the outputs (model, every option that changes vectors), how
 * far they are committed, and each file's fate. It is rewritten atomically after the outputs are
 * synced, so it never counts a row that is not on disk.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, UsageError } from '../errors';
import { readChunks, writeFileAtomic } from '../files';
import { Level, SinkState } from './rows';

export const MANIFEST_FILE = 'manifest.json';

export type FileStatus = 'done' | 'skipped' | 'failed';

export interface FileEntry {
  size: number;
  /** sha256 of the file's bytes (absent when the file could not be read). */
  sha256?: string;
  status: FileStatus;
  reason?: string;
  /** Rows [first, end) of this file in the outputs. */
  rows?: [number, number];
  /** Lines of a .jsonl file left out (invalid JSON or no text field); `reason` names the first. */
  badLines?: number;
  /** A queued run: the job whose part held these rows before they were merged here. */
  part?: string;
}

export interface Manifest {
  tool: 'ctxembed';
  version: 1;
  model: { id: string; revision: string; dtype: string };
  /** sha256 of the model's files (modelSha256), to recognise the model wherever it is moved. */
  modelSha256?: string;
  /** Every option that changes the vectors or the layout of the rows. */
  options: Record<string, unknown>;
  committed: SinkState;
  files: Record<string, FileEntry>;
  updated: string;
}

export function readManifest(dir: string): Manifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return null;
  let m: Manifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message}); move it away or use --overwrite`);
  }
  if (m.tool !== 'ctxembed' || m.version !== 1 || !m.committed || !m.files) throw new InputError(`${file}: not a ctxembed manifest (version 1); move it away or use --overwrite`);
  return m;
}

/** Temp file, fsync, rename: readers see the old manifest or the new one, never half of one. */
export function writeManifest(dir: string, manifest: Manifest): void {
  writeFileAtomic(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, updated: new Date().toISOString() }, null, 1));
}

/** The first option whose value differs, as `name: old → new`, or null when all agree. */
export function optionsDiffer(a: Record<string, unknown>, b: Record<string, unknown>): string | null {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x !== y) return `${key}: ${x ?? 'unset'} → ${y ?? 'unset'}`;
  }
  return null;
}

/** The level a query searches (and an index is built on): `asked`, else sentence rows when the folder has them, else document rows. */
export function queryLevel(manifest: Manifest, dir: string, asked?: Level): Level {
  const levels = manifest.options.levels as Level[];
  const level = asked ?? (levels.includes('sentence') ? 'sentence' : levels.includes('document') ? 'document' : undefined);
  if (!level || !levels.includes(level)) {
    throw new UsageError(`${dir} holds ${levels.join(', ')} rows; query searches sentence or document rows (embed with --level sentence or --level document)`);
  }
  return level;
}

/** Files of a model folder (Hugging Face layout) that decide its vectors, besides the ONNX file. */
const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/** Hashes computed in this process, by their files' identity, sizes and times: a worker embeds many jobs with one model. */
const hashed = new Map<string, string>();

/**
 * sha256 over a model's ONNX file and its config and tokenizer files (those present, in the folder
 * above onnx/); undefined when the ONNX file is not on disk.
 */
export function modelSha256(onnxPath: string | null): string | undefined {
  if (!onnxPath || !fs.existsSync(onnxPath)) return undefined;
  const folder = path.dirname(path.dirname(onnxPath));
  const files = [onnxPath, ...MODEL_FILES.map((f) => path.join(folder, f))].filter((f) => fs.existsSync(f));
  const key = files.map((f) => {
    const st = fs.statSync(f);
    return `${f}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  }).join('|');
  const known = hashed.get(key);
  if (known) return known;
  const h = crypto.createHash('sha256');
  for (const file of files) {
    h.update(`${path.basename(file)}\0`);
    for (const chunk of readChunks(file)) h.update(chunk);
  }
  const sha256 = h.digest('hex');
  hashed.set(key, sha256);
  return sha256;
}
