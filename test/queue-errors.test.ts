/**
 * What stops a queued run or a worker before it does harm, each a one-line error: Redis not
 * there, a URL that is not Redis's, a worker of another ctxembed version, a worker whose model
 * files are not those of the run, a worker that cannot see the output folder. A job the worker
 * cannot do goes back to the queue untouched, and nothing half-written is counted as done.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ctxembed, lines, startCtxembed } from './cli';
import { fixtureModel, ROOT, tmpDir } from './fixtures';
import { expectSameOutput, makeCorpus, singleRun, startWorker, stopWorkers, TINY } from './queue';
import { freePort, redisPerFile } from './redis';

let docs: string;
const { maybe, redis } = redisPerFile(() => (docs = makeCorpus(12)));

const oneMachine = () => singleRun(['embed', docs, '--model', TINY, '--level', 'sentence', '--format', 'npy']);
const embedArgs = (out: string, url: string, model = TINY) => ['embed', docs, '--model', model, '--level', 'sentence', '--format', 'npy', '--out', out, '--queue', url, '--job-size', '100', '--quiet'];

/** Waits until `coordinator` has its jobs in the queue. */
async function queued(coordinator: ReturnType<typeof startCtxembed>): Promise<void> {
  while (!/ in the queue at /.test(coordinator.stderr())) await new Promise((r) => setTimeout(r, 20));
}

/** A worker ended by a job it cannot do: its exit code, and that it said why in one line, after handing the job back. */
function expectRefused(r: { code: number | null; stderr: string }, code: number, why: RegExp): void {
  expect(r.code).toBe(code);
  const said = lines(r.stderr);
  expect(said[said.length - 1]).toMatch(new RegExp(`^ctxembed: ${why.source}$`));
  expect(said.some((l) => /^ctxembed worker: job \S+: .*; handed back to the queue$/.test(l))).toBe(true);
  expect(said.some((l) => / started, /.test(l))).toBe(false);
}

maybe('Redis not there, or a URL that is not a Redis URL: coordinator and worker stop with one line before anything is written', async () => {
  const port = await freePort();
  const out = path.join(tmpDir('queue-nowhere'), 'out');
  const [coordinator, worker] = await Promise.all([startCtxembed(embedArgs(out, `redis://127.0.0.1:${port}`)).done, startCtxembed(['worker', '--queue', `redis://127.0.0.1:${port}`]).done]);
  for (const r of [coordinator, worker]) {
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ctxembed: cannot reach Redis at redis://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}): start it, or check the URL\n`);
  }
  expect(fs.existsSync(out)).toBe(false);
  for (const [url, why] of [
    ['http://localhost:6379', 'not a Redis URL; expected redis://HOST:PORT[/DB]'],
    ['localhost:6379', 'not a Redis URL; expected redis://HOST:PORT[/DB]'],
    ['redis://localhost:6379/first', 'the database after the port must be a number (redis://HOST:PORT/0)'],
  ]) {
    for (const args of [embedArgs(out, url), ['worker', '--queue', url]]) {
      const r = ctxembed(args);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: `ctxembed: --queue ${url}: ${why}\n` });
    }
  }
  expect(ctxembed(['embed', docs, '--out', out, '--job-size', '100']).stderr).toBe('ctxembed: --job-size goes with --queue\n');
  expect(fs.existsSync(out)).toBe(false);
});

maybe('a worker of another ctxembed version hands the job back and stops; a worker of the same version does it', async () => {
  // another install: this one's build with another version in its package.json
  const other = tmpDir('queue-other-version');
  fs.cpSync(path.join(ROOT, 'bin'), path.join(other, 'bin'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist'), path.join(other, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(other, 'node_modules'));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(other, 'package.json'), JSON.stringify({ ...pkg, version: '0.0.1-other' }));
  const url = `${redis().url}/1`;
  const out = tmpDir('queue-version');
  const coordinator = startCtxembed(embedArgs(out, url));
  await queued(coordinator);
  const wrong = await runFrom(other, ['worker', '--queue', url]);
  expectRefused(wrong, 2, new RegExp(`this worker runs ctxembed 0\\.0\\.1-other, the run's coordinator ${pkg.version.replace(/\./g, '\\.')}: run one version on the coordinator and every worker`));
  expect(Object.keys(readManifest(out)!.files)).toEqual([]);
  const right = [startWorker(url)];
  expect((await coordinator.done).code).toBe(0);
  await stopWorkers(right);
  expectSameOutput(out, oneMachine());
});

/** `ctxembed args…` run by the install at `root`, to its end. */
function runFrom(root: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'ctxembed.js'), ...args]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

maybe("a worker whose model files differ from the run's hands the job back and stops; nothing is merged until a right worker comes", async () => {
  const model = tmpDir('queue-model');
  fs.cpSync(TINY, model, { recursive: true });
  const onnx = path.join(model, 'onnx', 'model.onnx');
  const url = `${redis().url}/2`;
  const out = tmpDir('queue-model-out');
  const coordinator = startCtxembed(embedArgs(out, url, model));
  await queued(coordinator);
  // the same path, other weights: as on a machine whose copy of the model is another
  fs.copyFileSync(path.join(fixtureModel('tiny-all-layers'), 'onnx', 'model.onnx'), onnx);
  const wrong = await startWorker(url).done;
  expectRefused(wrong, 2, new RegExp(`${model} is not the model ${out} was made with \\(its files' sha256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… recorded for ${model}\\)`));
  expect(Object.keys(readManifest(out)!.files)).toEqual([]);
  fs.copyFileSync(path.join(TINY, 'onnx', 'model.onnx'), onnx);
  const right = [startWorker(url)];
  expect((await coordinator.done).code).toBe(0);
  await stopWorkers(right);
  expectSameOutput(out, oneMachine());
});

maybe('a worker that cannot see the output folder (no shared filesystem) hands the job back and stops; the run resumes once it can', async () => {
  const url = `${redis().url}/3`;
  const out = tmpDir('queue-unseen');
  const coordinator = startCtxembed(embedArgs(out, url));
  await queued(coordinator);
  coordinator.child.kill('SIGKILL');
  await coordinator.done;
  fs.renameSync(out, `${out}.elsewhere`);
  const wrong = await startWorker(url).done;
  expectRefused(wrong, 1, new RegExp(`${out} does not exist on this machine: every machine must see the inputs and the output folder at the paths the coordinator was given \\(a shared filesystem\\)`));
  fs.renameSync(`${out}.elsewhere`, out);
  const right = [startWorker(url)];
  const rerun = ctxembed(embedArgs(out, url));
  await stopWorkers(right);
  expect(rerun.code).toBe(0);
  expectSameOutput(out, oneMachine());
});
