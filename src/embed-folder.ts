/**
 * The batch job: files and folders in, rows with vectors out, resumable. Files stream through
 * the model one after another, a large file in pieces (memory grows with neither the folder nor a
 * file); every second or so the outputs are synced and the manifest records which files are
 * complete. The output folder is locked for the run. A rerun checks the outputs against the
 * manifest, cuts them back to the last commit, skips files already done and appends the rest;
 * files changed or gone since they were embedded are reported, and with `sync` their rows are
 * dropped and the changed ones embedded again.
 */
import { ContextualModel } from './contextual/model';
import { embedDocuments, prepareModel } from './embed';
import { OutputError, UsageError } from './errors';
import { ensureWritableFolder, sizeOrZero } from './files';
import { newManifest, RowOptions } from './folder-manifest';
import { dropRows, finishSync } from './store/compact';
import { BuiltIndex, indexWhereDue } from './store/lance-index';
import { lockFolder } from './store/lock';
import { FileEntry, Manifest, optionsDiffer, readManifest, writeManifest } from './store/manifest';
import { EmbeddingRow } from './store/rows';
import { checkOutputs } from './store/verify';
import { clearOutputs, openSink } from './store/writers';
import { BadLines, hashFile, openDocument, TextPieces } from './text/readers';
import { checkUniqueSources, listSources, SourceFile, SourceFilter } from './text/sources';

export interface EmbedFolderOptions extends RowOptions, SourceFilter {
  out: string;
  /** Files larger than this many bytes are skipped. */
  maxFileBytes?: number;
  /** Start over in an output folder made with other options. */
  overwrite?: boolean;
  /** Drop the rows of files changed or gone since they were embedded, and embed the changed ones again. */
  sync?: boolean;
  /** Seconds between commits (sync + manifest); default 1, 10 for lance (each commit is a table version). */
  commitSeconds?: number;
  /** lance: sentence and document tables from this many rows get an ANN index at the end of the run (default AUTO_INDEX_ROWS; Infinity for none). */
  indexRows?: number;
  /** Called before an ANN index is built at the end of the run. */
  onIndex?: (level: string, rows: number) => void;
  /** Checked between steps: when it returns true the run commits and stops. */
  shouldStop?: () => boolean;
  onProgress?: (p: FolderProgress) => void;
  /** One line per file that is skipped or fails, or is done with bad lines left out. */
  onFileIssue?: (source: string, entry: FileEntry) => void;
  /** One line per file embedded in an earlier run that changed or is no longer among the inputs. */
  onInputChange?: (change: InputChange) => void;
}

export interface InputChange {
  source: string;
  /** `changed`: its bytes differ (or it cannot be read); `gone`: deleted, renamed or filtered out. */
  kind: 'changed' | 'gone';
  /** With `sync`: its rows were dropped (and a changed file is embedded again). */
  dropped: boolean;
}

export interface FolderProgress {
  files: number;
  filesTotal: number;
  /** Bytes of the inputs dealt with, also within a file being embedded. */
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
  /** Embedded in an earlier run and changed since, or gone from the inputs (rows kept unless `sync`). */
  changed: number;
  gone: number;
  /** Rows dropped by `sync`. */
  dropped: number;
  /** Lines of .jsonl files left out. */
  badLines: number;
  rows: number;
  tokens: number;
  seconds: number;
  stopped: boolean;
  /** ANN indexes built at the end of a lance run. */
  indexed: BuiltIndex[];
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** lance commits less often: each is a table version, whose manifest lists every fragment so far. */
export const LANCE_COMMIT_SECONDS = 10;

/** A --fallback-encoding this Node.js cannot decode is a usage error, found before anything runs. */
export function checkFallbackEncoding(encoding: string | undefined): void {
  if (!encoding) return;
  try {
    new TextDecoder(encoding);
  } catch {
    throw new UsageError(`--fallback-encoding ${encoding}: not an encoding this Node.js knows (try windows-1252, iso-8859-2, shift_jis)`);
  }
}

/** The files a run into `options.out` reads, in order; an output folder inside an input is not an input (a rerun would embed its own outputs). */
export function listInputs(paths: string[], options: SourceFilter & { out: string }): SourceFile[] {
  const files = listSources(paths, { ...options, skipFolders: [options.out] });
  checkUniqueSources(files);
  return files;
}

/** Runs `fn` holding the lock on the output folder `out`, once a --sync stopped there is finished or undone. */
export async function inLockedOutput<T>(out: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockFolder(out);
  try {
    finishSync(out);
    return await fn();
  } finally {
    lock.release();
  }
}

export async function embedFolder(paths: string[], model: ContextualModel, options: EmbedFolderOptions): Promise<EmbedSummary> {
  checkFallbackEncoding(options.fallbackEncoding);
  ensureWritableFolder(options.out);
  const files = listInputs(paths, options);
  const began = Date.now();
  return inLockedOutput(options.out, () => embedLocked(files, model, options, began));
}

/** embedFolder over files already listed (their `source` names the rows). */
export async function embedFiles(files: SourceFile[], model: ContextualModel, options: EmbedFolderOptions): Promise<EmbedSummary> {
  const began = Date.now();
  checkFallbackEncoding(options.fallbackEncoding);
  ensureWritableFolder(options.out);
  return inLockedOutput(options.out, () => embedLocked(files, model, options, began));
}

interface Doc {
  source: string;
  text: string | TextPieces;
  size: number;
  sha256: string;
  badLines?: BadLines;
  /** Bytes and characters read so far (over every pass), to turn a row's character offset into a byte count. */
  bytesRead: number;
  charsRead: number;
  /** Bytes of it already counted in the progress. */
  counted: number;
}

/** The files of `found` embedded earlier that are no longer among the inputs, and those that changed since (hashing each; with `all` false, none). */
function inputChanges(found: Manifest, files: SourceFile[], hashAll: boolean): { gone: string[]; changed: Set<string>; unchanged: Set<string> } {
  const inputs = new Map(files.map((f) => [f.source, f.path]));
  const gone = Object.keys(found.files).filter((source) => !inputs.has(source));
  const changed = new Set<string>();
  const unchanged = new Set<string>();
  if (hashAll) {
    for (const [source, entry] of Object.entries(found.files)) {
      const file = inputs.get(source);
      if (!file || entry.status !== 'done') continue;
      (sameContent(file, entry) ? unchanged : changed).add(source);
    }
  }
  return { gone, changed, unchanged };
}

function sameContent(file: string, entry: FileEntry): boolean {
  try {
    return hashFile(file) === entry.sha256;
  } catch {
    return false; // unreadable now: not what was embedded
  }
}

/** A lance run that ends builds the ANN indexes its tables are due (in `summary.indexed`); returns the manifest that records them. */
export async function indexWhereDueAtEnd(out: string, m: Manifest, options: Pick<EmbedFolderOptions, 'format' | 'indexRows' | 'onIndex'>, summary: EmbedSummary): Promise<Manifest> {
  if (options.format !== 'lance') return m;
  try {
    const { manifest, built } = await indexWhereDue(out, m, options.indexRows, options.onIndex);
    summary.indexed = built;
    return manifest;
  } catch (err) {
    if (err instanceof OutputError) throw new OutputError(`${err.message}; the ${m.committed.rows} rows of ${out} are committed: build the index later with ctxembed index --index ${out}`);
    throw err;
  }
}

/** A write error once `out` is cut back to its last commit of `rows` rows: what failed, what is kept, how to go on. */
function keptAsOfCommit(err: OutputError, out: string, rows: number): OutputError {
  return new OutputError(`${err.message}; ${out} is kept as of its last commit (${rows} rows): ${/disk full/.test(err.message) ? 'make room and ' : ''}run the same command again to resume`);
}

/**
 * Whatever failed (a full disk, the model), `out` goes back to its last commit of `rows` rows by
 * `rollback`, readable and as the manifest says; returns the error to throw: a write error says
 * what is kept (keptAsOfCommit), any other is `err` itself.
 */
export async function backToCommit(err: unknown, out: string, rows: number, rollback: () => Promise<void>): Promise<unknown> {
  try {
    await rollback();
  } catch {
    // the first error says more
  }
  return err instanceof OutputError ? keptAsOfCommit(err, out, rows) : err;
}

export function emptySummary(files: number): EmbedSummary {
  return { files, done: 0, alreadyDone: 0, skipped: 0, failed: 0, changed: 0, gone: 0, dropped: 0, badLines: 0, rows: 0, tokens: 0, seconds: 0, stopped: false, indexed: [] };
}

/** What opening an output folder takes of a run's options. */
type OpenOptions = RowOptions & Pick<EmbedFolderOptions, 'out' | 'overwrite' | 'sync' | 'onInputChange'>;

/** Counts a file's entry in `summary` (its bad lines too) and tells the caller of a file skipped, failed, or done with a reason. */
export function countEntry(summary: EmbedSummary, options: Pick<EmbedFolderOptions, 'onFileIssue'>, source: string, entry: FileEntry): void {
  if (entry.status === 'done') summary.done++;
  else summary[entry.status]++;
  summary.badLines += entry.badLines ?? 0;
  if (entry.status !== 'done' || entry.reason) options.onFileIssue?.(source, entry);
}

/** What `onFileIssue` is told, as a line: `skipped a/empty.txt: empty file`, or `b.jsonl: 2 bad lines left out (…)` for a file done. */
export function describeFileIssue(source: string, entry: FileEntry): string {
  return entry.status === 'done' ? `${source}: ${entry.reason}` : `${entry.status} ${source}: ${entry.reason}`;
}

/** Counts a file changed or gone since it was embedded and tells the caller. */
function reportChange(summary: EmbedSummary, options: OpenOptions, source: string, kind: InputChange['kind']): void {
  summary[kind]++;
  options.onInputChange?.({ source, kind, dropped: options.sync ?? false });
}

export interface OpenedOutput {
  /** The manifest as it is on disk (or will be at the first commit). */
  manifest: Manifest;
  /** Files done earlier whose content was found unchanged. */
  unchanged: Set<string>;
}

/**
 * Opens the output folder of a run over `files` (locked by the caller): a manifest made with
 * other settings or model files is refused unless `overwrite`, and its outputs are checked
 * against it. Files embedded earlier that are gone, or changed (each done file is hashed when
 * `hashAll` or `sync`), are counted in `summary` and reported; with `sync` their rows are dropped.
 */
export async function openOutput(files: SourceFile[], model: ContextualModel, options: OpenOptions, summary: EmbedSummary, hashAll = false): Promise<OpenedOutput> {
  const out = options.out;
  const fresh = newManifest(model, options);
  const found = options.overwrite ? null : readManifest(out);
  if (found) {
    const differ = optionsDiffer({ model: found.model, ...found.options }, { model: fresh.model, ...fresh.options });
    if (differ) throw new UsageError(`${out} holds embeddings made with other settings (${differ}): use --overwrite to start over, or another --out`);
    if (found.modelSha256 && fresh.modelSha256 && found.modelSha256 !== fresh.modelSha256) throw new UsageError(`${out} holds embeddings made with other model files (${model.id} changed since): use --overwrite to start over, or another --out`);
    await checkOutputs(out, found, 'start over with --overwrite (or restore the file)');
  } else {
    clearOutputs(out);
  }
  let m: Manifest = found ? { ...found, modelSha256: found.modelSha256 ?? fresh.modelSha256 } : fresh;
  // Files changed or gone since an earlier run: reported; with --sync, their rows dropped first.
  const changes = found ? inputChanges(found, files, hashAll || (options.sync ?? false)) : { gone: [], changed: new Set<string>(), unchanged: new Set<string>() };
  for (const source of changes.gone) if (m.files[source].status === 'done') reportChange(summary, options, source, 'gone');
  for (const source of changes.changed) reportChange(summary, options, source, 'changed');
  if (options.sync && (changes.gone.length > 0 || changes.changed.size > 0)) {
    const before = m.committed.rows;
    m = await dropRows(out, m, new Set([...changes.gone, ...changes.changed]));
    summary.dropped = before - m.committed.rows;
  }
  return { manifest: m, unchanged: changes.unchanged };
}

/** The run, once it holds the lock on its output folder. */
async function embedLocked(files: SourceFile[], model: ContextualModel, options: EmbedFolderOptions, began: number): Promise<EmbedSummary> {
  const out = options.out;
  const format = options.format ?? 'jsonl';
  const levels = new Set<string>(options.levels ?? ['token']);
  const summary = emptySummary(files.length);
  const opened = await openOutput(files, model, options, summary);
  let m = opened.manifest;

  await prepareModel(model, options);
  const sink = await openSink(out, format, m.committed);

  const progress: FolderProgress = { files: 0, filesTotal: files.length, bytes: 0, bytesTotal: 0, tokens: 0, rows: 0 };
  const sizes = files.map((f) => sizeOrZero(f.path));
  progress.bytesTotal = sizes.reduce((a, b) => a + b, 0);
  /** Passes over a streamed file: one for token, word and document rows, one for sentences. */
  const passes = Math.max(1, (['token', 'word', 'document'].some((l) => levels.has(l)) ? 1 : 0) + (levels.has('sentence') ? 1 : 0));

  /** Entries decided since the last commit; they reach the manifest with the rows they count. */
  let pending: [string, FileEntry][] = [];
  const settle = (source: string, entry: FileEntry, size: number) => {
    pending.push([source, entry]);
    countEntry(summary, options, source, entry);
    progress.files++;
    progress.bytes += size;
    options.onProgress?.(progress);
  };
  /** Outputs made durable up to the last completed file, then the manifest that counts them; `m` is what is on disk. */
  const commit = async () => {
    const committed = await sink.commit();
    const next: Manifest = { ...m, committed, files: { ...m.files, ...Object.fromEntries(pending) } };
    writeManifest(out, next);
    m = next;
    pending = [];
  };

  /** Progress inside a file: how far its last row reaches, in bytes, the passes over it taken in turn. */
  const progressWithin = (doc: Doc, last: EmbeddingRow) => {
    const reached = Math.min(doc.size, (last.end * doc.bytesRead) / Math.max(1, doc.charsRead));
    const pass = passes === 2 && last.level === 'sentence' ? 1 : 0;
    const counted = Math.max(doc.counted, (pass * doc.size + reached) / passes);
    progress.bytes += counted - doc.counted;
    doc.counted = counted;
  };

  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const docs = function* (): Generator<Doc> {
    for (let i = 0; i < files.length; i++) {
      if (options.shouldStop?.()) return;
      const { path: file, source, special } = files[i];
      const size = sizes[i];
      const before = m.files[source];
      if (before?.status === 'done') {
        const same = opened.unchanged.has(source) || (!options.sync && sameContent(file, before));
        if (!same) reportChange(summary, options, source, 'changed');
        else summary.alreadyDone++;
        progress.files++;
        progress.bytes += size;
        options.onProgress?.(progress);
        continue;
      }
      if (special) {
        settle(source, { size, status: 'skipped', reason: `not a regular file: ${special}` }, size);
        continue;
      }
      if (size > maxBytes) {
        settle(source, { size, status: 'skipped', reason: `${(size / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit (--max-file-size)` }, size);
        continue;
      }
      let read;
      try {
        read = openDocument(file, { textField: options.textField, fallbackEncoding: options.fallbackEncoding });
      } catch (err) {
        settle(source, { size, status: 'failed', reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }, size);
        continue;
      }
      if ('skip' in read) {
        settle(source, { size, sha256: read.sha256, status: 'skipped', reason: read.skip }, size);
        continue;
      }
      const text = read.text;
      const whole = typeof text === 'string';
      const doc: Doc = { source, text, size, sha256: read.sha256, badLines: read.badLines, bytesRead: whole ? size : 0, charsRead: whole ? text.length : 0, counted: 0 };
      if (!whole) {
        doc.text = {
          *pieces() {
            for (const piece of text.pieces((n) => (doc.bytesRead += n))) {
              doc.charsRead += piece.length;
              yield piece;
            }
          },
        };
      }
      yield doc;
    }
  };

  let firstRow = sink.rows;
  let lastCommit = Date.now();
  const commitMs = (options.commitSeconds ?? (format === 'lance' ? LANCE_COMMIT_SECONDS : 1)) * 1000;
  try {
    for await (const step of embedDocuments(docs(), model, options)) {
      for (const { vector, ...row } of step.rows) await sink.write(row, vector);
      summary.tokens += step.tokens;
      progress.tokens += step.tokens;
      progress.rows = sink.rows;
      if (step.done) {
        const { source, size, sha256, badLines, counted } = step.doc;
        sink.endFile();
        const entry: FileEntry = { size, sha256, status: 'done', rows: [firstRow, sink.rows] };
        if (badLines) {
          Object.assign(entry, { badLines: badLines.count, reason: `${badLines.count} bad line${badLines.count > 1 ? 's' : ''} left out (${badLines.first})` });
        }
        settle(source, entry, size - counted);
        firstRow = sink.rows;
      } else if (step.rows.length > 0) {
        progressWithin(step.doc, step.rows[step.rows.length - 1]);
        options.onProgress?.(progress);
      }
      // Also while a large file runs: what was completed before it is kept.
      if (pending.length > 0 && Date.now() - lastCommit >= commitMs) {
        await commit();
        lastCommit = Date.now();
      }
      if (options.shouldStop?.()) {
        summary.stopped = true;
        break;
      }
    }
    // Rows of a file cut off by a stop are not committed: the next run cuts them off and redoes that file.
    await commit();
    await sink.close();
  } catch (err) {
    throw await backToCommit(err, out, m.committed.rows, () => sink.rollback(m.committed));
  }
  summary.stopped ||= options.shouldStop?.() ?? false;
  if (!summary.stopped) m = await indexWhereDueAtEnd(out, m, options, summary);
  summary.rows = m.committed.rows;
  summary.seconds = (Date.now() - began) / 1000;
  return summary;
}
