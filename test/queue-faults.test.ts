/**
 * A queued run keeps the promises of a one-machine run when its processes die, on a real Redis:
 * workers killed with kill -9 in the middle of a job (their jobs stall and another worker resumes
 * their parts), the coordinator killed and started again (it merges what is done and queues
 * nothing finished), Redis stopped (everyone says so and exits non-zero; a rerun once it is back
 * completes the output), a part locked by another host's worker (copied into a new attempt). Each
 * time the output equals a one-machine run's, no row lost or repeated.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { expectExactlyCommitted, lines, startCtxembed } from './cli';
import { tmpDir } from './fixtures';
import { expectSameOutput, expectSameTables, jobCounts, makeCorpus, singleRun, startWorker, stopWorkers, TINY } from './queue';
import { redisPerFile, startRedis } from './redis';

const EMBED = (docs: string) => ['embed', docs, '--model', TINY, '--level', 'token', '--level', 'sentence', '--format', 'npy'];
/** Jobs of several files, committed after each file and in small batches: slow enough to be caught in the middle. */
const SLOW = ['--job-size', '600', '--batch-tokens', '64', '--commit-seconds', '0'];

let docs: string;
let single: string;
const { maybe, redis } = redisPerFile(() => {
  docs = makeCorpus(160);
  single = singleRun(EMBED(docs));
});

/** Resolves once `check` returns something, polling every 5 ms; fails after `seconds`. */
async function until<T>(what: string, check: () => T | null | undefined, seconds = 60): Promise<T> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
    try {
      const found = check();
      if (found) return found;
    } catch {
      // a file read while it is replaced: look again
    }
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The job whose part the process `pid` holds, once its manifest counts at least `files` files. */
function partInProgress(out: string, pid: number, files: number): string | null {
  const parts = path.join(out, '.queue', 'parts');
  for (const job of fs.existsSync(parts) ? fs.readdirSync(parts) : []) {
    for (const attempt of fs.readdirSync(path.join(parts, job)).filter((a) => /^\d+$/.test(a))) {
      const dir = path.join(parts, job, attempt);
      const lock = path.join(dir, '.lock');
      if (!fs.existsSync(lock) || JSON.parse(fs.readFileSync(lock, 'utf8')).pid !== pid) continue;
      const m = readManifest(dir);
      if (m && Object.keys(m.files).length >= files) return job;
    }
  }
  return null;
}

/** Jobs merged into `out` so far. */
function mergedJobs(out: string): Set<string> {
  return new Set(Object.values(readManifest(out)?.files ?? {}).map((e) => e.part!));
}

maybe('kill -9 of a worker in the middle of a job, twice at random moments: the run completes, equal to a one-machine run', async () => {
  const url = `${redis().url}/1`;
  const out = tmpDir('queue-killed');
  const workers = [startWorker(url), startWorker(url)];
  const coordinator = startCtxembed([...EMBED(docs), '--out', out, '--queue', url, ...SLOW, '--quiet']);
  const killed: { job: string; files: number }[] = [];
  for (const victim of [workers[0], workers[1]]) {
    // after 1 to 3 files of a job of some 8 committed in its part
    const files = 1 + Math.floor(Math.random() * 3);
    const job = await until(`worker ${victim.child.pid} in the middle of a job`, () => partInProgress(out, victim.child.pid!, files));
    victim.child.kill('SIGKILL');
    killed.push({ job, files });
    workers.push(startWorker(url));
  }
  const r = await coordinator.done;
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^finished: 160 done, 2 skipped, 0 failed of 162 files;/m) });
  const logs = (await stopWorkers(workers.slice(2))).map((w) => w.stderr);
  logs.push(...(await Promise.all(workers.slice(0, 2).map((w) => w.done))).map((w) => w.stderr));
  // Each killed job was finished by another worker from the rows its part had committed.
  for (const { job, files } of killed) {
    const resumed = logs.flatMap(lines).find((l) => l.startsWith(`ctxembed worker: job ${job}: done in`));
    expect(resumed).toMatch(/\(and (\d+) done in the part before\)/);
    expect(Number(/\(and (\d+) done/.exec(resumed!)![1])).toBeGreaterThanOrEqual(files);
  }
  expect([...jobCounts(logs, 'done in').values()].every((n) => n === 1)).toBe(true);
  expectSameOutput(out, single);
});

maybe('a part locked by a worker of another host (dead, or alive but cut off from Redis) is never written again: the next worker copies what it committed into a new attempt (lance)', async () => {
  const url = `${redis().url}/3`;
  const lance = ['embed', docs, '--model', TINY, '--level', 'sentence', '--level', 'document', '--format', 'lance'];
  const out = tmpDir('queue-elsewhere');
  const first = startWorker(url);
  const coordinator = startCtxembed([...lance, '--out', out, '--queue', url, ...SLOW, '--quiet']);
  const job = await until('a job half done', () => partInProgress(out, first.child.pid!, 2));
  first.child.kill('SIGKILL');
  await first.done;
  // as if that worker had run on another machine: its lock is not this host's to take over
  const attempt = path.join(out, '.queue', 'parts', job, '1');
  const lock = path.join(attempt, '.lock');
  fs.writeFileSync(lock, JSON.stringify({ ...JSON.parse(fs.readFileSync(lock, 'utf8')), host: 'elsewhere' }));
  const committed = Object.keys(readManifest(attempt)!.files).length;
  const [next] = [startWorker(url)];
  const r = await coordinator.done;
  const [log] = (await stopWorkers([next])).map((w) => w.stderr);
  expect(r.code).toBe(0);
  expect(log).toContain(`ctxembed worker: job ${job}: done in`);
  expect(Number(new RegExp(`job ${job}: done in .*\\(and (\\d+) done in the part before\\)`).exec(log)![1])).toBe(committed);
  await expectSameTables(out, singleRun(lance));
});

maybe('the coordinator killed and started again: it merges what workers finished meanwhile and queues no finished job again', async () => {
  const url = `${redis().url}/2`;
  const out = tmpDir('queue-coordinator');
  const workers = [startWorker(url), startWorker(url)];
  const args = [...EMBED(docs), '--out', out, '--queue', url, ...SLOW, '--quiet'];
  const first = startCtxembed(args);
  await until('a first job merged', () => mergedJobs(out).size > 0 || null);
  first.child.kill('SIGKILL');
  await first.done;
  const before = mergedJobs(out);
  const total = Number(/^ctxembed: (\d+) jobs/m.exec((await first.done).stderr)![1]);
  expect(before.size).toBeLessThan(total);
  await new Promise((r) => setTimeout(r, 500)); // workers go on meanwhile
  const second = startCtxembed(args);
  const r = await second.done;
  expect(r.code).toBe(0);
  const plan = /^ctxembed: (\d+) jobs of about 600 tokens' worth of files: (\d+) merged before, (\d+) done and waiting to be merged, (\d+) in the queue/m.exec(r.stderr)!;
  expect(Number(plan[2])).toBe(before.size);
  expect(Number(plan[1])).toBe(total - before.size);
  expect(Number(plan[3]) + Number(plan[4])).toBe(total - before.size);
  const logs = (await stopWorkers(workers)).map((w) => w.stderr);
  // every job embedded exactly once: none was queued again once finished
  const started = jobCounts(logs, 'started');
  expect(started.size).toBe(total);
  expect([...started.values()].every((n) => n === 1)).toBe(true);
  expect(jobCounts(logs, 'its part was done already').size).toBe(0);
  expectSameOutput(out, single);
});

maybe('Redis stopped while workers run: workers and coordinator say so and exit non-zero; once it is back, a rerun completes the output', async () => {
  const own = await startRedis();
  try {
    const out = tmpDir('queue-redis-gone');
    const args = [...EMBED(docs), '--out', out, '--queue', own.url, ...SLOW, '--quiet'];
    const workers = [startWorker(own.url), startWorker(own.url)];
    const coordinator = startCtxembed(args);
    await until('a first job merged', () => mergedJobs(out).size > 0 || null);
    await own.stop();
    const [c, ...w] = await Promise.all([coordinator.done, ...workers.map((x) => x.done)]);
    expect(c.code).toBe(1);
    const where = own.url.replace(/[/.]/g, '\\$&');
    expect(lines(c.stderr).pop()).toMatch(new RegExp(`^ctxembed: lost Redis at ${where} \\(.+\\): the coordinator stops; ${out} holds the \\d+ jobs merged so far \\(\\d+ rows\\): once Redis is back, run the same command again to resume$`));
    for (const x of w) {
      expect(x.code).toBe(1);
      expect(lines(x.stderr).pop()).toMatch(new RegExp(`^ctxembed: lost Redis at ${where} \\(.+\\): this worker stops; the parts it was writing are committed, and another worker resumes their jobs once Redis is back$`));
    }
    // what is merged is whole and as the manifest says
    expectExactlyCommitted(out);
    await own.start();
    const again = [startWorker(own.url), startWorker(own.url)];
    const rerun = startCtxembed(args);
    const r = await rerun.done;
    await stopWorkers(again);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^ctxembed: \d+ jobs of about 600 tokens' worth of files: [1-9]\d* merged before/m);
    expectSameOutput(out, single);
  } finally {
    await own.stop();
  }
});
