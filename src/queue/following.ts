/**
 * A coordinator following its run's jobs through the queue: parts merged into the output folder
 * in the plan's order as workers finish them (a part that cannot be merged is embedded again),
 * workers' news summed into progress, jobs failed for good noted, jobs Redis lost queued again,
 * and on a stop the waiting jobs taken off the queue.
 */
import { countEntry } from '../embed-folder';
import { InputError } from '../errors';
import { Manifest } from '../store/manifest';
import type { QueuedRunOptions, QueuedSummary } from './coordinator';
import { mergePart } from './merge';
import { attemptDir, readDone, removePart } from './parts';
import { PlannedJob } from './plan';
import { RunProgress } from './progress';
import { RunEvents, RunQueue } from './run-queue';

/** How often the queue is asked what its events may not have said. */
const SWEEP_MS = 5000;

/** Following a run's jobs through the queue: their parts merged in the plan's order as they finish, progress, failures, a stop. */
export class Following {
  /** Jobs before this one in the plan are merged. */
  next = 0;
  /** Jobs whose parts are done but not merged yet. */
  readonly ready: Set<string>;
  /** Jobs failed for good, with why. */
  readonly failed = new Map<string, string>();
  private readonly position: Map<string, number>;
  private lastSweep = Date.now();
  private woken: () => void = () => undefined;

  constructor(private readonly queue: RunQueue, private readonly out: string, private readonly jobs: PlannedJob[], public manifest: Manifest, private readonly summary: QueuedSummary, private readonly progress: RunProgress, private readonly options: QueuedRunOptions) {
    this.position = new Map(jobs.map((j, i) => [j.id, i]));
    this.ready = new Set(jobs.filter((j) => readDone(out, j.id)).map((j) => j.id));
  }

  private merged(id: string): boolean {
    return this.position.get(id)! < this.next;
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  private report(): void {
    this.options.onProgress?.(this.progress.now((id) => this.merged(id) || this.ready.has(id), this.manifest.committed.rows));
  }

  /** Ends the wait for news. */
  wake(): void {
    this.woken();
  }

  events(): RunEvents {
    return {
      progress: (id, p) => {
        this.progress.heard(id, p);
        this.report();
      },
      completed: (id) => {
        if (!this.merged(id)) this.ready.add(id);
        this.wake();
      },
      // A job merged already may still fail in a worker that lost it (its lock lapsed while it ran on).
      failed: (id, reason) => {
        if (!this.merged(id)) this.fail(id, reason);
        this.wake();
      },
    };
  }

  private fail(id: string, reason: string): void {
    if (this.failed.has(id)) return;
    this.failed.set(id, reason);
    this.log(`job ${id} failed for good: ${reason}`);
  }

  /** Until every job is merged, the run is stopped, or the jobs left failed (or wait behind one that did). */
  async follow(): Promise<void> {
    while (true) {
      await this.mergeFinished();
      const left = this.jobs.slice(this.next);
      if (left.length === 0) return;
      if (this.options.shouldStop?.()) return this.stop(left);
      if (this.failed.size > 0 && left.every((j) => this.failed.has(j.id) || this.ready.has(j.id))) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.woken = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (Date.now() - this.lastSweep >= SWEEP_MS) await this.sweep(this.jobs.slice(this.next));
      this.queue.throwIfLost();
    }
  }

  /** Every finished part at the head of the plan, merged; a part that cannot be is embedded again. */
  private async mergeFinished(): Promise<void> {
    while (this.next < this.jobs.length) {
      const job = this.jobs[this.next];
      const done = readDone(this.out, job.id);
      if (!done) return;
      try {
        const part = await mergePart(this.out, this.manifest, job.id, attemptDir(this.out, job.id, done.attempt), job.files);
        this.manifest = part.manifest;
        for (const [source, entry] of part.entries) countEntry(this.summary, this.options, source, entry);
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        this.log(`job ${job.id}: its part cannot be merged (${err.message}); it is embedded again`);
        removePart(this.out, job.id);
        this.ready.delete(job.id);
        await this.queue.add([job]);
        return;
      }
      removePart(this.out, job.id);
      this.ready.delete(job.id);
      this.next++;
      this.summary.tokens += done.summary.tokens;
      this.progress.finished(job.id, done.worker, done.summary.tokens);
      this.report();
    }
  }

  /** Jobs in flight finish into their parts (they are locked); the others leave the queue. */
  private async stop(left: PlannedJob[]): Promise<void> {
    this.summary.stopped = true;
    const taken = await this.queue.remove(left);
    this.log(`stopped: ${taken} job${taken === 1 ? '' : 's'} taken off the queue; the jobs in flight finish into their parts, which the next run merges`);
  }

  /**
   * What events may have missed (a coordinator started late, events trimmed): jobs that failed for
   * good, and jobs Redis no longer has while their parts are not done (a Redis restarted without
   * persistence), which are queued again.
   */
  private async sweep(left: PlannedJob[]): Promise<void> {
    this.lastSweep = Date.now();
    const states = await this.queue.states(left);
    const missing: PlannedJob[] = [];
    for (const [i, job] of left.entries()) {
      if (this.ready.has(job.id) || this.failed.has(job.id)) continue;
      if (states[i].state === 'failed') this.fail(job.id, states[i].failedReason ?? 'failed');
      // The state first, then the part: a part is marked done before its job leaves Redis.
      else if (states[i].state === 'unknown') {
        if (readDone(this.out, job.id)) this.ready.add(job.id);
        else missing.push(job);
      }
    }
    if (missing.length > 0) await this.queue.add(missing);
  }
}
