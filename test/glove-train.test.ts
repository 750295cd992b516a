import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/main';
import { loadVectors } from '../src/static/formats';
import { initParameters, trainEntries } from '../src/static/glove/adagrad';
import { entryViews, weighting } from '../src/static/glove/entries';
import { seededRandom } from '../src/static/glove/random';
import { trainGloVe } from '../src/static/glove/train';
import { FIXTURES_DIR, tmpDir } from './fixtures';

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
    expect(p.weights[2]).toBeCloseTo(0.3 - g / 1, 6);
    expect(p.weights[9]).toBeCloseTo(0.5 - (g * 0.1) / 2, 6);
    expect(p.weights[10]).toBeCloseTo(-0.4 - (g * 0.2) / 2, 6);
    expect(p.weights[11]).toBeCloseTo(0.1 - g / 2, 6);
    expect(p.gradsq[0]).toBeCloseTo(1 + (g * 0.5) ** 2, 6);
    expect(p.gradsq[11]).toBeCloseTo(4 + g * g, 6);
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
  async function run(args: string[]): Promise<{ code: number; err: string }> {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...m) => void errors.push(m.join(' ')));
    try {
      process.exitCode = 0;
      await main(args);
      return { code: Number(process.exitCode ?? 0), err: errors.join('\n') };
    } finally {
      spy.mockRestore();
      process.exitCode = 0;
    }
  }
  const dir = tmpDir('glove-cli');
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
