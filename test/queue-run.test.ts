/**
 * A queued run (embed --queue) on a real Redis with workers as separate processes gives exactly
 * the output of a one-machine run of the same folder; `query` reads it as it is; a rerun finds
 * every job finished; progress adds up every worker's; LanceDB tables get their rows and their
 * ANN index as a one-machine run's.
 */
import { loadContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { queryIndex } from '../src/query';
import { embedFolderQueued } from '../src/queue/coordinator';
import { QueueProgress } from '../src/queue/progress';
import { Level } from '../src/store/rows';
import { ctxembed, lines } from './cli';
import { tmpDir } from './fixtures';
import { expectSameOutput, expectSameTables, jobCounts, makeCorpus, singleRun, startWorker, stopWorkers, TINY } from './queue';
import { redisPerFile } from './redis';

let docs: string;
const { maybe, redis } = redisPerFile(() => (docs = makeCorpus(90)));

maybe('three workers: the merged output equals a one-machine run row by row, and query reads it', async () => {
  const embed = ['embed', docs, '--model', TINY, '--level', 'sentence', '--level', 'document', '--format', 'npy'];
  const single = singleRun(embed);
  const url = `${redis().url}/1`;
  const workers = [startWorker(url), startWorker(url), startWorker(url)];
  const out = tmpDir('queue-out');
  const r = ctxembed([...embed, '--out', out, '--queue', url, '--job-size', '150', '--batch-tokens', '128']);
  const logs = (await stopWorkers(workers)).map((w) => w.stderr);
  expect(r.code).toBe(0);
  const plan = /^ctxembed: (\d+) jobs of about 150 tokens' worth of files: 0 merged before, 0 done and waiting to be merged, (\d+) in the queue at redis:\/\/127\.0\.0\.1:\d+\/1$/m.exec(r.stderr)!;
  const jobs = Number(plan[1]);
  expect(jobs).toBeGreaterThan(10);
  expect(Number(plan[2])).toBe(jobs);
  // the files the one-machine run skips are skipped here too, named on stderr as there
  expect(r.stderr).toContain('ctxembed: skipped a/empty.txt: empty file');
  expect(r.stderr).toMatch(/^ctxembed: skipped b\/image\.bin: binary file/m);
  expect(r.stderr).toMatch(new RegExp(`^finished: 90 done, 2 skipped, 0 failed of 92 files; \\d+ rows in ${out} \\(\\d+ tokens in [\\d.]+ s; ${jobs} jobs on [123] workers?\\)$`, 'm'));
  // each job taken once and finished once, by whichever worker
  const done = jobCounts(logs, 'done in');
  expect(done.size).toBe(jobs);
  expect([...done.values()].every((n) => n === 1)).toBe(true);
  expect([...jobCounts(logs, 'started').values()].every((n) => n === 1)).toBe(true);
  expectSameOutput(out, single);
  const query = (index: string) => ctxembed(['query', '--index', index, 'money at the river bank', '--k', '5']);
  const hits = query(out);
  expect(hits.code).toBe(0);
  expect(lines(hits.stdout)).toHaveLength(5);
  expect(hits.stdout).toBe(query(single).stdout);
});

maybe('the API: progress sums every worker, the summary counts jobs and workers, a rerun finds every job finished', async () => {
  const url = `${redis().url}/2`;
  const single = singleRun(['embed', docs, '--model', TINY, '--level', 'token']);
  const workers = [startWorker(url), startWorker(url)];
  const model = await loadContextualModel({ model: TINY });
  try {
    const out = tmpDir('queue-api');
    const seen: QueueProgress[] = [];
    const logged: string[] = [];
    const s = await embedFolderQueued([docs], model, { out, levels: ['token'], queue: url, jobTokens: 400, onProgress: (p) => seen.push({ ...p }), onLog: (l) => logged.push(l) });
    expect(s).toMatchObject({ files: 92, done: 90, skipped: 2, failed: 0, alreadyDone: 0, stopped: false });
    expect(s.jobs).toBeGreaterThan(4);
    const last = seen[seen.length - 1];
    expect(last).toMatchObject({ files: 92, filesTotal: 92, jobs: s.jobs, jobsDone: s.jobs, rows: s.rows });
    expect(last.bytes).toBe(last.bytesTotal);
    expect(last.workers).toBeGreaterThanOrEqual(1);
    expectSameOutput(out, single);
    // as a one-machine rerun, the files done are left as they are and the skipped ones tried again
    const again = await embedFolderQueued([docs], model, { out, levels: ['token'], queue: url, jobTokens: 400, onLog: (l) => logged.push(l) });
    expect(again).toMatchObject({ jobs: 1, done: 0, alreadyDone: 90, skipped: 2, rows: s.rows });
    expect(logged[logged.length - 1]).toMatch(/^1 job of about 400 tokens' worth of files: 0 merged before, 0 done and waiting to be merged, 1 in the queue/);
    expectSameOutput(out, single);
  } finally {
    await model.dispose();
    await stopWorkers(workers);
  }
});

maybe('--format lance: the tables hold a one-machine run\'s rows, their ANN index is built once the last job is merged, and query finds the same', async () => {
  const url = `${redis().url}/3`;
  const workers = [startWorker(url), startWorker(url)];
  const model = await loadContextualModel({ model: TINY });
  try {
    const options = { levels: ['sentence', 'document'] as Level[], format: 'lance' as const, indexRows: 100 };
    const single = tmpDir('queue-lance-single');
    const one = await embedFolder([docs], model, { ...options, out: single });
    const out = tmpDir('queue-lance');
    const s = await embedFolderQueued([docs], model, { ...options, out, queue: url, jobTokens: 1000 });
    expect(s.jobs).toBeGreaterThan(3);
    const built = (i: typeof s.indexed) => i.map(({ level, kind, rows }) => [level, kind, rows]);
    expect(built(one.indexed)).toEqual([['sentence', 'ivf_pq', expect.any(Number)]]);
    expect(built(s.indexed)).toEqual(built(one.indexed));
    await expectSameTables(out, single);
    const hits = (dir: string) => queryIndex(dir, 'money at the river bank', { k: 5, exact: true, model });
    expect(await hits(out)).toEqual(await hits(single));
  } finally {
    await model.dispose();
    await stopWorkers(workers);
  }
});
