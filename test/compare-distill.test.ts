import * as fs from 'fs';
import * as path from 'path';
import { distillStatic } from '../src/analysis/distill';
import { isolatedVectors } from '../src/analysis/isolated';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embed } from '../src/embed';
import { fixtureModel, tmpDir } from './fixtures';

let model: ContextualModel;
beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
});
afterAll(() => model.dispose());

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

const LINES = [
  'The bank raised its rates.',
  '',
  'We sat on the river bank, near the water.',
  'The Bank of England sets the rates.',
  'A tokenization of the river.',
  'The rates of the bank went up.',
];

test('distilled vectors are the mean of the word rows embed() gives, over the first maxContexts occurrences', async () => {
  const dir = tmpDir('distill');
  fs.writeFileSync(path.join(dir, 'a.txt'), LINES.slice(0, 3).join('\n'));
  fs.mkdirSync(path.join(dir, 'more'));
  fs.writeFileSync(path.join(dir, 'more', 'b.txt'), LINES.slice(3).join('\n') + '\n');
  const [minCount, maxContexts] = [2, 2];
  const distilled = await distillStatic(model, dir, { layers: '0,-1', minCount, maxContexts, wordPooling: 'first' });
  expect(distilled.map((d) => d.layer)).toEqual([0, 2]);

  for (const { layer, vectors } of distilled) {
    const ref = await embed(LINES.filter((l) => l.length > 0), { model, levels: ['word'], layers: String(layer), wordPooling: 'first' });
    const rows = new Map<string, Float32Array[]>();
    for (const w of ref.words) {
      const key = w.text.toLowerCase();
      rows.set(key, [...(rows.get(key) ?? []), w.vector]);
    }
    const expected = [...rows].filter(([, v]) => v.length >= minCount).sort((a, b) => b[1].length - a[1].length);
    // counts: the 8, . 5, bank 4, rates 3, of 3, river 2 ("tokenization" occurs once)
    expect(vectors.words).toEqual(expected.map(([w]) => w));
    expect(vectors.words.slice(0, 3)).toEqual(['the', '.', 'bank']);
    for (const [word, occurrences] of expected) {
      const mean = new Float32Array(vectors.dim);
      const taken = occurrences.slice(0, maxContexts);
      for (const v of taken) v.forEach((x, k) => (mean[k] += x / taken.length));
      expect(maxAbsDiff(vectors.vector(word), mean)).toBeLessThan(1e-5);
    }
    // the cap matters: "bank" averaged over all four occurrences differs
    const bank = rows.get('bank')!;
    const all = new Float32Array(vectors.dim);
    for (const v of bank) v.forEach((x, k) => (all[k] += x / bank.length));
    expect(maxAbsDiff(vectors.vector('bank'), all)).toBeGreaterThan(1e-3);
  }
});

test("a static tokenizer's words: \"don't\" is one word, its vector the mean of its pieces' rows", async () => {
  const dir = tmpDir('distill-tok');
  const file = path.join(dir, 'c.txt');
  fs.writeFileSync(file, "I don't know.\nYou don't say!\n");
  const [d] = await distillStatic(model, file, { minCount: 2, tokenizer: 'default' });
  expect(d.vectors.words).toEqual(["don't"]);
  const ref = await embed(['i don\'t know', 'you don\'t say'], { model, levels: ['token'] });
  const pieces = ref.tokens.filter((t) => ['don', "'", 't'].includes(t.text));
  expect(pieces).toHaveLength(6);
  const mean = new Float32Array(d.vectors.dim);
  pieces.forEach((t) => t.vector.forEach((x, k) => (mean[k] += x / 6)));
  expect(maxAbsDiff(d.vectors.vector("don't"), mean)).toBeLessThan(1e-5);
});

test('isolated vectors: each word alone, all its pieces pooled', async () => {
  const iso = await isolatedVectors(model, ['bank', 'tokenization', 'bank', 'river'], { layers: [-1, 1], wordPooling: 'mean' });
  expect(iso.map((x) => x.layer)).toEqual([2, 1]);
  for (const { layer, vectors } of iso) {
    expect(vectors.words).toEqual(['bank', 'tokenization', 'river']);
    const ref = await embed(['bank', 'tokenization', 'river'], { model, levels: ['word'], layers: String(layer) });
    ref.words.forEach((w, i) => expect(maxAbsDiff(vectors.row(i), w.vector)).toBeLessThan(1e-5));
  }
});

test('ctxembed distill: one word2vec file per layer, named for it', async () => {
  const dir = tmpDir('distill-cli');
  const corpus = path.join(dir, 'c.txt');
  fs.writeFileSync(corpus, LINES.join('\n'));
  const { main } = await import('../src/cli/main');
  await main(['distill', '--model', fixtureModel('tiny'), '--corpus', corpus, '--out', path.join(dir, 'v.vec'), '--layers', '0,-1', '--min-count', '2', '--quiet']);
  expect(process.exitCode ?? 0).toBe(0);
  expect(fs.readdirSync(dir).sort()).toEqual(['c.txt', 'v.L0.vec', 'v.L2.vec']);
  const { loadVectors } = await import('../src/static/formats');
  const direct = await distillStatic(model, corpus, { layers: '0,-1', minCount: 2 });
  for (const { layer, vectors } of direct) {
    const file = loadVectors(path.join(dir, `v.L${layer}.vec`));
    expect(file.words).toEqual(vectors.words);
    expect(maxAbsDiff(file.vectors, vectors.vectors)).toBeLessThan(1e-6);
  }
});
