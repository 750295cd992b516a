/**
 * Checked, durable file writes. Every byte is written or an OutputError says why (disk full, not
 * writable); whole files go to a temporary name in the target's folder, are synced, and are
 * renamed over the target only when complete, so a reader never sees half a file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError, OutputError } from './errors';

/** What went wrong with `file`, in the words a user acts on. */
export function describeFsError(err: unknown, file: string): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `disk full: cannot write ${file} (no space left on the device)`;
    case 'EACCES':
    case 'EPERM':
      return `${file} is not writable (permission denied)`;
    case 'EROFS':
      return `${file} is not writable (read-only file system)`;
    case 'ENOENT':
      return `${path.dirname(file)} does not exist`;
    case 'ENOTDIR':
      return `a part of ${file} is a file, not a folder`;
    case 'EEXIST':
      return `${file} is a file, not a folder`;
    case 'EISDIR':
      return `${file} is a folder`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files while writing ${file}`;
    default:
      return `cannot write ${file} (${e?.message ?? String(err)})`;
  }
}

/** Wraps a file-system error as an OutputError naming the file; OutputErrors pass through. */
export function outputError(err: unknown, file: string): OutputError {
  return err instanceof OutputError ? err : new OutputError(describeFsError(err, file));
}

/** Writes all of `data` at `position` (null: the current offset), looping over short writes. */
export function writeAll(fd: number, data: Uint8Array, position: number | null, file: string): void {
  let done = 0;
  try {
    while (done < data.length) {
      const n = fs.writeSync(fd, data, done, data.length - done, position === null ? null : position + done);
      if (n <= 0) throw Object.assign(new Error('no bytes written'), { code: 'ENOSPC' });
      done += n;
    }
  } catch (err) {
    throw outputError(err, file);
  }
}

/** fsync, as an OutputError naming the file when it fails (a full disk can show up only here). */
export function syncFd(fd: number, file: string): void {
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    throw outputError(err, file);
  }
}

/** Why `dir` could not be made: a recursive mkdir under a read-only folder says ENOENT, so name the folder that refuses. */
function whyNoFolder(dir: string, err: unknown): string {
  let parent = path.dirname(path.resolve(dir));
  while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  try {
    fs.accessSync(parent, fs.constants.W_OK);
  } catch (denied) {
    return describeFsError(denied, parent);
  }
  return describeFsError(err, dir);
}

/** The size of `file`, or 0 when it cannot be read (its reading then fails with a reason of its own). */
export function sizeOrZero(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The bytes of `file` in [from, to), a megabyte at a time; each chunk is valid until the next is read. */
export function* readChunks(file: string, from = 0, to = Infinity): Generator<Buffer> {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (let pos = from; pos < to; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
      if (n <= 0) return;
      yield buf.subarray(0, n);
      pos += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts the open `file` back to `length` bytes; a file shorter than that is refused, never padded. */
export function cutBack(fd: number, file: string, length: number): void {
  const size = fs.fstatSync(fd).size;
  if (size < length) throw new InputError(`${file}: ${size} bytes, short of the ${length} bytes to keep`);
  try {
    fs.ftruncateSync(fd, length);
  } catch (err) {
    throw outputError(err, file);
  }
}

/** Opens `file` (created when missing) to write in place, keeping its first `keep` bytes and cutting off the rest. */
export function openKeeping(file: string, keep: number): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w+');
  } catch (err) {
    throw outputError(err, file);
  }
  try {
    cutBack(fd, file, keep);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/** Makes `dir` (and its parents) and checks that files can be created in it, before any long work. */
export function ensureWritableFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new OutputError(`cannot create the folder ${dir}: ${whyNoFolder(dir, err)}`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new OutputError(`${dir} is a file, not a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new OutputError(describeFsError(err, dir));
  }
}

/** Checks, before any long work, that `file` can be written: its folder exists or can be made, is writable, and `file` is no folder. */
export function ensureWritableFile(file: string): void {
  const abs = path.resolve(file);
  ensureWritableFolder(path.dirname(abs));
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) throw new OutputError(`${file} is a folder; name a file to write`);
}

export function syncFolder(dir: string): void {
  // The rename is durable once the folder's entry is; some file systems refuse fsync on a folder.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * A file written under a temporary name beside its target: `write` appends (checked), `commit`
 * syncs and renames it over the target, `abort` removes it. Use for any output that is written
 * whole and must never be seen half-written.
 */
export class AtomicFile {
  readonly tmp: string;
  private fd: number | null;

  constructor(readonly file: string) {
    const abs = path.resolve(file);
    this.tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.tmp`);
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      this.fd = fs.openSync(this.tmp, 'w');
    } catch (err) {
      throw outputError(err, file);
    }
  }

  write(data: Uint8Array | string): void {
    if (this.fd === null) throw new OutputError(`${this.file}: write after the file was closed`);
    writeAll(this.fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, null, this.file);
  }

  commit(): void {
    if (this.fd === null) throw new OutputError(`${this.file}: committed twice`);
    const fd = this.fd;
    try {
      syncFd(fd, this.file);
      fs.closeSync(fd);
      this.fd = null;
      fs.renameSync(this.tmp, path.resolve(this.file));
    } catch (err) {
      this.abort();
      throw outputError(err, this.file);
    }
    syncFolder(path.dirname(path.resolve(this.file)));
  }

  /** Removes the temporary file; safe to call at any time, also after commit. */
  abort(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    fs.rmSync(this.tmp, { force: true });
  }
}

/** Writes `data` to `file` atomically: temporary file, checked writes, fsync, rename. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const out = new AtomicFile(file);
  try {
    out.write(data);
  } catch (err) {
    out.abort();
    throw err;
  }
  out.commit();
}
