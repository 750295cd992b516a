/**
 * Listing a folder chain DEPTH deep (default 1,500, one file at the bottom) against a flat folder
 * with as many entries, in one run: the ratio shows whether walking costs grow with depth squared
 * (it did while every folder's real path was resolved component by component).
 *   npx ts-node --transpile-only scripts/bench-deep-folders.ts [DEPTH]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listSources } from '../src/text/sources';

const depth = Number(process.argv[2] ?? 1500);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-bench-deep-'));
try {
  const deep = path.join(work, 'deep');
  const bottom = path.join(deep, ...Array(depth).fill('d'));
  fs.mkdirSync(bottom, { recursive: true });
  fs.writeFileSync(path.join(bottom, 'deep.txt'), 'four little tokens here');
  const flat = path.join(work, 'flat');
  for (let i = 0; i < depth; i++) fs.mkdirSync(path.join(flat, `d${i}`), { recursive: true });
  fs.writeFileSync(path.join(flat, 'flat.txt'), 'four little tokens here');

  const time = (dir: string) => {
    const t = process.hrtime.bigint();
    const files = listSources([dir]);
    if (files.length !== 1) throw new Error(`expected one file under ${dir}, found ${files.length}`);
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  time(flat); // warm up
  const f = Math.min(time(flat), time(flat), time(flat));
  const d = Math.min(time(deep), time(deep), time(deep));
  console.log(`flat, ${depth} folders side by side: ${f.toFixed(3)} s`);
  console.log(`deep, ${depth} folders nested:       ${d.toFixed(3)} s`);
  console.log(`deep / flat: ${(d / f).toFixed(1)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
