/**
 * The queue's speed, side by side in one run: a folder embedded by a one-machine
 * `embed --threads 1`, and by `embed --queue` with 1 and with 2 workers of one thread each (a
 * Redis of its own on a free loopback port). Each run is what a user starts: its own processes,
 * timed from the command's start to its end (workers are started before and take the model on
 * their first job). Rounds alternate the order, so that a busy spell of a shared machine does not
 * fall on one side only. Prints each run's seconds and tokens/s, the mean ratios (2 workers over
 * 1: the scaling; 1 worker over one machine: the queue's overhead) and the load average seen, and
 * checks that every output has the one-machine run's rows (meta identical, vectors within 1e-6).
 *
 *   npx ts-node --transpile-only scripts/bench-distributed.ts [--docs DIR] [--model DIR]
 *     [--rounds 2] [--job-size 50000] [--level sentence] [--keep]
 *
 * Defaults: ../shared/docs, the generated 4-layer, 256-wide model (ensureBenchModel('small')).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBenchModel, now, ROOT } from './bench-common';
import { readNpy } from '../src/store/npy';
import { startRedis } from './redis-server';

interface Args {
  docs: string;
  model: string | null;
  rounds: number;
  jobSize: number;
  level: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { docs: path.join(ROOT, '..', 'shared', 'docs'), model: null, rounds: 2, jobSize: 50_000, level: 'sentence', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--docs': a.docs = path.resolve(v); i++; break;
      case '--model': a.model = path.resolve(v); i++; break;
      case '--rounds': a.rounds = Number(v); i++; break;
      case '--job-size': a.jobSize = Number(v); i++; break;
      case '--level': a.level = v; i++; break;
      case '--keep': a.keep = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

const BIN = path.join(ROOT, 'bin', 'ctxembed.js');
const load = () => os.loadavg()[0];

/** `ctxembed args…` in its own process; its end, what it wrote to stderr and how long it took. */
function run(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; stderr: string; seconds: number }> } {
  const t0 = now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr, seconds: now() - t0 }))) };
}

interface Measured {
  side: string;
  round: number;
  seconds: number;
  tokens: number;
  load: number;
  out: string;
}

/** The run's tokens, from its summary line. */
function tokensOf(stderr: string): number {
  const m = /^finished: .*\((\d+) tokens in [\d.]+ s/m.exec(stderr);
  if (!m) throw new Error(`no summary in:\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

/** The largest difference between the vectors of `a` and of the reference, once their meta lines are found identical. */
function differs(a: string, reference: string): number {
  if (fs.readFileSync(path.join(a, 'meta.jsonl'), 'utf8') !== fs.readFileSync(path.join(reference, 'meta.jsonl'), 'utf8')) throw new Error(`${a}: its meta.jsonl is not the one-machine run's`);
  const x = readNpy(path.join(a, 'vectors.npy')).data;
  const y = readNpy(path.join(reference, 'vectors.npy')).data;
  if (x.length !== y.length) throw new Error(`${a}: ${x.length} floats, the one-machine run ${y.length}`);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(args.docs)) throw new Error(`${args.docs}: not there (../shared/docs, or give --docs DIR)`);
  const model = args.model ?? ensureBenchModel('small');
  const redis = await startRedis();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-bench-distributed-'));
  const embed = (out: string) => ['embed', args.docs, '--model', model, '--level', args.level, '--format', 'npy', '--out', out, '--quiet'];
  const sides: Record<string, (out: string) => Promise<{ seconds: number; stderr: string }>> = {
    'one machine, embed --threads 1': async (out) => {
      const r = await run([...embed(out), '--threads', '1']).done;
      if (r.code !== 0) throw new Error(`embed failed:\n${r.stderr.slice(-2000)}`);
      return r;
    },
    'queue, 1 worker of 1 thread': (out) => queued(out, 1),
    'queue, 2 workers of 1 thread': (out) => queued(out, 2),
  };
  async function queued(out: string, workers: number): Promise<{ seconds: number; stderr: string }> {
    const started = Array.from({ length: workers }, () => run(['worker', '--queue', redis.url, '--threads', '1', '--quiet']));
    try {
      const r = await run([...embed(out), '--queue', redis.url, '--job-size', String(args.jobSize)]).done;
      if (r.code !== 0) throw new Error(`embed --queue failed:\n${r.stderr.slice(-2000)}`);
      return r;
    } finally {
      for (const w of started) w.child.kill('SIGTERM');
      await Promise.all(started.map((w) => w.done));
    }
  }

  console.log(`${args.docs} on ${path.basename(model)}, ${args.level} rows, jobs of ${args.jobSize} tokens' worth; ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the start`);
  const results: Measured[] = [];
  const names = Object.keys(sides);
  try {
    for (let round = 1; round <= args.rounds; round++) {
      for (const side of round % 2 ? names : [...names].reverse()) {
        const out = path.join(scratch, `${round}-${names.indexOf(side)}`);
        const before = load();
        const r = await sides[side](out);
        const m: Measured = { side, round, seconds: r.seconds, tokens: tokensOf(r.stderr), load: (before + load()) / 2, out };
        results.push(m);
        console.log(`round ${round}: ${side}: ${m.seconds.toFixed(1)} s, ${Math.round(m.tokens / m.seconds)} tokens/s (load average ${before.toFixed(2)} → ${load().toFixed(2)})`);
      }
    }
    const reference = results.find((r) => r.side === names[0])!.out;
    const worst = Math.max(...results.filter((r) => r.out !== reference).map((r) => differs(r.out, reference)));
    const rate = (side: string) => {
      const mine = results.filter((r) => r.side === side);
      return mine.reduce((n, r) => n + r.tokens / r.seconds, 0) / mine.length;
    };
    console.log('\n| run | tokens/s (mean of rounds) | vs one machine | vs 1 worker |\n|---|---:|---:|---:|');
    for (const side of names) console.log(`| ${side} | ${Math.round(rate(side))} | ${(rate(side) / rate(names[0])).toFixed(2)}x | ${(rate(side) / rate(names[1])).toFixed(2)}x |`);
    console.log(`\n2 workers / 1 worker: ${(rate(names[2]) / rate(names[1])).toFixed(2)}x (target ≥ 1.7); 1 worker / one machine: ${(rate(names[1]) / rate(names[0])).toFixed(2)}x (target ≥ 0.9)`);
    console.log(`every output has the one-machine run's rows: meta identical, vectors within ${worst.toExponential(1)}`);
    console.log(`load average: ${Math.min(...results.map((r) => r.load)).toFixed(2)} to ${Math.max(...results.map((r) => r.load)).toFixed(2)} during the runs; ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end`);
  } finally {
    await redis.stop();
    if (!args.keep) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
