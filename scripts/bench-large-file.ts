/**
 * Memory of `embed --level sentence` on one large one-line file (default 200 MB, run for
 * --seconds, default 60, then stopped as Ctrl-C stops it) against a small one (2 MB, run to the
 * end), side by side in one run, each in a process of its own: peak RSS, megabytes embedded,
 * rows. Bounded memory shows as a ratio near 1 however much of the large file was embedded.
 *   npx ts-node --transpile-only scripts/bench-large-file.ts [--mb 200] [--seconds 60] [--model DIR]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from './bench-common';
import { FIXTURE_DEFAULTS, makeFixtureModel } from './make-fixture-model';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

interface Measure {
  mb: number;
  rows: number;
  peakRssMb: number;
  seconds: number;
}

/** In the child: embeds `file` for at most `seconds`, sampling its own RSS. */
async function child(file: string, model: string, out: string, seconds: number): Promise<void> {
  const { loadContextualModel } = await import('../src/contextual/model');
  const { embedFolder } = await import('../src/embed-folder');
  const m = await loadContextualModel({ model });
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const began = Date.now();
  let bytes = 0;
  const summary = await embedFolder([file], m, {
    out,
    levels: ['sentence'],
    format: 'npy',
    maxFileBytes: 2 ** 40,
    shouldStop: () => Date.now() - began > seconds * 1000,
    onProgress: (p) => (bytes = p.bytes),
  });
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rows = fs.readFileSync(path.join(out, 'meta.jsonl')).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  const result: Measure = { mb: bytes / 1048576, rows: summary.stopped ? rows : summary.rows, peakRssMb: peak / 1048576, seconds: (Date.now() - began) / 1000 };
  console.log(JSON.stringify(result));
  await m.dispose();
}

/** A one-line file of about `mb` megabytes of sentences. */
function oneLineFile(file: string, mb: number): void {
  const pool = ['The river rose overnight.', 'Officials said roads were closed!', 'Would the bridge hold?', 'Prices rose 3.5 percent in May.', 'Mr. Smith met Dr. J. Doe at the bank.'];
  const fd = fs.openSync(file, 'w');
  const block = Array.from({ length: 20000 }, (_, i) => pool[(i * 7) % pool.length]).join(' ') + ' ';
  for (let written = 0; written < mb * 1048576; written += block.length) fs.writeSync(fd, block);
  fs.closeSync(fd);
}

function measure(file: string, model: string, seconds: number, work: string): Measure {
  const out = fs.mkdtempSync(path.join(work, 'out-'));
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', file, model, out, String(seconds)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`the embed run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6]));
  const mb = Number(arg('mb', '200'));
  const seconds = Number(arg('seconds', '60'));
  let model = arg('model', '');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-bench-large-'));
  try {
    if (!model) {
      model = path.join(ROOT, '.cache', 'fixture-models', 'tiny');
      if (!fs.existsSync(path.join(model, 'onnx', 'model.onnx'))) makeFixtureModel({ ...FIXTURE_DEFAULTS, out: model });
    }
    const small = path.join(work, 'small.txt');
    const large = path.join(work, 'large.txt');
    oneLineFile(small, 2);
    oneLineFile(large, mb);
    console.log(`model ${model}; one-line files of 2 MB and ${mb} MB (the large one stopped after ${seconds} s)`);
    const a = measure(small, model, 3600, work);
    const b = measure(large, model, seconds, work);
    const row = (name: string, x: Measure) => console.log(`${name.padEnd(8)} ${x.mb.toFixed(1).padStart(8)} MB embedded ${String(x.rows).padStart(10)} rows ${x.seconds.toFixed(1).padStart(7)} s   peak RSS ${x.peakRssMb.toFixed(0).padStart(6)} MB`);
    row('2 MB', a);
    row(`${mb} MB`, b);
    console.log(`peak RSS large / small: ${(b.peakRssMb / a.peakRssMb).toFixed(2)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
