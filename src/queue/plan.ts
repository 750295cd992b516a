/**
 * The jobs of a queued run: the files still to do, in the order of a one-machine run, cut into
 * consecutive stretches of about `jobTokens` tokens' worth of bytes. The plan is kept in
 * OUT/.queue/plan.json, so that a coordinator started again finds the same jobs (and the parts
 * workers wrote for them); a job is finished once its rows are merged, which the output
 * folder's manifest records (its files' `part`).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { writeFileAtomic } from '../files';
import { Manifest } from '../store/manifest';
import { QUEUE_DIR } from '../store/writers';
import { SourceFile } from '../text/sources';

const PLAN_FILE = 'plan.json';

/** English text takes about 4 bytes per WordPiece token: how --job-size becomes bytes. */
const BYTES_PER_TOKEN = 4;
export const DEFAULT_JOB_TOKENS = 100_000;

export interface PlannedJob {
  /** The BullMQ job id, also the name of its part. */
  id: string;
  files: SourceFile[];
  bytes: number;
}

export interface Plan {
  /** Tells this plan's jobs from those of an earlier plan into the same folder. */
  id: string;
  /** The number the next new job gets. */
  next: number;
  jobs: PlannedJob[];
}

/** Job ids of an output folder all begin with this (a queue serves many folders). */
export function folderTag(out: string): string {
  return crypto.createHash('sha256').update(path.resolve(out)).digest('hex').slice(0, 8);
}

export function readPlan(out: string): Plan | null {
  const file = path.join(out, QUEUE_DIR, PLAN_FILE);
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message}); remove ${path.join(out, QUEUE_DIR)} to plan the run again (its parts are embedded again)`);
  }
}

export function writePlan(out: string, plan: Plan): void {
  writeFileAtomic(path.join(out, QUEUE_DIR, PLAN_FILE), JSON.stringify(plan));
}

/** Consecutive stretches of `files` of at least `bytesPerJob` bytes each (the last may be less). */
function cut(files: SourceFile[], size: (f: SourceFile) => number, bytesPerJob: number): { files: SourceFile[]; bytes: number }[] {
  const jobs: { files: SourceFile[]; bytes: number }[] = [];
  let current: { files: SourceFile[]; bytes: number } | null = null;
  for (const f of files) {
    current ??= { files: [], bytes: 0 };
    current.files.push(f);
    current.bytes += size(f);
    if (current.bytes >= bytesPerJob) {
      jobs.push(current);
      current = null;
    }
  }
  if (current) jobs.push(current);
  return jobs;
}

export interface PlannedRun {
  plan: Plan;
  /** Jobs of the earlier plan whose rows are merged. */
  finished: PlannedJob[];
  /** Jobs of the earlier plan no longer wanted (their files changed, are gone, or were done by another run): their parts can go. */
  dropped: PlannedJob[];
}

/**
 * The jobs for `todo` (the files not done, in order): the unfinished jobs of the earlier plan
 * `before` whose files are all still to do, as they were, then new jobs for the other files.
 */
export function planJobs(out: string, m: Manifest, before: Plan | null, todo: SourceFile[], size: (f: SourceFile) => number, jobTokens: number): PlannedRun {
  const merged = new Set(Object.values(m.files).map((e) => e.part));
  const wanted = new Map(todo.map((f) => [f.source, f.path]));
  const finished: PlannedJob[] = [];
  const dropped: PlannedJob[] = [];
  const kept: PlannedJob[] = [];
  for (const job of before?.jobs ?? []) {
    if (merged.has(job.id)) finished.push(job);
    else if (job.files.every((f) => wanted.get(f.source) === f.path)) kept.push(job);
    else dropped.push(job);
  }
  const covered = new Set(kept.flatMap((j) => j.files.map((f) => f.source)));
  const plan: Plan = { id: before?.id ?? crypto.randomBytes(3).toString('hex'), next: before?.next ?? 1, jobs: kept };
  for (const job of cut(todo.filter((f) => !covered.has(f.source)), size, jobTokens * BYTES_PER_TOKEN)) {
    plan.jobs.push({ id: `${folderTag(out)}-${plan.id}-${plan.next++}`, ...job });
  }
  return { plan, finished, dropped };
}
