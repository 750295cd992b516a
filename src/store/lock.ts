/**
 * An exclusive lock on an output folder: DIR/.lock holds the owner's pid, host, start time and
 * command. It is created whole (written under a temporary name, then hard-linked to its name,
 * which fails when the name exists), so no reader ever sees an empty lock. A lock whose owner
 * is a process on this host that no longer runs (kill -9, a crash) is stale and taken over;
 * any other lock refuses the second writer.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputError } from '../errors';
import { outputError } from '../files';

export const LOCK_FILE = '.lock';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  command: string;
}

/** The folder is locked by another run (or a run of another host, which is never taken over). */
export class FolderInUseError extends OutputError {}

export interface FolderLock {
  readonly file: string;
  release(): void;
}

/** Locks held by this process, released if it exits without releasing them (process.exit on a second Ctrl-C). */
const held = new Set<string>();
const releaseAll = () => {
  for (const file of held) removeIfOwn(file);
};

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function removeIfOwn(file: string): void {
  const owner = readOwner(file);
  if (owner && owner.pid === process.pid && owner.host === os.hostname()) fs.rmSync(file, { force: true });
  held.delete(file);
  if (held.size === 0) process.off('exit', releaseAll);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock this process may take over: its owner was on this host and is gone. */
function isStale(owner: LockOwner): boolean {
  return owner.host === os.hostname() && owner.pid !== process.pid && !running(owner.pid);
}

function describe(owner: LockOwner): string {
  return `pid ${owner.pid} on ${owner.host}, since ${owner.since}${owner.command ? `: ${owner.command}` : ''}`;
}

/** Creates `file` as a hard link to the complete `tmp`; where links are not supported (FAT, some network drives), exclusively. */
function create(tmp: string, file: string, owner: LockOwner): void {
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    fs.writeFileSync(file, JSON.stringify(owner), { flag: 'wx' });
  }
}

/** This process's command line, short: `ctxembed.js embed docs --out out`. */
function thisCommand(): string {
  const line = [path.basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Takes the lock on `dir` (which must exist) or throws an OutputError naming its owner.
 * @param command what the owner is doing, shown to a refused second writer
 */
export function lockFolder(dir: string, command = thisCommand()): FolderLock {
  const file = path.join(dir, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), command };
  const tmp = path.join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, JSON.stringify(mine));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw outputError(err, tmp);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        create(tmp, file, mine);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(err, file);
      }
      const owner = readOwner(file);
      if (!owner) throw new OutputError(`${file} is not a lock file ctxembed can read; if no other run uses ${dir}, remove it`);
      if (!isStale(owner) || attempt > 3) throw new FolderInUseError(`${dir} is in use by another run (${describe(owner)}); wait for it to end, or remove ${file} if that run is gone`);
      // Stale: remove it unless another process took it over in between, then try again.
      const again = readOwner(file);
      if (again && again.pid === owner.pid && again.since === owner.since) fs.rmSync(file, { force: true });
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  if (held.size === 0) process.once('exit', releaseAll);
  held.add(file);
  return {
    file,
    release: () => removeIfOwn(file),
  };
}
