/** Helpers of the queued-run tests: documents, workers as processes, and the one-machine run a queued output must equal. */
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { readNpy } from '../src/store/npy';
import { CliResult, ctxembed, expectExactlyCommitted, lines, readJsonl, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { readTables } from './lance';

export const TINY = fixtureModel('tiny');

const SENTENCES = ['The river bank was muddy after the rain.', 'She deposited money at the bank.', 'Unbelievable tokenization happens here!', 'A quiet evening.', 'Prices rose 3.5 percent in May, officials said.'];

/** `n` documents of 3 to 22 sentences (`doc 000.txt`…), in two folders, plus an empty and a binary file (skipped). */
export function makeCorpus(n: number): string {
  const dir = tmpDir('queue-docs');
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, i % 3 ? 'a' : 'b');
    fs.mkdirSync(sub, { recursive: true });
    const text = Array.from({ length: 3 + ((i * 7) % 20) }, (_, k) => SENTENCES[(i + k * k) % SENTENCES.length]).join(i % 4 ? ' ' : '\n\n');
    fs.writeFileSync(path.join(sub, `doc ${String(i).padStart(3, '0')}.txt`), `${text}\n`);
  }
  fs.writeFileSync(path.join(dir, 'a', 'empty.txt'), '');
  fs.writeFileSync(path.join(dir, 'b', 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  return dir;
}

const workers = new Set<ChildProcess>();
// A test that fails halfway leaves no worker behind.
process.on('exit', () => workers.forEach((w) => w.kill('SIGKILL')));

/** A worker process on the queue at `url`; a silent worker's job is handed on after 2 s. */
export function startWorker(url: string, extra: string[] = []): ReturnType<typeof startCtxembed> {
  const worker = startCtxembed(['worker', '--queue', url, '--stall-seconds', '2', ...extra]);
  workers.add(worker.child);
  worker.child.once('exit', () => workers.delete(worker.child));
  return worker;
}

/** Stops workers as a service manager does (SIGTERM) and returns what they printed; each must end well. */
export async function stopWorkers(workers: ReturnType<typeof startCtxembed>[]): Promise<CliResult[]> {
  for (const w of workers) w.child.kill('SIGTERM');
  const results = await Promise.all(workers.map((w) => w.done));
  for (const r of results) expect({ code: r.code, stderr: r.stderr.slice(-500) }).toEqual({ code: 0, stderr: expect.stringMatching(/stopped after \d+ jobs?/) });
  return results;
}

/** How often each job id appears in worker logs with `what` (`started`, `done in`…). */
export function jobCounts(logs: string[], what: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of logs.flatMap(lines)) {
    const m = new RegExp(`^ctxembed worker: job (\\S+): ${what}`).exec(line);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}

/** The one-machine run of `args` (an embed command without --out). */
export function singleRun(args: string[]): string {
  const out = tmpDir('queue-single');
  const r = ctxembed([...args, '--out', out, '--quiet']);
  expect(r.code).toBe(0);
  return out;
}

/**
 * The files' entries of `out` are those of the one-machine run `single` (but for the job that made
 * them: every file's but those of `oneMachine`, done in `out` by a one-machine run, which none made),
 * and nothing of the queue is left in `out`.
 */
function expectSameEntries(out: string, single: string, oneMachine: string[] = []): void {
  // (the order of the entries is not the rows' order: a one-machine run records a skipped file while the files before it are still being embedded)
  const withoutPart = (dir: string) => Object.fromEntries(Object.entries(readManifest(dir)!.files).map(([source, { part, ...e }]) => [source, e]));
  expect(withoutPart(out)).toEqual(withoutPart(single));
  expect(Object.entries(readManifest(out)!.files).every(([source, e]) => (oneMachine.includes(source) ? e.part === undefined : e.part))).toBe(true);
  expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
}

/** The largest difference between two runs of vectors, once they are found as many. */
function largestDifference(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  expect(a.map((v) => v.length)).toEqual(b.map((v) => v.length));
  let worst = 0;
  a.forEach((v, i) => {
    for (let j = 0; j < v.length; j++) worst = Math.max(worst, Math.abs(v[j] - b[i][j]));
  });
  return worst;
}

/**
 * `out` holds exactly the rows of the one-machine run `single`: the same meta lines (or rows
 * without vectors), vectors within 1e-6, the same manifest entries (but for the job that made
 * them; `oneMachine`: files a one-machine run did in `out`), exactly what the manifest commits,
 * and nothing of the queue left behind.
 */
export function expectSameOutput(out: string, single: string, oneMachine: string[] = []): void {
  const m = readManifest(out)!;
  expect(m.committed.rows).toBe(readManifest(single)!.committed.rows);
  expect(expectExactlyCommitted(out)).toBe(m.committed.rows);
  expectSameEntries(out, single, oneMachine);
  if (m.options.format === 'npy') {
    expect(fs.readFileSync(path.join(out, 'meta.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(single, 'meta.jsonl'), 'utf8'));
    const [a, b] = [out, single].map((d) => readNpy(path.join(d, 'vectors.npy')));
    expect(largestDifference([a.data], [b.data])).toBeLessThan(1e-6);
  } else {
    const [a, b] = [out, single].map((d) => readJsonl(path.join(d, 'embeddings.jsonl')));
    expect(a.map(({ vector, ...row }) => row)).toEqual(b.map(({ vector, ...row }) => row));
    expect(largestDifference(a.map((r) => r.vector), b.map((r) => r.vector))).toBeLessThan(1e-6);
  }
}

/** The same for LanceDB tables, read by hand: the same rows (their numbers and fields) at the committed versions, vectors within 1e-6. */
export async function expectSameTables(out: string, single: string): Promise<void> {
  expectSameEntries(out, single);
  const [a, b] = await Promise.all([readTables(out), readTables(single)]);
  expect(a.map((r) => [r.row, r.fields])).toEqual(b.map((r) => [r.row, r.fields]));
  expect(largestDifference(a.map((r) => r.vector), b.map((r) => r.vector))).toBeLessThan(1e-6);
}
