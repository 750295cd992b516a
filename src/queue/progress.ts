/**
 * A queued run's progress over all its workers: files done before the run and jobs finished count
 * whole, jobs in flight as far as their workers last said; tokens are summed over every attempt
 * seen (a job resumed elsewhere counts the work of each).
 */
import type { FolderProgress } from '../embed-folder';
import { JobProgress } from './jobs';
import { PlannedJob } from './plan';

export interface QueueProgress extends FolderProgress {
  jobs: number;
  /** Jobs whose parts are finished (merged or waiting to be). */
  jobsDone: number;
  /** Workers seen working on this run. */
  workers: number;
}

export class RunProgress {
  private readonly latest = new Map<string, JobProgress>();
  private readonly tokens = new Map<string, number>();
  readonly workers = new Set<string>();
  private readonly bytesTotal: number;

  /** @param before files done before the run (and their bytes) */
  constructor(private readonly jobs: PlannedJob[], private readonly filesTotal: number, private readonly before: { files: number; bytes: number }) {
    this.bytesTotal = before.bytes + jobs.reduce((n, j) => n + j.bytes, 0);
  }

  /** A worker's news of a job. */
  heard(id: string, p: JobProgress): void {
    this.latest.set(id, p);
    this.tokens.set(`${id} ${p.worker}`, p.tokens);
    this.workers.add(p.worker);
  }

  /** A job's part finished by `worker` after `tokens` tokens (news of its last moments may never have come). */
  finished(id: string, worker: string, tokens: number): void {
    this.tokens.set(`${id} ${worker}`, tokens);
    this.workers.add(worker);
  }

  /** Where the run stands; `finished` says which jobs' parts are done, `rows` how many rows the folder has. */
  now(finished: (id: string) => boolean, rows: number): QueueProgress {
    let { files, bytes } = this.before;
    let jobsDone = 0;
    for (const job of this.jobs) {
      const whole = finished(job.id);
      const p = whole ? { files: job.files.length, bytes: job.bytes } : this.latest.get(job.id);
      files += p?.files ?? 0;
      bytes += p?.bytes ?? 0;
      jobsDone += whole ? 1 : 0;
    }
    const tokens = [...this.tokens.values()].reduce((a, b) => a + b, 0);
    return { files, filesTotal: this.filesTotal, bytes, bytesTotal: this.bytesTotal, tokens, rows, jobs: this.jobs.length, jobsDone, workers: this.workers.size };
  }
}
