/**
 * Checks an output folder against its manifest before it is resumed or searched: every file the
 * format writes holds at least what the manifest commits (vectors.npy: its header and rows x dim
 * floats; the line files: the committed bytes, ending a line, with one line per row; a LanceDB
 * table: its committed version, holding its committed rows), and the files' row ranges tile the
 * committed rows. Anything short or inconsistent is refused with one
 * line naming the file; nothing is ever padded. Bytes past the commit are left to the writer,
 * which cuts them off.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { readChunks } from '../files';
import { connect, openCommitted } from './lance-table';
import { Manifest, MANIFEST_FILE } from './manifest';
import { NPY_HEADER_BYTES, readNpyHeader } from './npy';
import { OutputFormat } from './rows';
import { sinkFiles, NPY_FILE } from './writers';

/** Lines in the first `bytes` bytes of `file`, and whether they end with a line break. */
function countLines(file: string, bytes: number): { lines: number; endsLine: boolean } {
  let lines = 0;
  let last = -1;
  for (const chunk of readChunks(file, 0, bytes)) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1];
  }
  return { lines, endsLine: last === 10 };
}

/** What is wrong with `file` as the manifest describes it, or null. */
function problem(dir: string, file: string, manifest: Manifest): string | null {
  const { rows, dim, bytes } = manifest.committed;
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return 'missing';
  const size = fs.statSync(full).size;
  if (file === NPY_FILE) {
    const need = NPY_HEADER_BYTES + rows * dim * 4;
    if (size < need) return `${size} bytes, short of the ${need} that ${rows} rows of ${dim} floats take`;
    const header = readNpyHeader(full);
    if ('error' in header) return header.error;
    if (header.headerBytes !== NPY_HEADER_BYTES || header.dim !== dim || header.rows < rows) {
      return `its header says ${header.rows} x ${header.dim} (${header.headerBytes}-byte header), not the ${rows} x ${dim} (128-byte header) committed`;
    }
    return null;
  }
  const committed = bytes[file] ?? 0;
  if (size < committed) return `${size} bytes, short of the ${committed} committed`;
  const { lines, endsLine } = countLines(full, committed);
  if (lines !== rows || (committed > 0 && !endsLine)) return `its first ${committed} bytes hold ${lines} lines${endsLine || committed === 0 ? '' : ' and end mid-line'}, not the ${rows} rows committed`;
  return null;
}

/** The files' row ranges, in order, must cover [0, rows) exactly once. */
function rangesProblem(manifest: Manifest): string | null {
  const ranges = Object.entries(manifest.files)
    .filter(([, e]) => e.status === 'done' && e.rows)
    .map(([source, e]) => ({ source, first: e.rows![0], end: e.rows![1] }))
    .sort((a, b) => a.first - b.first);
  let next = 0;
  for (const r of ranges) {
    if (r.first !== next || r.end < r.first) return `the rows of ${r.source} start at ${r.first}, expected ${next}`;
    next = r.end;
  }
  return next === manifest.committed.rows ? null : `its files' rows end at ${next}, but it commits ${manifest.committed.rows}`;
}

/** Each table the manifest records must hold its rows at its committed version, and they add up to the committed rows. */
async function checkTables(dir: string, manifest: Manifest, remedy: string): Promise<void> {
  const tables = manifest.committed.tables ?? {};
  const rows = Object.values(tables).reduce((n, t) => n + t.rows, 0);
  if (rows !== manifest.committed.rows) throw new InputError(`${path.join(dir, MANIFEST_FILE)} is inconsistent: its tables hold ${rows} rows, but it commits ${manifest.committed.rows}; ${remedy}`);
  const db = await connect(dir);
  try {
    for (const [level, state] of Object.entries(tables)) (await openCommitted(db, dir, level, state, remedy)).close();
  } finally {
    db.close();
  }
}

/**
 * Throws an InputError when the outputs of `dir` do not hold what its manifest commits.
 * @param remedy what the user can do, appended to the message
 */
export async function checkOutputs(dir: string, manifest: Manifest, remedy: string): Promise<void> {
  const ranges = rangesProblem(manifest);
  if (ranges) throw new InputError(`${path.join(dir, MANIFEST_FILE)} is inconsistent: ${ranges}; ${remedy}`);
  if (manifest.committed.rows === 0) return;
  if (manifest.options.format === 'lance') return checkTables(dir, manifest, remedy);
  for (const file of sinkFiles(manifest.options.format as OutputFormat)) {
    const why = problem(dir, file, manifest);
    if (why) throw new InputError(`${path.join(dir, file)}: ${why}, so the folder no longer matches its manifest; ${remedy}`);
  }
}
