/**
 * Errors the CLI reports as one line, with the exit code they carry:
 * 2 for usage and model-loading errors, 1 for bad input the run cannot go on with.
 */
export class CtxembedError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad option or option combination. */
export class UsageError extends CtxembedError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A model that cannot be found or loaded. */
export class ModelLoadError extends CtxembedError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Input the run cannot go on with (a corpus with no words, a corrupt vectors file…): names the file and the reason. */
export class InputError extends CtxembedError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** An output that cannot be written (disk full, not writable): names the file; nothing half-written is left under its name. */
export class OutputError extends CtxembedError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** A queued run cannot go on: Redis cannot be reached or stopped answering, or a job failed for good. */
export class QueueError extends CtxembedError {
  constructor(message: string) {
    super(message, 1);
  }
}
