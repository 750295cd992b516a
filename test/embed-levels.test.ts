import * as path from 'path';
import { env, pipeline } from '@huggingface/transformers';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embed, embedSentences, PART_CHARS, textParts } from '../src/embed';
import { fixtureModel } from './fixtures';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

let model: ContextualModel;
let allLayers: ContextualModel;
beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
  allLayers = await loadContextualModel({ model: fixtureModel('tiny-all-layers') });
});
afterAll(async () => {
  await model.dispose();
  await allLayers.dispose();
});

const texts = ['Hello world, an unbelievable café!', 'The bank of the river was muddy.', 'She went to the bank to deposit money. Then she went home.'];

test('document mean + normalize equals Transformers.js feature-extraction (mean, normalize)', async () => {
  const ours = await embed(texts, { model, levels: ['document'], normalize: true });
  env.allowRemoteModels = false;
  env.localModelPath = '/';
  const extractor = await pipeline('feature-extraction', fixtureModel('tiny'), { dtype: 'fp32' } as any);
  const ref = await extractor(texts, { pooling: 'mean', normalize: true });
  const dim = ref.dims[1];
  ours.documents.forEach((d, i) => expect(maxAbsDiff(d.vector, (ref.data as Float32Array).subarray(i * dim, (i + 1) * dim))).toBeLessThan(1e-5));
  await (extractor as any).dispose();
});

test('a word split into pieces gets the mean of exactly those pieces', async () => {
  const r = await embed(['a story about tokenization'], { model, levels: ['token', 'word'] });
  const word = r.words.find((w) => w.text === 'tokenization')!;
  const pieces = r.tokens.filter((t) => t.word === word.index);
  expect(pieces.map((p) => p.text)).toEqual(['token', '##ization']);
  expect(word.tokens).toBe(pieces.length);
  const mean = new Float64Array(word.vector.length);
  for (const p of pieces) p.vector.forEach((v, k) => (mean[k] += v / pieces.length));
  expect(maxAbsDiff(word.vector, mean)).toBeLessThan(1e-6);
  // and not the mean of all tokens
  const all = new Float64Array(word.vector.length);
  for (const p of r.tokens) p.vector.forEach((v, k) => (all[k] += v / r.tokens.length));
  expect(maxAbsDiff(word.vector, all)).toBeGreaterThan(1e-3);
});

test('the same word in two sentences differs; the same sentence twice is identical', async () => {
  const r = await embed(['I sat by the river bank.', 'I sat by the river bank.', 'The bank raised its rates.'], { model, levels: ['word'] });
  const bank = (source: string) => r.words.find((w) => w.source === source && w.text === 'bank')!.vector;
  expect(maxAbsDiff(bank('0'), bank('1'))).toBe(0);
  expect(maxAbsDiff(bank('0'), bank('2'))).toBeGreaterThan(1e-3);
});

test('sentence rows are the segmented sentences, each encoded on its own', async () => {
  const r = await embed([texts[2]], { model, levels: ['sentence'] });
  expect(r.sentences.map((s) => s.text)).toEqual(['She went to the bank to deposit money.', 'Then she went home.']);
  expect(r.sentences.map((s) => texts[2].slice(s.start, s.end))).toEqual(r.sentences.map((s) => s.text));
  const alone = await embedSentences(['Then she went home.'], { model });
  expect(maxAbsDiff(r.sentences[1].vector, alone[0])).toBeLessThan(1e-6);
});

test('layers found in the graph equal the exported hidden states; the last equals last_hidden_state', async () => {
  const text = ['Layers of a small model, compared.'];
  const last = await embed(text, { model, levels: ['token'] });
  const scanned = await embed(text, { model, levels: ['token'], layers: 'all', layerAgg: 'concat' });
  const exported = await embed(text, { model: allLayers, levels: ['token'], layers: 'all', layerAgg: 'concat' });
  // An export with every state as an output runs as exported (the last state under its first output name).
  expect(allLayers.encoder.outputs).toEqual(['hidden_states.0', 'hidden_states.1', 'last_hidden_state']);
  expect(model.encoder.outputs[2]).toBe('/encoder/layer.1/output/LayerNorm/LayerNormalization_output_0');
  const dim = model.hiddenSize;
  scanned.tokens.forEach((t, i) => {
    expect(maxAbsDiff(t.vector, exported.tokens[i].vector)).toBeLessThan(1e-6);
    expect(maxAbsDiff(t.vector.subarray(2 * dim), last.tokens[i].vector)).toBe(0);
  });
  // mean of layers -2,-1 is the mean of the two blocks
  const mean = await embed(text, { model, levels: ['token'], layers: '-2,-1', layerAgg: 'mean' });
  const t0 = scanned.tokens[0].vector;
  const expected = Array.from({ length: dim }, (_, k) => (t0[dim + k] + t0[2 * dim + k]) / 2);
  expect(maxAbsDiff(mean.tokens[0].vector, expected)).toBeLessThan(1e-6);
});

test('layers beyond the model are a clear error naming the range', async () => {
  await expect(embed(['x'], { model, layers: '7' })).rejects.toThrow(/\[-3, 2\]/);
});

const splitParts = (pieces: string[], max: number) => Array.from(textParts(pieces, max), (p) => [p.start, p.end]);

test('textParts cuts long texts at paragraph breaks, else spaces, covering every character once, however the text comes in pieces', () => {
  const para = 'word '.repeat(30).trim();
  const text = Array.from({ length: 10 }, () => para).join('\n\n');
  const parts = splitParts([text], 400);
  for (const size of [1, 7, 399, 400, 401, 1000]) {
    const pieces = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
    expect(splitParts(pieces, 400)).toEqual(parts);
  }
  for (const p of textParts([text], 400)) expect(p.text).toBe(text.slice(p.start, p.end));
  expect(parts[0][0]).toBe(0);
  expect(parts[parts.length - 1][1]).toBe(text.length);
  for (let i = 1; i < parts.length; i++) expect(parts[i][0]).toBe(parts[i - 1][1]);
  for (const [a, b] of parts) {
    expect(b - a).toBeLessThanOrEqual(400);
    if (b < text.length) expect(text.slice(b, b + 2)).toBe('\n\n');
  }
  expect(splitParts(['x'.repeat(1000)], 400)).toEqual([[0, 400], [400, 800], [800, 1000]]);
});

test('a document run in parts keeps token and word indexes and offsets of the whole text', async () => {
  const sentence = 'The quick brown fox jumps over the lazy dog. ';
  const count = Math.ceil((PART_CHARS * 1.5) / sentence.length);
  const text = sentence.repeat(count);
  const r = await embed([text], { model, levels: ['token', 'word', 'document'] });
  expect(r.tokens.map((t) => t.index)).toEqual(r.tokens.map((_, i) => i));
  expect(r.words.map((w) => w.index)).toEqual(r.words.map((_, i) => i));
  for (const w of r.words) expect(text.slice(w.start, w.end)).toBe(w.text);
  expect(r.words).toHaveLength(10 * count); // nine words and a full stop each
  expect(r.tokens).toHaveLength(10 * count);
  expect(r.documents).toHaveLength(1);
});
