import * as fs from 'fs';
import * as path from 'path';
import { loadVectors } from '../src/static/formats';
import { initParameters, trainEntries } from '../src/static/glove/adagrad';
import { entryViews, weighting } from '../src/static/glove/entries';
import { gloveKernelModule, gloveLayout, instantiateGloVeKernel } from '../src/static/glove/kernel';
import { seededRandom } from '../src/random';
import { trainGloVe } from '../src/static/glove/train';
import { sharedMemory } from '../src/wasm';
import { ensureGloVeKernelBuilt } from './build-kernel';
import { FIXTURES_DIR, runMain, tmpDir } from './fixtures';
import { groupPrecision, writeGroupCorpus } from './group-corpus';

beforeAll(() => ensureGloVeKernelBuilt());

const CORPUS = path.join(FIXTURES_DIR, 'glove', 'brown-800.txt');

describe('one AdaGrad step (trainEntries)', () => {
  test('matches a hand computation of the GloVe gradient', () => {
    const p = initParameters(2, 2, seededRandom(1));
    // word 0 = (w 0.1, 0.2; b 0.3), context 1 = (0.5, -0.4; b~ 0.1); squared-gradient sums 1 and 4
    p.weights.set([0.1, 0.2, 0.3, 0, 0, 0], 0);
    p.weights.set([0, 0, 0, 0.5, -0.4, 0.1], 6);
    p.gradsq.fill(4);
    p.gradsq.set([1, 1, 1], 0);
    const e = entryViews(new SharedArrayBuffer(16));
    const x = 20;
    e.ids.set([0, 1]);
    e.values.set([Math.log(x), weighting(x, 100, 0.75)], 2);
    const cost = trainEntries(p, e.ids, e.values, 0, 1, 0.05);
    // diff = w.w~ + b + b~ - log x = 0.05 - 0.08 + 0.4 - log 20; f = 0.2^0.75
    const diff = 0.05 - 0.08 + 0.4 - Math.log(20);
    const f = Math.pow(0.2, 0.75);
    expect(cost).toBeCloseTo(0.5 * f * diff * diff, 6);
    const g = 0.05 * f * diff;
    // w -= g * w~ / sqrt(G): word rows have G = 1, context rows G = 4
    expect(p.weights[0]).toBeCloseTo(0.1 - (g * 0.5) / 1, 6);
    expect(p.weights[1]).toBeCloseTo(0.2 - (g * -0.4) / 1, 6);
    expect(p.weights[9]).toBeCloseTo(0.5 - (g * 0.1) / 2, 6);
    expect(p.weights[10]).toBeCloseTo(-0.4 - (g * 0.2) / 2, 6);
    expect(p.gradsq[0]).toBeCloseTo(1 + (g * 0.5) ** 2, 6);
    // biases step by f * diff without the learning rate, as glove.c does
    const gb = f * diff;
    expect(p.weights[2]).toBeCloseTo(0.3 - gb / 1, 6);
    expect(p.weights[11]).toBeCloseTo(0.1 - gb / 2, 6);
    expect(p.gradsq[11]).toBeCloseTo(4 + gb * gb, 6);
  });
});

describe('the WebAssembly kernel', () => {
  // 40 words, 10 dimensions (rows padded to 12 + 4): the same AdaGrad pass as the plain JS
  // reference above, from the same start over the same entries, to float32 rounding.
  const V = 40;
  const dim = 10;
  const n = 3000;
  const random = seededRandom(11);
  const ref = initParameters(V, dim, random);
  const e = entryViews(new SharedArrayBuffer(n * 16));
  for (let k = 0; k < n; k++) {
    const x = 0.2 + 300 * random() ** 3;
    e.ids.set([Math.floor(V * random()), Math.floor(V * random())], 4 * k);
    e.values.set([Math.log(x), weighting(x, 100, 0.75)], 4 * k + 2);
  }

  test('one pass matches trainEntries (weights, biases, squared gradients, cost); padding stays zero', () => {
    const layout = gloveLayout(V, dim, n);
    expect(layout.stride).toBe(16);
    const memory = sharedMemory(layout.pages);
    const W = new Float32Array(memory.buffer, layout.weights, 2 * V * layout.stride);
    const G = new Float32Array(memory.buffer, layout.gradsq, 2 * V * layout.stride).fill(1);
    for (let r = 0; r < 2 * V; r++) {
      W.set(ref.weights.subarray(r * (dim + 1), r * (dim + 1) + dim), r * layout.stride);
      W[r * layout.stride + layout.stride - 4] = ref.weights[r * (dim + 1) + dim];
    }
    new Int32Array(memory.buffer, layout.entries, 4 * n).set(e.ids);
    const kernel = instantiateGloVeKernel(gloveKernelModule(), memory, layout, V);
    const cost = kernel.train(0, n, 0.05);
    const want = trainEntries(ref, e.ids, e.values, 0, n, 0.05);
    expect(cost).toBeGreaterThan(1);
    expect(Math.abs(cost - want)).toBeLessThan(1e-4 * want);
    let moved = 0;
    for (let r = 0; r < 2 * V; r++) {
      for (let d = 0; d <= dim; d++) {
        const k = d < dim ? r * layout.stride + d : r * layout.stride + layout.stride - 4;
        const j = r * (dim + 1) + d;
        expect(Math.abs(W[k] - ref.weights[j])).toBeLessThan(1e-4 * (1 + Math.abs(ref.weights[j])));
        expect(Math.abs(G[k] - ref.gradsq[j])).toBeLessThan(1e-4 * ref.gradsq[j]);
        if (G[k] > 1) moved++;
      }
      expect(Array.from(W.subarray(r * layout.stride + dim, r * layout.stride + layout.stride - 4))).toEqual([0, 0]);
    }
    expect(moved).toBeGreaterThan(V * dim);
  });

  test('shuffle permutes whole entries within [from, to) and leaves the rest', () => {
    const layout = gloveLayout(1, 4, 100);
    const memory = sharedMemory(layout.pages);
    const ids = new Int32Array(memory.buffer, layout.entries, 400);
    for (let k = 0; k < 400; k++) ids[k] = (k >> 2) * 10 + (k & 3);
    instantiateGloVeKernel(gloveKernelModule(), memory, layout, 1).shuffle(10, 90, 12345n);
    const seen: number[] = [];
    for (let k = 0; k < 100; k++) {
      const first = ids[4 * k];
      expect(Array.from(ids.subarray(4 * k, 4 * k + 4))).toEqual([first, first + 1, first + 2, first + 3]);
      if (k < 10 || k >= 90) expect(first).toBe(k * 10);
      seen.push(first / 10);
    }
    expect(seen.slice(10, 90)).not.toEqual(Array.from({ length: 80 }, (_, k) => k + 10));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, k) => k));
  });
});

describe('trainGloVe', () => {
  const small = { minCount: 3, window: 5, dim: 16, epochs: 6, tokenizer: 'whitespace' as const };

  test('the cost decreases epoch after epoch, with two Hogwild workers', async () => {
    const r = await trainGloVe(CORPUS, { ...small, threads: 2 });
    expect(r.costs).toHaveLength(6);
    for (let e = 1; e < r.costs.length; e++) expect(r.costs[e]).toBeLessThan(r.costs[e - 1]);
    expect(r.costs[5]).toBeLessThan(0.85 * r.costs[0]);
    expect(r.vectors.size).toBe(r.vocabulary.size);
    expect(r.vectors.words).toEqual(r.vocabulary.words);
  });

  test('on a synthetic corpus of word groups, the nearest neighbours of each word are its group (vocabulary rows to output rows)', async () => {
    const dir = tmpDir('glove-groups');
    const file = path.join(dir, 'groups.txt');
    writeGroupCorpus(file);
    const r = await trainGloVe(file, { tokenizer: 'whitespace', minCount: 1, window: 5, dim: 16, xMax: 10, epochs: 30, threads: 2, seed: 2 });
    expect(r.vectors.size).toBe(40);
    expect(groupPrecision(r.vectors)).toBeGreaterThan(0.95);
    fs.rmSync(dir, { recursive: true });
  });

  test('a seeded single-thread run is deterministic, and the seed matters', async () => {
    const opts = { ...small, epochs: 2, threads: 1 };
    const a = await trainGloVe(CORPUS, { ...opts, seed: 5 });
    const b = await trainGloVe(CORPUS, { ...opts, seed: 5 });
    const c = await trainGloVe(CORPUS, { ...opts, seed: 6 });
    expect(b.costs).toEqual(a.costs);
    expect(Buffer.from(b.vectors.vectors.buffer).equals(Buffer.from(a.vectors.vectors.buffer))).toBe(true);
    expect(c.vectors.vectors).not.toEqual(a.vectors.vectors);
  });
});

describe('ctxembed train glove', () => {
  const run = runMain;
  const dir = tmpDir('glove-cli');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = ['train', 'glove', '--corpus', CORPUS, '--dim', '8', '--epochs', '2', '--threads', '1', '--tokenizer', 'whitespace'];

  test('writes word2vec text by default and GloVe text with --glove-format, the same vectors', async () => {
    const w2v = path.join(dir, 'v.vec');
    const glove = path.join(dir, 'v.txt');
    const r = await run([...base, '--out', w2v]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/epoch 2\/2: cost \d\.\d+/);
    expect((await run([...base, '--out', glove, '--glove-format'])).code).toBe(0);
    expect(fs.readFileSync(w2v, 'utf8').split('\n')[0]).toMatch(/^\d+ 8$/);
    const a = loadVectors(w2v);
    const b = loadVectors(glove);
    expect(b.words).toEqual(a.words);
    expect(b.vectors).toEqual(a.vectors);
  });

  test('bad input exits 1 naming the file and the reason', async () => {
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '\n \n');
    const bin = path.join(dir, 'data.bin');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    const out = path.join(dir, 'bad.vec');
    expect(await run(['train', 'glove', '--corpus', empty, '--out', out])).toEqual({ code: 1, err: `ctxembed: ${empty}: the corpus has no words` });
    expect(await run(['train', 'glove', '--corpus', CORPUS, '--min-count', '100000', '--out', out])).toEqual({ code: 1, err: expect.stringContaining(`${CORPUS}: no word occurs at least 100000 times`) });
    expect(await run(['train', 'glove', '--corpus', bin, '--out', out])).toEqual({ code: 1, err: expect.stringContaining(`${bin}: a binary file`) });
    expect(fs.existsSync(out)).toBe(false);
  });
});
