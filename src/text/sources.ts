/** The files a run reads: files as given, folders walked recursively in a stable order. */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the folder given (with `/`), or the file's name when a file was given. */
  source: string;
}

export function listSources(paths: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  for (const given of paths) {
    const abs = path.resolve(given);
    if (!fs.existsSync(abs)) throw new InputError(`${given}: no such file or folder`);
    if (fs.statSync(abs).isDirectory()) walk(abs, abs, out);
    else out.push({ path: abs, source: path.basename(abs) });
  }
  return out;
}

function walk(root: string, dir: string, out: SourceFile[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(root, full, out);
    else if (e.isFile()) out.push({ path: full, source: path.relative(root, full).split(path.sep).join('/') });
  }
}
