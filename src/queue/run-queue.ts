/**
 * The queue as one run sees it: its jobs added (an id already in the queue changes nothing), a
 * failed one retried, stale ones of its folder taken off, and the events of its jobs only. Every
 * Redis call gives up with a QueueError once the link's watch finds Redis gone.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { VERSION } from '../version';
import { awaitAtMost, QUEUE_NAME, RedisLink } from './connection';
import { JOB_OPTIONS, JobData, JobProgress, RunSettings } from './jobs';
import { folderTag, PlannedJob } from './plan';

export interface RunEvents {
  progress: (id: string, p: JobProgress) => void;
  completed: (id: string) => void;
  /** Failed for good: its retries are spent. */
  failed: (id: string, reason: string) => void;
}

export class RunQueue {
  private readonly queue: Queue<JobData>;
  private readonly events: QueueEvents;
  private readonly ids: Set<string>;

  constructor(private readonly link: RedisLink, private readonly out: string, private readonly inputs: string[], private readonly settings: RunSettings, jobs: PlannedJob[]) {
    this.ids = new Set(jobs.map((j) => j.id));
    this.queue = new Queue<JobData>(QUEUE_NAME, { connection: link.client() });
    // Reads of the event stream block 1 s at a time (not 10): BullMQ's guard on a read outlives a lost Redis by that much.
    this.events = new QueueEvents(QUEUE_NAME, { connection: link.client(), blockingTimeout: 1000 });
    // Connection errors: the link's watch decides when Redis is gone.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
  }

  /** Passes on the events of this run's jobs. */
  listen(on: RunEvents): void {
    this.events.on('progress', ({ jobId, data }) => this.ids.has(jobId) && typeof data === 'object' && on.progress(jobId, data as unknown as JobProgress));
    this.events.on('completed', ({ jobId }) => this.ids.has(jobId) && on.completed(jobId));
    this.events.on('failed', ({ jobId, failedReason }) => this.ids.has(jobId) && on.failed(jobId, failedReason));
  }

  /** Adds `jobs`; those in the queue already stay as they are. */
  async add(jobs: PlannedJob[]): Promise<void> {
    const data = (job: PlannedJob): JobData => ({ version: VERSION, out: this.out, inputs: this.inputs, files: job.files, run: this.settings });
    await this.link.whileUp(this.queue.addBulk(jobs.map((job) => ({ name: 'embed', data: data(job), opts: { ...JOB_OPTIONS, jobId: job.id } }))));
  }

  /**
   * Queues `jobs` (the run's unfinished jobs): jobs of this folder waiting from an earlier plan are
   * taken off (they would be done for nothing), jobs that failed for good are retried.
   */
  async start(jobs: PlannedJob[]): Promise<void> {
    const tag = `${folderTag(this.out)}-`;
    for (const job of await this.link.whileUp(this.queue.getJobs(['waiting', 'delayed', 'prioritized']))) {
      if (job?.id?.startsWith(tag) && !this.ids.has(job.id)) await this.link.whileUp(job.remove().catch(() => undefined));
    }
    await this.add(jobs);
    for (const job of await this.link.whileUp(this.queue.getJobs(['failed']))) {
      if (job?.id && this.ids.has(job.id)) await this.link.whileUp(job.retry('failed'));
    }
  }

  /** Takes `jobs` off the queue, but those a worker holds; returns how many. */
  async remove(jobs: PlannedJob[]): Promise<number> {
    let removed = 0;
    for (const job of jobs) removed += await this.link.whileUp(this.queue.remove(job.id));
    return removed;
  }

  /** Each job's state (`unknown`: not in Redis), and why the failed ones failed. */
  async states(jobs: PlannedJob[]): Promise<{ state: string; failedReason?: string }[]> {
    const states = await this.link.whileUp(Promise.all(jobs.map((j) => this.queue.getJobState(j.id))));
    return Promise.all(
      states.map(async (state, i) => {
        if (state !== 'failed') return { state };
        const job = (await this.link.whileUp(this.queue.getJob(jobs[i].id))) as Job | undefined;
        return { state, failedReason: job?.failedReason };
      }),
    );
  }

  throwIfLost(): void {
    this.link.throwIfLost();
  }

  /** Closes the run's connections; without Redis, BullMQ's own (which would wait for it forever) are cut first. */
  async close(): Promise<void> {
    const cut = this.link.lost ? [this.queue.disconnect(), this.events.disconnect()] : [];
    await awaitAtMost(Promise.all([...cut, this.queue.close(), this.events.close()]), 1000);
  }
}
