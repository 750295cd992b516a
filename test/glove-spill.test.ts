/**
 * GloVe's co-occurrence spill as a user meets it (`ctxembed train glove` in its own process): many
 * runs under a small open-file limit, and Ctrl-C or SIGTERM in the middle. The spill folder never
 * outlives the run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CliResult, ctxembed, ctxembedInShell, startCtxembed } from './cli';
import { FIXTURES_DIR, tmpDir } from './fixtures';

const dir = tmpDir('glove-spill');
/** The Brown fixture 20 times (340,000 words): with --memory 1e-7 (a 4,096-slot table) some hundreds of runs. */
const CORPUS = path.join(dir, 'brown-20.txt');
fs.writeFileSync(CORPUS, fs.readFileSync(path.join(FIXTURES_DIR, 'glove', 'brown-800.txt'), 'utf8').repeat(20));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fresh TMPDIR for one run, so what the run leaves there shows. */
function freshTmp(): string {
  const t = path.join(dir, `tmp-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(t);
  return t;
}

const spillFolders = (tmp: string) => fs.readdirSync(tmp).filter((f) => f.startsWith('ctxembed-cooccur-'));

// Window 2: every weight (1, 1/2, and 2 for a word beside itself) is dyadic, so sums are exact in
// any order and a merge in several passes must give bit-identical vectors.
const args = (out: string, epochs = 2) => ['train', 'glove', '--corpus', CORPUS, '--min-count', '1', '--window', '2', '--dim', '20', '--epochs', String(epochs), '--threads', '1', '--out', out];

test('with ulimit -n 64 and hundreds of spilled runs, the merge goes in passes: the same vectors as in memory, and no spill folder left', () => {
  const inMemory = path.join(dir, 'in-memory.vec');
  expect(ctxembed([...args(inMemory), '--quiet']).code).toBe(0);
  const tmp = freshTmp();
  const spilled = path.join(dir, 'spilled.vec');
  const quoted = [...args(spilled), '--quiet'].map((a) => `'${a}'`).join(' ');
  const r = ctxembedInShell(`ulimit -n 64 && exec $CTXEMBED ${quoted} --memory 0.0000001`, { env: { TMPDIR: tmp } });
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  expect(fs.readFileSync(spilled).equals(fs.readFileSync(inMemory))).toBe(true);
  expect(fs.readdirSync(tmp)).toEqual([]);
});

/** Waits until `ready()` (checked every 10 ms); fails if the run ends first. */
async function waitFor(ready: () => boolean, run: { done: Promise<CliResult> }): Promise<void> {
  let ended: CliResult | undefined;
  void run.done.then((r) => (ended = r));
  while (!ready()) {
    if (ended) throw new Error(`the run ended first: ${JSON.stringify(ended)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts a spilling run of 200 epochs and resolves once its spill folder holds a few runs. */
async function startSpilling(tmp: string, out: string) {
  const run = startCtxembed([...args(out, 200), '--memory', '0.0000001'], { env: { TMPDIR: tmp } });
  await waitFor(() => {
    const [spill] = spillFolders(tmp);
    return spill !== undefined && fs.readdirSync(path.join(tmp, spill)).length >= 3;
  }, run);
  return run;
}

test.each(['SIGINT', 'SIGTERM'] as const)('%s while counting: the run ends by the signal and its spill folder is gone', async (signal) => {
  const tmp = freshTmp();
  const out = path.join(dir, `${signal}.vec`);
  const { child, done } = await startSpilling(tmp, out);
  child.kill(signal);
  const r = await done;
  expect(r.signal).toBe(signal);
  expect(r.stderr).not.toMatch(/^cooccurrence:/m); // it was still counting
  expect(fs.readdirSync(tmp)).toEqual([]);
  expect(fs.readdirSync(dir).filter((f) => f.includes(`${signal}.vec`))).toEqual([]);
});

test('Ctrl-C while training: nothing left in TMPDIR nor beside the output', async () => {
  const tmp = freshTmp();
  const out = path.join(dir, 'training.vec');
  const run = await startSpilling(tmp, out);
  const { child, done } = run;
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await waitFor(() => /^epoch 1\//m.test(stderr), run);
  child.kill('SIGINT');
  const r = await done;
  expect(r.signal).toBe('SIGINT');
  expect(fs.readdirSync(tmp)).toEqual([]);
  expect(fs.readdirSync(dir).filter((f) => f.includes('training.vec'))).toEqual([]);
});
