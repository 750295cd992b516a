/**
 * A job's part: an output folder in today's format (resumable, readable) at
 * OUT/.queue/parts/<job id>/<attempt>/, written by one worker at a time under its lock. A worker
 * given a job resumes its latest attempt in place when no live run holds that folder (a worker
 * of this host killed with kill -9, an attempt that failed); when another host's worker holds
 * it (dead, or alive but cut off from Redis, which BullMQ cannot tell apart) it starts the next
 * attempt from a copy of what that one committed, so two writers never share a file.
 * OUT/.queue/parts/<job id>/done.json, written once the part is synced, names the attempt that
 * holds the job's rows.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel } from '../contextual/model';
import { EmbedFolderOptions, embedFiles, EmbedSummary } from '../embed-folder';
import { outputError, writeFileAtomic } from '../files';
import { appendRows } from '../store/append';
import { FolderInUseError } from '../store/lock';
import { readManifest, writeManifest } from '../store/manifest';
import { OutputFormat } from '../store/rows';
import { checkOutputs } from '../store/verify';
import { EMPTY_SINK, QUEUE_DIR } from '../store/writers';
import { SourceFile } from '../text/sources';

const DONE_FILE = 'done.json';

/** What done.json says of a finished part. */
export interface PartDone {
  attempt: number;
  worker: string;
  summary: EmbedSummary;
}

function partsDir(out: string): string {
  return path.join(out, QUEUE_DIR, 'parts');
}

function jobDir(out: string, id: string): string {
  return path.join(partsDir(out), id);
}

export function attemptDir(out: string, id: string, attempt: number): string {
  return path.join(jobDir(out, id), String(attempt));
}

export function readDone(out: string, id: string): PartDone | null {
  const file = path.join(jobDir(out, id), DONE_FILE);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null; // not there (or never whole: it is written atomically)
  }
}

/** Marks the part finished; call once its attempt is synced. */
export function writeDone(out: string, id: string, done: PartDone): void {
  writeFileAtomic(path.join(jobDir(out, id), DONE_FILE), JSON.stringify(done));
}

/** Removes a job's part (merged, or no longer wanted). */
export function removePart(out: string, id: string): void {
  fs.rmSync(jobDir(out, id), { recursive: true, force: true });
}

function latestAttempt(out: string, id: string): number {
  if (!fs.existsSync(jobDir(out, id))) return 0;
  return Math.max(0, ...fs.readdirSync(jobDir(out, id)).filter((n) => /^\d+$/.test(n)).map(Number));
}

/** The committed rows and entries of the part at `from`, copied into the empty `to`; nothing when `from` holds nothing sound. */
async function copyCommitted(from: string, to: string): Promise<void> {
  let m;
  try {
    m = readManifest(from);
    if (m) await checkOutputs(from, m, 'its job is embedded again');
  } catch {
    return;
  }
  if (!m) return;
  const committed = await appendRows(m.options.format as OutputFormat, from, m.committed, [[0, m.committed.rows]], to, EMPTY_SINK);
  writeManifest(to, { ...m, committed });
}

/** Makes the attempt after `after` (a folder no other worker has), with a copy of what `after` committed. */
async function nextAttempt(out: string, id: string, after: number): Promise<number> {
  fs.mkdirSync(jobDir(out, id), { recursive: true });
  for (let n = after + 1; ; n++) {
    try {
      fs.mkdirSync(attemptDir(out, id, n));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw outputError(err, attemptDir(out, id, n));
    }
    if (after > 0) await copyCommitted(attemptDir(out, id, after), attemptDir(out, id, n));
    return n;
  }
}

/** Embeds a job's files into its part, resuming the latest attempt where it may; returns the run's summary and the attempt that holds the rows. */
export async function embedPart(out: string, id: string, files: SourceFile[], model: ContextualModel, options: Omit<EmbedFolderOptions, 'out'>): Promise<{ summary: EmbedSummary; attempt: number }> {
  let attempt = latestAttempt(out, id) || (await nextAttempt(out, id, 0));
  try {
    return { summary: await embedFiles(files, model, { ...options, out: attemptDir(out, id, attempt) }), attempt };
  } catch (err) {
    if (!(err instanceof FolderInUseError)) throw err;
    attempt = await nextAttempt(out, id, attempt);
    return { summary: await embedFiles(files, model, { ...options, out: attemptDir(out, id, attempt) }), attempt };
  }
}
