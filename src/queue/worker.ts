/**
 * A worker of queued runs: takes jobs from the queue (BullMQ: a lock renewed while it works, so a
 * worker that dies leaves its job stalled, and another worker takes it on), embeds each job's
 * files into its part with the model the run's manifest names, and completes the job only once
 * the part is synced and marked done. A job this worker cannot do (another ctxembed version,
 * other model files, an output folder or inputs it cannot see) goes back to the queue untouched
 * and the worker ends with that error; a stop (Ctrl-C, SIGTERM) commits the parts in flight and
 * hands their jobs back; Redis gone for REDIS_GRACE_SECONDS ends it with a QueueError, its parts
 * committed.
 */
import * as fs from 'fs';
import * as os from 'os';
import { Job, WaitingError, Worker } from 'bullmq';
import { describeFileIssue, EmbedSummary, FolderProgress } from '../embed-folder';
import { CtxembedError, InputError, OutputError, QueueError, UsageError } from '../errors';
import { ensureWritableFolder } from '../files';
import { rowOptionsOf } from '../folder-manifest';
import { Manifest, readManifest } from '../store/manifest';
import { VERSION } from '../version';
import { awaitAtMost, QUEUE_NAME, RedisLink } from './connection';
import { JobData, JobProgress, MAX_STALLED } from './jobs';
import { LoadOptions, WorkerModels } from './models';
import { embedPart, readDone, writeDone } from './parts';

export interface WorkerOptions extends LoadOptions {
  /** redis://HOST:PORT[/DB] */
  queue: string;
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** Seconds without a sign of life after which a worker's job is handed to another (default 30). */
  stallSeconds?: number;
  /** Polled: when it returns true, the jobs in flight are committed and handed back, and the worker ends. */
  shouldStop?: () => boolean;
  /** One line per job started, finished, failed or handed back, and per file skipped or failed. */
  onLog?: (line: string) => void;
}

export interface WorkerSummary {
  /** `host:pid`. */
  name: string;
  jobs: number;
  rows: number;
  tokens: number;
}

/** The run's manifest, once the job is one this worker can do here. */
function checkJob(data: JobData): Manifest {
  if (data.version !== VERSION) throw new UsageError(`this worker runs ctxembed ${VERSION}, the run's coordinator ${data.version}: run one version on the coordinator and every worker`);
  const shared = 'every machine must see the inputs and the output folder at the paths the coordinator was given (a shared filesystem)';
  if (!fs.existsSync(data.out)) throw new OutputError(`${data.out} does not exist on this machine: ${shared}`);
  ensureWritableFolder(data.out);
  const unseen = data.inputs.find((p) => !fs.existsSync(p));
  if (unseen) throw new InputError(`${unseen} does not exist on this machine: ${shared}`);
  const m = readManifest(data.out);
  if (!m) throw new InputError(`${data.out} has no manifest.json: ${shared}`);
  return m;
}

/** Sends a job's progress to the queue, once a second at most: news, not state, so a failed send is let go. */
function progressSender(job: Job<JobData>, worker: string): (p: FolderProgress) => void {
  let sent = 0;
  return (p) => {
    if (Date.now() - sent < 1000) return;
    sent = Date.now();
    const news: JobProgress = { worker, files: p.files, bytes: p.bytes, tokens: p.tokens, rows: p.rows };
    job.updateProgress(news).catch(() => undefined);
  };
}

export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const link = new RedisLink(options.queue);
  try {
    await link.check();
  } catch (err) {
    link.close();
    throw err;
  }
  return new QueueWorker(link, options).run();
}

class QueueWorker {
  readonly name = `${os.hostname()}:${process.pid}`;
  private readonly summary: WorkerSummary = { name: this.name, jobs: 0, rows: 0, tokens: 0 };
  private readonly models: WorkerModels;
  private readonly bull: Worker<JobData>;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Why the worker ends, once it must. */
  private ending: { lost?: string; problem?: CtxembedError } | null = null;
  private closing: Promise<void> | null = null;
  private end!: () => void;
  private readonly ended = new Promise<void>((resolve) => (this.end = resolve));

  constructor(private readonly link: RedisLink, private readonly options: WorkerOptions) {
    this.models = new WorkerModels(options);
    const stallMs = (options.stallSeconds ?? 30) * 1000;
    const processor = (job: Job<JobData>, token?: string) => {
      const run = this.process(job, token);
      this.inFlight.add(run);
      return run.finally(() => this.inFlight.delete(run));
    };
    this.bull = new Worker<JobData>(QUEUE_NAME, processor, {
      connection: link.client(),
      name: this.name,
      concurrency: options.concurrency ?? 1,
      lockDuration: stallMs,
      stalledInterval: stallMs,
      maxStalledCount: MAX_STALLED,
      autorun: false,
    });
    this.bull.on('error', () => undefined); // connection errors: the watch decides when Redis is gone
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  /** Takes jobs until told to stop, a job it cannot do, or Redis gone. */
  async run(): Promise<WorkerSummary> {
    const unwatch = this.link.watch((lost) => this.finish({ lost }));
    const poll = setInterval(() => this.options.shouldStop?.() && this.finish({}), 200);
    this.log(`${this.name}: waiting for jobs at ${this.link.where}`);
    void this.bull.run().catch((err) => this.finish({ problem: new QueueError(`the worker stopped: ${(err as Error).message}`) }));
    try {
      await this.ended;
      clearInterval(poll);
      // Jobs in flight commit their parts (and hand their jobs back) before the worker closes.
      await Promise.allSettled([...this.inFlight]);
      try {
        await this.link.whileUp(this.closing!);
      } catch {
        // Redis gone (before, or while closing): BullMQ's last calls never return; its connections are cut under them.
        await awaitAtMost(this.bull.disconnect(), 1000);
      }
      await this.models.dispose();
    } finally {
      unwatch();
      this.link.close();
    }
    if (this.link.lost) throw new QueueError(`${this.link.lost}: this worker stops; the parts it was writing are committed, and another worker resumes their jobs once Redis is back`);
    if (this.ending!.problem) throw this.ending!.problem;
    return this.summary;
  }

  /** Takes no new job from now on; the jobs in flight see `stopping` and end. */
  private finish(why: NonNullable<QueueWorker['ending']>): void {
    this.ending ??= why;
    this.closing ??= why.lost ? this.bull.close(true) : this.bull.close();
    this.end();
  }

  private readonly stopping = () => this.ending !== null;

  /** Back to the queue, for another worker (or this one once restarted); not counted as a failure. */
  private async handBack(job: Job<JobData>, token: string | undefined, why: string): Promise<never> {
    if (this.link.lost) this.log(`job ${job.id}: ${why}; another worker resumes it once Redis is back`);
    else {
      await this.link.whileUp(job.moveToWait(token));
      this.log(`job ${job.id}: ${why}; handed back to the queue`);
    }
    throw new WaitingError();
  }

  /** A job this worker cannot do, whoever takes it, ends the worker; the job goes back untouched. */
  private notForThisWorker(job: Job<JobData>, token: string | undefined, err: unknown): Promise<never> {
    if (!(err instanceof CtxembedError)) throw err;
    this.finish({ problem: err });
    return this.handBack(job, token, err.message);
  }

  /** Embeds a job into its part; the job completes once the part is synced and marked done. */
  private async process(job: Job<JobData>, token?: string): Promise<{ attempt: number }> {
    const data = job.data;
    const id = job.id!;
    const done = readDone(data.out, id);
    if (done) {
      this.log(`job ${id}: its part was done already (attempt ${done.attempt})`); // by a worker that died before it could say so
      return { attempt: done.attempt };
    }
    let m: Manifest;
    let lease: Awaited<ReturnType<WorkerModels['acquire']>>;
    try {
      m = checkJob(data);
      lease = await this.models.acquire(m, data.out);
    } catch (err) {
      return this.notForThisWorker(job, token, err);
    }
    const began = Date.now();
    this.log(`job ${id}: started, ${data.files.length} files`);
    let result: { summary: EmbedSummary; attempt: number };
    try {
      result = await embedPart(data.out, id, data.files, lease.model, {
        ...rowOptionsOf(m),
        recordModelAs: m.model,
        ...data.run,
        indexRows: Infinity, // a part is not searched: the run's tables get their indexes once merged
        shouldStop: this.stopping,
        onProgress: progressSender(job, this.name),
        onFileIssue: (source, entry) => this.log(`job ${id}: ${describeFileIssue(source, entry)}`),
        onInputChange: (c) => this.log(`job ${id}: ${c.kind === 'changed' ? 'changed since its part began' : 'no longer among the inputs'}: ${c.source}`),
      });
    } catch (err) {
      this.log(`job ${id}: attempt ${job.attemptsMade + 1} failed: ${(err as Error).message}`);
      throw err;
    } finally {
      lease.release();
    }
    const { summary: s, attempt } = result;
    if (s.stopped) return this.handBack(job, token, `stopped after ${s.rows} rows, committed in its part`);
    writeDone(data.out, id, { attempt, worker: this.name, summary: s });
    this.summary.jobs++;
    this.summary.rows += s.rows;
    this.summary.tokens += s.tokens;
    const seconds = (Date.now() - began) / 1000;
    const resumed = s.alreadyDone ? ` (and ${s.alreadyDone} done in the part before)` : '';
    this.log(`job ${id}: done in ${seconds.toFixed(1)} s: ${s.done} done${resumed}, ${s.skipped} skipped, ${s.failed} failed; ${s.rows} rows, ${Math.round(s.tokens / Math.max(seconds, 1e-3))} tokens/s`);
    return { attempt };
  }
}
