/**
 * Hub ids from Transformers.js' file cache, with the network off: the default model's main
 * revision is a fill-mask export, its `default` revision a feature-extraction one; both are laid
 * out in --cache-dir as a download leaves them (`<id>/...` for main, `<id>/<revision>/...`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { env } from '@huggingface/transformers';
import { DEFAULT_MODEL, loadContextualModel } from '../src/contextual/model';
import { FIXTURES_DIR, ROOT, tmpDir } from './fixtures';

const HUB = path.join(FIXTURES_DIR, 'hub');
const BIN = path.join(ROOT, 'bin', 'ctxembed.js');

let cache: string;
let docs: string;
const reference = (name: string) => JSON.parse(fs.readFileSync(path.join(HUB, name, 'reference.json'), 'utf8'));
const TEXT = reference('bert-mlm-opset17').texts[1].text;

beforeAll(() => {
  cache = tmpDir('hub-cache');
  const repo = path.join(cache, ...DEFAULT_MODEL.split('/'));
  fs.cpSync(path.join(HUB, 'bert-mlm-opset17'), repo, { recursive: true });
  fs.cpSync(path.join(HUB, 'bert-opset17'), path.join(repo, 'default'), { recursive: true });
  docs = tmpDir('hub-cache-docs');
  fs.writeFileSync(path.join(docs, 'a.txt'), TEXT);
});
afterAll(() => {
  for (const dir of [cache, docs]) fs.rmSync(dir, { recursive: true, force: true });
});

function embed(out: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'embed', path.join(docs, 'a.txt'), '--out', out, '--level', 'token', '--quiet', ...args], {
    encoding: 'utf8',
    timeout: 60000,
  });
}

/** The last layer's state of every non-special token of the sentence, from PyTorch. */
function expectedTokens(name: string): number[][] {
  const t = reference(name).texts[1];
  const dim = 32;
  const last = t.states[t.states.length - 1];
  return t.ids.slice(1, -1).map((_: number, k: number) => last.slice((k + 1) * dim, (k + 2) * dim));
}

function readVectors(out: string): number[][] {
  return fs.readFileSync(path.join(out, 'embeddings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).vector);
}

function expectClose(ours: number[][], torch: number[][]): void {
  expect(ours).toHaveLength(torch.length);
  ours.forEach((v, i) => v.forEach((x, k) => expect(Math.abs(x - torch[i][k])).toBeLessThan(1e-4)));
}

test('the default model command works offline from a cache holding the fill-mask main revision', () => {
  const out = tmpDir('hub-cache-out');
  const r = embed(out, '--offline', '--cache-dir', cache);
  expect(r.stderr).toMatch(/^finished: 1 done, 0 skipped, 0 failed of 1 files; 17 rows/);
  expect(r.status).toBe(0);
  expectClose(readVectors(out), expectedTokens('bert-mlm-opset17'));
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  expect(manifest.model).toEqual({ id: DEFAULT_MODEL, revision: 'main', dtype: 'fp32' });

  // Resuming with another revision would mix vectors of two models: refused.
  const other = embed(out, '--offline', '--cache-dir', cache, '--revision', 'default');
  expect(other.status).toBe(2);
  expect(other.stderr).toMatch(/other settings \(model: .*"revision":"main".*→.*"revision":"default"/);
  fs.rmSync(out, { recursive: true, force: true });
});

test('--revision default loads the feature-extraction export from <cache>/<id>/default/, also under HF_HUB_OFFLINE=1', () => {
  const out = tmpDir('hub-cache-out');
  const r = spawnSync(process.execPath, [BIN, 'embed', path.join(docs, 'a.txt'), '--out', out, '--level', 'token', '--quiet', '--cache-dir', cache, '--revision', 'default'], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, HF_HUB_OFFLINE: '1' },
  });
  expect(r.stderr).toMatch(/^finished: 1 done, 0 skipped, 0 failed of 1 files; 17 rows/);
  expect(r.status).toBe(0);
  expectClose(readVectors(out), expectedTokens('bert-opset17'));
  expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).model.revision).toBe('default');
  fs.rmSync(out, { recursive: true, force: true });
});

test('offline, a revision not in the cache is a one-line error naming the revision and the cache', () => {
  const out = tmpDir('hub-cache-out');
  const r = embed(out, '--offline', '--cache-dir', cache, '--revision', 'v9');
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(`model ${DEFAULT_MODEL} (revision v9) is not in the cache ${cache} and the network is off`);
  fs.rmSync(out, { recursive: true, force: true });
});

test('offline loading never fetches', async () => {
  const fetch = env.fetch;
  const calls: string[] = [];
  env.fetch = (async (url: string) => {
    calls.push(String(url));
    throw new Error('the network was used');
  }) as typeof env.fetch;
  try {
    const model = await loadContextualModel({ cacheDir: cache, offline: true });
    expect(model.id).toBe(DEFAULT_MODEL);
    expect(model.revision).toBe('main');
    expect(model.states.otherOutputs).toEqual(['logits']);
    await model.dispose();
    await expect(loadContextualModel({ cacheDir: cache, offline: true, revision: 'v9' })).rejects.toThrow(/not in the cache/);
  } finally {
    env.fetch = fetch;
  }
  expect(calls).toEqual([]);
});

test('a corrupt cached model reports the real cause, not "not in the cache"', () => {
  const broken = tmpDir('hub-cache-broken');
  const repo = path.join(broken, ...DEFAULT_MODEL.split('/'));
  fs.cpSync(path.join(HUB, 'bert-opset17'), repo, { recursive: true });
  fs.writeFileSync(path.join(repo, 'onnx', 'model.onnx'), 'not a model');
  const out = tmpDir('hub-cache-out');
  const r = embed(out, '--offline', '--cache-dir', broken);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^ctxembed: could not load model Xenova\/bert-base-uncased: .*(protobuf|parse|load)/i);
  expect(r.stderr).not.toMatch(/not in the cache/);
  for (const dir of [broken, out]) fs.rmSync(dir, { recursive: true, force: true });
});
