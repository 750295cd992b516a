/**
 * A one-machine `embed --overwrite` starts the output folder over, parts of an earlier queued run
 * included: a queued run after it plans its jobs anew and never merges a part embedded from the
 * inputs as they were before.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { startCtxembed } from './cli';
import { tmpDir } from './fixtures';
import { expectSameOutput, makeCorpus, singleRun, startWorker, stopWorkers, TINY } from './queue';
import { redisPerFile } from './redis';

let docs: string;
const { maybe, redis } = redisPerFile(() => (docs = makeCorpus(45)));

/** Resolves once `check` returns true, polling every 5 ms; fails after 60 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (const end = Date.now() + 60000; Date.now() < end; await new Promise((r) => setTimeout(r, 5))) {
    try {
      if (check()) return;
    } catch {
      // a file read while it is replaced: look again
    }
  }
  throw new Error(`timed out waiting for ${what}`);
}

maybe('parts left by a stopped queued run are not merged after a one-machine --overwrite run (stopped partway) over edited inputs', async () => {
  const url = `${redis().url}/1`;
  const embed = ['embed', docs, '--model', TINY, '--level', 'sentence', '--format', 'npy'];
  const out = tmpDir('queue-overwritten');
  const queued = [...embed, '--out', out, '--queue', url, '--job-size', '100', '--quiet'];
  // A queued run stopped once its jobs are in the queue; a worker then finishes every part, none merged.
  const first = startCtxembed(queued);
  await until('the jobs in the queue', () => / in the queue at /.test(first.stderr()));
  first.child.kill('SIGKILL');
  await first.done;
  const plan: { jobs: { id: string; files: { source: string }[] }[] } = JSON.parse(fs.readFileSync(path.join(out, '.queue', 'plan.json'), 'utf8'));
  const worker = startWorker(url);
  await until('every part done', () => plan.jobs.every((j) => fs.existsSync(path.join(out, '.queue', 'parts', j.id, 'done.json'))));
  await stopWorkers([worker]);

  // The last document edited, then a one-machine run starts the folder over and is stopped long before it.
  const edited = 'b/doc 042.txt';
  expect(plan.jobs.some((j) => j.files.some((f) => f.source === edited))).toBe(true);
  fs.writeFileSync(path.join(docs, edited), 'Edited since its part was embedded. Nothing of the old text is left.\n');
  const overwrite = startCtxembed([...embed, '--out', out, '--overwrite', '--commit-seconds', '0', '--batch-tokens', '64', '--quiet']);
  await until('a first file committed', () => Object.keys(readManifest(out)?.files ?? {}).length > 0 && !readManifest(out)!.files['b/doc 000.txt']);
  overwrite.child.kill('SIGINT');
  const stopped = await overwrite.done;
  expect({ code: stopped.code, stderr: stopped.stderr }).toEqual({ code: 130, stderr: expect.stringMatching(/^stopped: \d+ done/m) });
  const oneMachine = Object.entries(readManifest(out)!.files).flatMap(([source, e]) => (e.status === 'done' ? [source] : []));
  expect(oneMachine).not.toContain(edited);

  // The queued run again: its rows are those of the inputs as they are now.
  const workers = [startWorker(url)];
  const again = startCtxembed(queued);
  const r = await again.done;
  await stopWorkers(workers);
  expect(r.code).toBe(0);
  expectSameOutput(out, singleRun(embed), oneMachine);
  expect(r.stderr).toMatch(/^ctxembed: \d+ jobs? of about 100 tokens' worth of files: 0 merged before, 0 done and waiting to be merged, \d+ in the queue/m);
});
