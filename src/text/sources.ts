/**
 * The files a run reads: files as given, folders walked recursively in a stable order, filtered
 * by --include / --exclude globs on their source path. Symbolic links are followed once: a folder
 * reached again (a loop, or two links to one place) is not walked twice.
 */
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { InputError } from '../errors';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the folder given (with `/`), or the file's name when a file was given. */
  source: string;
}

export interface SourceFilter {
  include?: string[];
  exclude?: string[];
}

export function listSources(paths: string[], filter: SourceFilter = {}): SourceFile[] {
  const opts = { dot: true };
  const include = filter.include?.length ? picomatch(filter.include, opts) : () => true;
  const exclude = filter.exclude?.length ? picomatch(filter.exclude, opts) : () => false;
  const keep = (source: string) => include(source) && !exclude(source);
  const out: SourceFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const add = (file: string, source: string) => {
    let real = file;
    try {
      real = fs.realpathSync(file);
    } catch {
      // A dangling link: listed, so that reading it fails with a reason.
    }
    if (seenFiles.has(real) || !keep(source)) return;
    seenFiles.add(real);
    out.push({ path: file, source });
  };
  const walk = (root: string, dir: string) => {
    const real = fs.realpathSync(dir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    const names = fs.readdirSync(dir).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      const source = path.relative(root, full).split(path.sep).join('/');
      let stat: fs.Stats | null = null;
      try {
        stat = fs.statSync(full); // follows links
      } catch {
        stat = null;
      }
      if (stat?.isDirectory()) walk(root, full);
      else if (!stat || stat.isFile()) add(full, source);
    }
  };
  for (const given of paths) {
    const abs = path.resolve(given);
    if (!fs.existsSync(abs)) throw new InputError(`${given}: no such file or folder`);
    if (fs.statSync(abs).isDirectory()) walk(abs, abs);
    else add(abs, path.basename(abs));
  }
  return out;
}
