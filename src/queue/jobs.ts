/** What goes through the queue: a job's data, its progress, and how BullMQ treats it. */
import type { JobsOptions } from 'bullmq';
import type { SourceFile } from '../text/sources';

/** Settings of a run that workers need and the manifest does not record (they change no vector). */
export interface RunSettings {
  maxFileBytes: number;
  batchTokens?: number;
  /** The format's default when unset. */
  commitSeconds?: number;
}

export interface JobData {
  /** The coordinator's ctxembed version: a worker of another version refuses the job. */
  version: string;
  /** The output folder, absolute: the same path on every machine (a shared filesystem). */
  out: string;
  /** The inputs as the coordinator was given them, absolute: a worker that cannot see them is not on the shared filesystem. */
  inputs: string[];
  /** The job's files, in the order of a one-machine run. */
  files: SourceFile[];
  run: RunSettings;
}

/** What a worker reports while it embeds a job (its current attempt). */
export interface JobProgress {
  /** `host:pid` of the worker. */
  worker: string;
  files: number;
  bytes: number;
  tokens: number;
  rows: number;
}

/**
 * Failures are retried twice (a full disk may have been cleared); a job whose worker died is
 * handed on (it resumes the part) up to 5 times, then failed: something in it kills workers.
 * Finished jobs leave Redis: what is done is known from the output folder.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
export const MAX_STALLED = 5;
