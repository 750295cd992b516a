/**
 * The files a run reads: files as given, folders walked recursively in a stable order, filtered
 * by --include / --exclude globs on their source name. Symbolic links are followed once: a folder
 * or file reached again (a loop, two links to one place) is not listed twice. Things that are not
 * regular files (FIFOs, sockets, devices) are listed with what they are, for the caller to report;
 * they are never opened.
 */
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { InputError } from '../errors';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /**
   * The name rows carry: with one folder given, the path inside it (with `/`); with several
   * inputs, a folder's files are `<folder name>/<path inside it>`; a file given is its name.
   */
  source: string;
  /** What it is when not a regular file or folder (`a FIFO`…); never to be opened. */
  special?: string;
}

export interface SourceFilter {
  include?: string[];
  exclude?: string[];
  /** Folders never walked into (an output folder inside an input). */
  skipFolders?: string[];
}

/** A file system object's identity, the same however it is reached. */
const identity = (st: fs.Stats) => `${st.dev}:${st.ino}`;

function specialKind(st: fs.Stats): string | undefined {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return undefined;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file); // follows links
  } catch {
    return null;
  }
}

export function listSources(paths: string[], filter: SourceFilter = {}): SourceFile[] {
  const opts = { dot: true };
  const include = filter.include?.length ? picomatch(filter.include, opts) : () => true;
  const exclude = filter.exclude?.length ? picomatch(filter.exclude, opts) : () => false;
  const skip = new Set((filter.skipFolders ?? []).map(statOrNull).filter((st): st is fs.Stats => st !== null).map(identity));
  const out: SourceFile[] = [];
  const seen = new Set<string>();
  /** A dangling link has no stat: it is listed, so that reading it fails with a reason. */
  const add = (file: string, source: string, st: fs.Stats | null) => {
    if (!include(source) || exclude(source)) return;
    if (st) {
      if (seen.has(identity(st))) return;
      seen.add(identity(st));
    }
    const special = st ? specialKind(st) : undefined;
    out.push(special ? { path: file, source, special } : { path: file, source });
  };
  /** Depth first in name order, with an explicit stack (folders can nest thousands deep). */
  const walk = (root: string, rootStat: fs.Stats, prefix: string) => {
    const stack: { dir: string; rel: string; names: string[]; next: number }[] = [];
    /** Goes into `dir` (its files named `rel` + name), unless it was reached before or is never walked into. */
    const enter = (dir: string, st: fs.Stats, rel: string) => {
      if (seen.has(identity(st)) || skip.has(identity(st))) return;
      seen.add(identity(st));
      stack.push({ dir, rel, names: fs.readdirSync(dir).sort(), next: 0 });
    };
    enter(root, rootStat, prefix);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === top.names.length) {
        stack.pop();
        continue;
      }
      const name = top.names[top.next++];
      const full = `${top.dir}${path.sep}${name}`;
      const source = `${top.rel}${name}`;
      const st = statOrNull(full);
      if (st?.isDirectory()) enter(full, st, `${source}/`);
      else add(full, source, st);
    }
  };
  for (const given of paths) {
    const abs = path.resolve(given);
    const st = statOrNull(abs);
    if (!st) throw new InputError(`${given}: no such file or folder`);
    if (st.isDirectory()) walk(abs, st, paths.length > 1 ? `${path.basename(abs)}/` : '');
    else add(abs, path.basename(abs), st);
  }
  return out;
}

/** Refuses two files under one source name (two inputs with a folder or file of the same name). */
export function checkUniqueSources(files: SourceFile[]): void {
  const first = new Map<string, string>();
  for (const f of files) {
    const other = first.get(f.source);
    if (other !== undefined) throw new InputError(`${other} and ${f.path} would both be named ${f.source} in the outputs: give inputs with different names, or embed them into separate --out folders`);
    first.set(f.source, f.path);
  }
}
