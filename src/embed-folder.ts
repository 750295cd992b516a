/**
 * The batch job: files and folders in, rows with vectors out, resumable. Files stream through
 * the model one after another (memory does not grow with the folder); every second or so the
 * outputs are synced and the manifest records which files are complete. A rerun skips files
 * already done, cuts the outputs back to the last commit and appends the rest.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel } from './contextual/model';
import { EmbedOptions, embedDocuments, prepareModel } from './embed';
import { OutputError, UsageError } from './errors';
import { ensureWritableFolder } from './files';
import { lockFolder } from './store/lock';
import { FileEntry, Manifest, MANIFEST_FILE, optionsDiffer, readManifest, writeManifest } from './store/manifest';
import { OutputFormat } from './store/rows';
import { checkOutputs } from './store/verify';
import { EMPTY_SINK, openSink, sinkFiles } from './store/writers';
import { readDocument } from './text/readers';
import { checkUniqueSources, listSources, SourceFilter } from './text/sources';

export interface EmbedFolderOptions extends EmbedOptions, SourceFilter {
  out: string;
  format?: OutputFormat;
  textField?: string;
  fallbackEncoding?: string;
  /** Files larger than this many bytes are skipped. */
  maxFileBytes?: number;
  /** Start over in an output folder made with other options. */
  overwrite?: boolean;
  /** Seconds between commits (sync + manifest). */
  commitSeconds?: number;
  /** Checked between steps: when it returns true the run commits and stops. */
  shouldStop?: () => boolean;
  onProgress?: (p: FolderProgress) => void;
  /** One line per file that is skipped or fails. */
  onFileIssue?: (source: string, entry: FileEntry) => void;
}

export interface FolderProgress {
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
  tokens: number;
  rows: number;
}

export interface EmbedSummary {
  files: number;
  done: number;
  /** Done in an earlier run and left as they were. */
  alreadyDone: number;
  skipped: number;
  failed: number;
  rows: number;
  tokens: number;
  seconds: number;
  stopped: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Options recorded in the manifest: a rerun with any of them changed would mix incompatible rows. */
function vectorOptions(options: EmbedFolderOptions, model: ContextualModel): Record<string, unknown> {
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

export async function embedFolder(paths: string[], model: ContextualModel, options: EmbedFolderOptions): Promise<EmbedSummary> {
  const began = Date.now();
  if (options.fallbackEncoding) {
    try {
      new TextDecoder(options.fallbackEncoding);
    } catch {
      throw new UsageError(`--fallback-encoding ${options.fallbackEncoding}: not an encoding this Node.js knows (try windows-1252, iso-8859-2, shift_jis)`);
    }
  }
  const out = options.out;
  ensureWritableFolder(out);
  const lock = lockFolder(out);
  try {
    return await embedLocked(paths, model, options, began);
  } finally {
    lock.release();
  }
}

/** The run, once it holds the lock on its output folder. */
async function embedLocked(paths: string[], model: ContextualModel, options: EmbedFolderOptions, began: number): Promise<EmbedSummary> {
  const out = options.out;
  const format = options.format ?? 'jsonl';
  // An output folder inside an input is not an input: a rerun would embed its own outputs.
  const files = listSources(paths, { ...options, skipFolders: [out] });
  checkUniqueSources(files);

  const fresh: Manifest = {
    tool: 'ctxembed',
    version: 1,
    model: { id: model.id, revision: modelRevision(model), dtype: model.dtype },
    options: vectorOptions(options, model),
    committed: EMPTY_SINK,
    files: {},
    updated: '',
  };
  const found = options.overwrite ? null : readManifest(out);
  if (found) {
    const differ = optionsDiffer({ model: found.model, ...found.options }, { model: fresh.model, ...fresh.options });
    if (differ) throw new UsageError(`${out} holds embeddings made with other settings (${differ}): use --overwrite to start over, or another --out`);
    checkOutputs(out, found, 'start over with --overwrite (or restore the file)');
  } else {
    for (const f of [MANIFEST_FILE, ...sinkFiles('jsonl'), ...sinkFiles('npy')]) fs.rmSync(path.join(out, f), { force: true });
  }
  /** The manifest as it is on disk (or will be at the first commit). */
  let m: Manifest = found ?? fresh;
  await prepareModel(model, options);
  const sink = openSink(out, format, m.committed);

  const summary: EmbedSummary = { files: files.length, done: 0, alreadyDone: 0, skipped: 0, failed: 0, rows: 0, tokens: 0, seconds: 0, stopped: false };
  const progress: FolderProgress = { files: 0, filesTotal: files.length, bytes: 0, bytesTotal: 0, tokens: 0, rows: 0 };
  const sizes = files.map((f) => {
    try {
      return fs.statSync(f.path).size;
    } catch {
      return 0;
    }
  });
  progress.bytesTotal = sizes.reduce((a, b) => a + b, 0);

  /** Entries decided since the last commit; they reach the manifest with the rows they count. */
  let pending: [string, FileEntry][] = [];
  /** How far the outputs reach at the end of the last completed file. */
  let boundary = m.committed;
  const settle = (source: string, entry: FileEntry, size: number) => {
    pending.push([source, entry]);
    if (entry.status === 'done') summary.done++;
    else {
      summary[entry.status]++;
      options.onFileIssue?.(source, entry);
    }
    progress.files++;
    progress.bytes += size;
  };
  /** Outputs synced up to the boundary, then the manifest that counts them; `m` is what is on disk. */
  const commit = () => {
    sink.sync();
    const next: Manifest = { ...m, committed: boundary, files: { ...m.files, ...Object.fromEntries(pending) } };
    writeManifest(out, next);
    m = next;
    pending = [];
  };

  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const docs = function* () {
    for (let i = 0; i < files.length; i++) {
      if (options.shouldStop?.()) return;
      const { path: file, source, special } = files[i];
      const size = sizes[i];
      let bytes: Buffer;
      try {
        if (special) {
          settle(source, { size, status: 'skipped', reason: `not a regular file: ${special}` }, size);
          continue;
        }
        if (size > maxBytes) {
          settle(source, { size, status: 'skipped', reason: `${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit (--max-file-size)` }, size);
          continue;
        }
        bytes = fs.readFileSync(file);
      } catch (err) {
        settle(source, { size, status: 'failed', reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }, size);
        continue;
      }
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const before = m.files[source];
      if (before?.status === 'done') {
        if (before.sha256 !== sha256) process.emitWarning(`${source} changed since it was embedded; its rows are from the earlier content (use --overwrite to redo)`);
        summary.alreadyDone++;
        progress.files++;
        progress.bytes += size;
        continue;
      }
      if (bytes.length === 0) {
        settle(source, { size, sha256, status: 'skipped', reason: 'empty file' }, size);
        continue;
      }
      const read = readDocument(file, { textField: options.textField, fallbackEncoding: options.fallbackEncoding }, bytes);
      if ('skip' in read) settle(source, { size, sha256, status: 'skipped', reason: read.skip }, size);
      else yield { source, text: read.text, size, sha256 };
    }
  };

  let firstRow = sink.rows;
  let lastCommit = Date.now();
  const commitMs = (options.commitSeconds ?? 1) * 1000;
  try {
    for await (const step of embedDocuments(docs(), model, options)) {
      for (const { vector, ...row } of step.rows) sink.write(row, vector);
      summary.tokens += step.tokens;
      progress.tokens += step.tokens;
      progress.rows = sink.rows;
      if (step.done) {
        const { source, size, sha256 } = step.doc;
        boundary = sink.flush();
        settle(source, { size, sha256, status: 'done', rows: [firstRow, sink.rows] }, size);
        firstRow = sink.rows;
        options.onProgress?.(progress);
        if (Date.now() - lastCommit >= commitMs) {
          commit();
          lastCommit = Date.now();
        }
      }
      if (options.shouldStop?.()) {
        summary.stopped = true;
        break;
      }
    }
    // Rows of a file cut off by a stop are not committed: the next run cuts them off and redoes that file.
    commit();
    sink.close();
  } catch (err) {
    // Whatever failed (a full disk, the model), the outputs go back to the last commit, readable and as the manifest says.
    try {
      sink.rollback(m.committed);
    } catch {
      // the first error says more
    }
    if (err instanceof OutputError) throw new OutputError(`${err.message}; ${out} is kept as of its last commit (${m.committed.rows} rows): ${/disk full/.test(err.message) ? 'make room and ' : ''}run the same command again to resume`);
    throw err;
  }
  summary.stopped ||= options.shouldStop?.() ?? false;
  summary.rows = m.committed.rows;
  summary.seconds = (Date.now() - began) / 1000;
  return summary;
}
