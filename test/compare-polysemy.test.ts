import * as fs from 'fs';
import * as path from 'path';
import { kmeans, purity } from '../src/analysis/kmeans';
import { pca2d } from '../src/analysis/pca';
import { probePolysemy } from '../src/analysis/polysemy';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embed } from '../src/embed';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { FIXTURES_DIR, fixtureModel, tmpDir } from './fixtures';

let model: ContextualModel;
beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
});
afterAll(() => model.dispose());

const SENSES = path.join(FIXTURES_DIR, 'senses-bank.tsv');

test('probe "bank": clusters, purity and PCA of the word rows embed() gives; static neighbours', async () => {
  const kv = new KeyedVectors(['Bank', 'river', 'money', 'loan'], 2, Float32Array.from([1, 0, 0, 1, 1, 0.1, 0.9, 0.2]));
  const probe = await probePolysemy(model, SENSES, { word: 'bank', layer: 1, seed: 4, staticVectors: [{ name: 'toy', kv }], topn: 2 });
  const lines = fs.readFileSync(SENSES, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
  expect(probe.word).toBe('bank');
  expect(probe.layer).toBe(1);
  expect(probe.labels).toEqual(['finance', 'river']);
  expect(probe.points.map((p) => [p.sentence, p.label])).toEqual(lines);

  const ref = await embed(lines.map((l) => l[0]), { model, levels: ['word'], layers: '1' });
  const rows = ref.words.filter((w) => w.text.toLowerCase() === 'bank').map((w) => w.vector);
  expect(rows).toHaveLength(20);
  const pca = pca2d(rows);
  probe.points.forEach((p, i) => {
    expect(p.x).toBeCloseTo(pca.points[i][0], 4);
    expect(p.y).toBeCloseTo(pca.points[i][1], 4);
  });
  const clusters = kmeans(rows, 2, { seed: 4 });
  expect(probe.points.map((p) => p.cluster)).toEqual(Array.from(clusters.assignments));
  expect(probe.purity).toBe(purity(clusters.assignments, lines.map((l) => l[1])));
  expect(probe.purity).toBeGreaterThanOrEqual(0.5);
  // the mean of the points sits at the centre of their PCA
  expect(probe.centroid!.x).toBeCloseTo(0, 4);
  expect(probe.centroid!.y).toBeCloseTo(0, 4);
  expect(probe.staticNeighbours).toEqual([{ embedding: 'toy', neighbours: [{ word: 'money', similarity: expect.any(Number) }, { word: 'loan', similarity: expect.any(Number) }] }]);
});

test('a given distilled vector is placed on the same axes; bad inputs are one-line errors', async () => {
  const dir = tmpDir('senses');
  const file = path.join(dir, 's.tsv');
  fs.writeFileSync(file, 'the bank\ta\nthe bank , bank\tb\n');
  const zero = await probePolysemy(model, file, { word: 'BANK', distilled: new Float32Array(32) });
  expect(zero.points).toHaveLength(3);
  const mean = await probePolysemy(model, file, { word: 'bank' });
  expect(Math.hypot(zero.centroid!.x - mean.centroid!.x, zero.centroid!.y - mean.centroid!.y)).toBeGreaterThan(1e-3);
  fs.writeFileSync(path.join(dir, 'bad.tsv'), 'the bank\ta\nno such word here\tb\n');
  await expect(probePolysemy(model, path.join(dir, 'bad.tsv'), { word: 'bank' })).rejects.toThrow(/bad\.tsv:2: the sentence has no "bank"/);
  fs.writeFileSync(path.join(dir, 'notab.tsv'), 'the bank a\n');
  await expect(probePolysemy(model, path.join(dir, 'notab.tsv'), { word: 'bank' })).rejects.toThrow(/notab\.tsv:1: expected "sentence<TAB>label"/);
  await expect(probePolysemy(model, file, { word: 'river bank' })).rejects.toThrow(/one word/);
});
