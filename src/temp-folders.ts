/**
 * Temporary folders that never outlive the run: removed when released, when the process exits, and
 * on SIGINT, SIGTERM or SIGHUP, after which the process ends as the signal would have ended it.
 * Only kill -9 can leave one behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { OutputError } from './errors';
import { describeFsError } from './files';

const live = new Set<string>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function removeAll(): void {
  for (const dir of live) fs.rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (embed's Ctrl-C finishes its batch): the run goes on, and
  // the folders are released as usual.
  if (process.listenerCount(signal) > 1) return;
  removeAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', removeAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', removeAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** A fresh folder `<parent>/<prefix>XXXXXX` (parent: the system's temporary folder), removed at the latest when the process ends. */
export function makeTempFolder(prefix: string, parent = os.tmpdir()): string {
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(parent, prefix));
  } catch (err) {
    throw new OutputError(`cannot create a temporary folder in ${parent}: ${describeFsError(err, parent)}`);
  }
  if (live.size === 0) install();
  live.add(dir);
  return dir;
}

/** Removes a folder made by makeTempFolder, with everything in it. */
export function removeTempFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  if (live.delete(dir) && live.size === 0) uninstall();
}
