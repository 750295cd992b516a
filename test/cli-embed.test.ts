/**
 * `ctxembed embed` as a user runs it: node bin/ctxembed.js (dist/, built by the global setup).
 * Rows and vectors are checked against Transformers.js run directly on the same model.
 */
import {  spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readNpy } from '../src/store/npy';
import { ctxembed, readJsonl } from './cli';
import { fixtureModel, ROOT, tmpDir } from './fixtures';
import { maxAbsDiff } from './reference-bert';
import { HfModel, loadHf } from './transformers-ref';

const TINY = fixtureModel('tiny');

const TEXT_A = 'The river bank flooded.\nUnbelievably, naïve café owners in 東京 stayed open!\n';
const TEXT_B = 'Second file: tokenization of embeddings.';

let hf: HfModel;
let vocab: string[];
let input: string;

beforeAll(async () => {
  hf = await loadHf(TINY);
  const tj = JSON.parse(fs.readFileSync(path.join(TINY, 'tokenizer.json'), 'utf8'));
  vocab = [];
  for (const [piece, id] of Object.entries(tj.model.vocab as Record<string, number>)) vocab[id] = piece;
  input = tmpDir('cli-in');
  fs.writeFileSync(path.join(input, 'a.txt'), TEXT_A);
  fs.mkdirSync(path.join(input, 'sub'));
  fs.writeFileSync(path.join(input, 'sub', 'b.txt'), TEXT_B);
});
afterAll(async () => {
  await hf?.dispose();
});

/** Expected token rows for one source, from Transformers.js. */
async function expectedRows(source: string, text: string) {
  const ref = await hf.lastHidden(text);
  const ids = ref.ids.slice(1, -1);
  return ids.map((id, i) => ({ source, id, text: vocab[id], vector: ref.data.subarray((i + 1) * ref.dim, (i + 2) * ref.dim) }));
}

function checkRows(rows: any[], vectors: (i: number) => ArrayLike<number>, expected: Awaited<ReturnType<typeof expectedRows>>, text: string) {
  expect(rows.map((r) => r.text)).toEqual(expected.map((e) => e.text));
  rows.forEach((r, i) => {
    expect(r.source).toBe(expected[i].source);
    expect(r.level).toBe('token');
    expect(r.index).toBe(i);
    expect(maxAbsDiff(vectors(i), expected[i].vector)).toBeLessThan(1e-5);
    // The span holds the token (lowercased, accents stripped, ## dropped); [UNK] never occurs here.
    const span = text.slice(r.start, r.end).toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
    expect(span).toBe(r.text.replace(/^##/, ''));
  });
  // Words count up from 0: a new word at every token that is not a ## continuation (no [UNK] here).
  expect(rows[0].word).toBe(0);
  for (let i = 1; i < rows.length; i++) {
    const cont = rows[i].text.startsWith('##');
    expect(rows[i].word).toBe(rows[i - 1].word + (cont ? 0 : 1));
  }
}

test('--format jsonl: one row per token, vectors equal Transformers.js; a folder gives relative sources', async () => {
  const out = tmpDir('cli-jsonl');
  const r = ctxembed(['embed', input, '--model', TINY, '--level', 'token', '--out', out]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/finished: 2 done/) });
  const rows = readJsonl(path.join(out, 'embeddings.jsonl'));
  const a = rows.filter((x) => x.source === 'a.txt');
  const b = rows.filter((x) => x.source === 'sub/b.txt');
  expect(a.length + b.length).toBe(rows.length);
  checkRows(a, (i) => a[i].vector, await expectedRows('a.txt', TEXT_A), TEXT_A);
  checkRows(b, (i) => b[i].vector, await expectedRows('sub/b.txt', TEXT_B), TEXT_B);
  expect(Object.keys(rows[0]).sort()).toEqual(['end', 'index', 'level', 'source', 'start', 'text', 'vector', 'word']);
});

test('--format npy: vectors.npy and meta.jsonl are aligned and equal the jsonl rows', async () => {
  const file = path.join(input, 'a.txt');
  const outJ = tmpDir('cli-j');
  const outN = tmpDir('cli-n');
  expect(ctxembed(['embed', file, '--model', TINY, '--level', 'token', '--out', outJ]).code).toBe(0);
  const r = ctxembed(['embed', file, '--model', TINY, '--level', 'token', '--format', 'npy', '--out', outN]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/finished: 1 done/) });
  const jsonl = readJsonl(path.join(outJ, 'embeddings.jsonl'));
  const meta = readJsonl(path.join(outN, 'meta.jsonl'));
  const npy = readNpy(path.join(outN, 'vectors.npy'));
  expect(npy.rows).toBe(meta.length);
  expect(npy.dim).toBe(32);
  expect(meta).toEqual(jsonl.map(({ vector, ...rest }) => rest));
  const vec = (i: number) => npy.data.subarray(i * npy.dim, (i + 1) * npy.dim);
  // The jsonl text keeps 9 significant digits: back to float32 it is the same number.
  jsonl.forEach((row, i) => expect(Array.from(vec(i))).toEqual(row.vector.map(Math.fround)));
  checkRows(meta, vec, await expectedRows('a.txt', TEXT_A), TEXT_A);

  // numpy reads the same matrix (when numpy is installed).
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.warn('skipping the numpy cross-check: /usr/bin/python3 with numpy is not available');
    return;
  }
  const py = spawnSync('/usr/bin/python3', ['-c', 'import numpy, json, sys; a = numpy.load(sys.argv[1]); print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "rows": [[float(x) for x in a[i]] for i in (0, a.shape[0] - 1)]}))', path.join(outN, 'vectors.npy')], { encoding: 'utf8' });
  expect(py.stderr).toBe('');
  const np = JSON.parse(py.stdout);
  expect(np.dtype).toBe('float32');
  expect(np.shape).toEqual([npy.rows, npy.dim]);
  expect(np.rows[0]).toEqual(Array.from(vec(0)));
  expect(np.rows[1]).toEqual(Array.from(vec(npy.rows - 1)));
});

test('a missing model folder: exit code 2 and a one-line message', () => {
  const missing = path.join(tmpDir('cli-nomodel'), 'nope');
  const out = tmpDir('cli-out');
  const r = ctxembed(['embed', path.join(input, 'a.txt'), '--model', missing, '--out', out]);
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ctxembed: /);
  expect(lines[0]).toContain(missing);
  expect(r.stdout).toBe('');
});

test('--help and embed --help', () => {
  const top = ctxembed(['--help']);
  expect(top.code).toBe(0);
  expect(top.stdout).toContain('embed');
  const sub = ctxembed(['embed', '--help']);
  expect(sub.code).toBe(0);
  for (const flag of ['--model', '--out', '--level', '--format', '--max-length', '--stride', '--batch-tokens', '--dtype']) expect(sub.stdout).toContain(flag);
});

test('runs from the repository as working directory too (relative input path)', () => {
  const out = tmpDir('cli-cwd');
  const rel = path.relative(ROOT, path.join(input, 'sub', 'b.txt'));
  const r = ctxembed(['embed', rel, '--model', TINY, '--out', out], { cwd: ROOT });
  // Regression: f79483f's model.ts resolved local folders against the working directory.
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/finished: 1 done/) });
  expect(readJsonl(path.join(out, 'embeddings.jsonl')).map((x) => x.text)).toEqual(hf.ids(TEXT_B).slice(1, -1).map((id) => vocab[id]));
});
