/**
 * The coordinator of a queued run: `embedFolder` spread over workers. It lists the inputs as a
 * one-machine run does, opens the output folder as one does (settings and model checked, changed
 * and gone files reported, --sync), writes its manifest (the model and options workers embed
 * with), plans jobs of the files still to do, and enqueues those not finished. Then it follows
 * the queue: the parts workers finish are merged into the folder in the plan's order, so the rows
 * are those of a one-machine run; progress sums every worker's. Run again, it finds the same plan:
 * merged jobs are finished, parts marked done are merged without being queued again.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel } from '../contextual/model';
import { checkFallbackEncoding, DEFAULT_MAX_FILE_BYTES, EmbedFolderOptions, EmbedSummary, emptySummary, indexWhereDueAtEnd, inLockedOutput, listInputs, openOutput } from '../embed-folder';
import { QueueError, UsageError } from '../errors';
import { ensureWritableFolder, sizeOrZero } from '../files';
import { writeManifest } from '../store/manifest';
import { QUEUE_DIR } from '../store/writers';
import { SourceFile } from '../text/sources';
import { RedisLink } from './connection';
import { Following } from './following';
import { RunSettings } from './jobs';
import { removePart } from './parts';
import { DEFAULT_JOB_TOKENS, planJobs, readPlan, writePlan } from './plan';
import { QueueProgress, RunProgress } from './progress';
import { RunQueue } from './run-queue';

export interface QueuedRunOptions extends Omit<EmbedFolderOptions, 'onProgress'> {
  /** redis://HOST:PORT[/DB] */
  queue: string;
  /** About how many tokens' worth of files (by size) a job holds. */
  jobTokens?: number;
  onProgress?: (p: QueueProgress) => void;
  /** Lines about the run: its plan, a job failed, a part embedded again, a stop. */
  onLog?: (line: string) => void;
}

export interface QueuedSummary extends EmbedSummary {
  /** Jobs of this run (files done before it are in none). */
  jobs: number;
  workers: number;
}

export async function embedFolderQueued(paths: string[], model: ContextualModel, options: QueuedRunOptions): Promise<QueuedSummary> {
  const began = Date.now();
  const jobTokens = options.jobTokens ?? DEFAULT_JOB_TOKENS;
  if (!(jobTokens > 0)) throw new UsageError(`--job-size must be a positive number of tokens, got ${jobTokens}`);
  checkFallbackEncoding(options.fallbackEncoding);
  const link = new RedisLink(options.queue);
  try {
    await link.check();
    const out = path.resolve(options.out);
    ensureWritableFolder(out);
    const files = listInputs(paths, { ...options, out });
    return await inLockedOutput(out, () => coordinate(files, paths.map((p) => path.resolve(p)), model, { ...options, out, jobTokens }, link, began));
  } finally {
    link.close();
  }
}

/** The run once the output folder is locked. */
async function coordinate(files: SourceFile[], inputs: string[], model: ContextualModel, options: QueuedRunOptions & { jobTokens: number }, link: RedisLink, began: number): Promise<QueuedSummary> {
  const out = options.out;
  const log = options.onLog ?? (() => undefined);
  const summary: QueuedSummary = { ...emptySummary(files.length), jobs: 0, workers: 0 };
  const opened = await openOutput(files, model, options, summary, true);
  writeManifest(out, opened.manifest);

  const sizes = new Map(files.map((f) => [f.source, sizeOrZero(f.path)]));
  const opening = opened.manifest;
  const before = files.filter((f) => opening.files[f.source]?.status === 'done');
  summary.alreadyDone = before.filter((f) => opened.unchanged.has(f.source)).length;
  const todo = files.filter((f) => opening.files[f.source]?.status !== 'done');
  const { plan, finished, dropped } = planJobs(out, opening, readPlan(out), todo, (f) => sizes.get(f.source)!, options.jobTokens);
  for (const job of [...finished, ...dropped]) removePart(out, job.id);
  writePlan(out, plan);
  summary.jobs = plan.jobs.length;

  const progress = new RunProgress(plan.jobs, files.length, { files: before.length, bytes: before.reduce((n, f) => n + sizes.get(f.source)!, 0) });
  const settings: RunSettings = { maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, batchTokens: options.batchTokens, commitSeconds: options.commitSeconds };
  const queue = new RunQueue(link, out, inputs, settings, plan.jobs);
  const run = new Following(queue, out, plan.jobs, opening, summary, progress, options);
  queue.listen(run.events());
  const unwatch = link.watch(() => run.wake());
  try {
    const unfinished = plan.jobs.filter((j) => !run.ready.has(j.id));
    await queue.start(unfinished);
    const n = plan.jobs.length;
    log(`${n} job${n === 1 ? '' : 's'} of about ${options.jobTokens} tokens' worth of files: ${finished.length} merged before, ${n - unfinished.length} done and waiting to be merged, ${unfinished.length} in the queue at ${link.where}`);
    await run.follow();
  } catch (err) {
    if (!(err instanceof QueueError) || !link.lost) throw err;
    throw new QueueError(`${link.lost}: the coordinator stops; ${out} holds the ${run.next} jobs merged so far (${run.manifest.committed.rows} rows): once Redis is back, run the same command again to resume`);
  } finally {
    unwatch();
    await queue.close();
  }
  summary.workers = progress.workers.size;
  if (run.failed.size > 0) {
    const [id, reason] = [...run.failed][0];
    const n = run.failed.size;
    throw new QueueError(`${n} job${n > 1 ? 's' : ''} failed (job ${id}: ${reason}); ${out} holds the ${run.next} jobs merged before the first of them (${run.manifest.committed.rows} rows): fix the cause and run the same command again to resume`);
  }
  let m = run.manifest;
  if (run.next === plan.jobs.length) {
    fs.rmSync(path.join(out, QUEUE_DIR), { recursive: true, force: true });
    m = await indexWhereDueAtEnd(out, m, options, summary);
  }
  summary.rows = m.committed.rows;
  summary.seconds = (Date.now() - began) / 1000;
  return summary;
}
