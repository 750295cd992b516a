/**
 * The probes' features and datasets: SIF against a hand computation, target words found by their
 * offsets in tricky sentences (punctuation, a repeated word, a word split into pieces, a span of
 * several words) for static windows and contextual vectors (against `embed`'s word, token and
 * sentence rows), and every bad input as a one-line error naming the file and line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { selectLayers } from '../src/contextual/layers';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embed } from '../src/embed';
import { probeClassification } from '../src/eval/classification';
import { sentenceFeatures, targetFeatures } from '../src/eval/probe/contextual-features';
import { encodeLabels, findWord, readLabelledSentences, readTargetSentences } from '../src/eval/probe/datasets';
import { meanFeatures, sifFeatures, staticTokens, targetTokens, windowFeatures } from '../src/eval/probe/static-features';
import { probeWsd } from '../src/eval/wsd';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { FIXTURES_DIR, fixtureModel, tmpDir } from './fixtures';

const kv = (rows: Record<string, number[]>) => new KeyedVectors(Object.keys(rows), Object.values(rows)[0].length, Float32Array.from(Object.values(rows).flat()));

describe('static features', () => {
  test('SIF: a/(a + p(w)) weights over the dataset tokens, then the first singular direction removed (by hand)', () => {
    const vectors = kv({ a: [1, 0], b: [0, 2], c: [1, 1] });
    const sentences = ['a b', 'a c a', 'b zz'].map(staticTokens);
    const { x, coverage, empty } = sifFeatures(vectors, sentences, 0.5);
    // 7 tokens: p(a) = 3/7, p(b) = 2/7, p(c) = 1/7; zz has no vector (it counts in the total, not in a mean)
    const [wa, wb, wc] = [0.5 / (0.5 + 3 / 7), 0.5 / (0.5 + 2 / 7), 0.5 / (0.5 + 1 / 7)];
    const s = [
      [wa / 2, wb],
      [(2 * wa + wc) / 3, wc / 3],
      [0, 2 * wb],
    ];
    // top eigenvector of Σ s sᵀ = [[p, q], [q, r]]
    const p = s.reduce((t, v) => t + v[0] * v[0], 0);
    const q = s.reduce((t, v) => t + v[0] * v[1], 0);
    const r = s.reduce((t, v) => t + v[1] * v[1], 0);
    const lambda = (p + r) / 2 + Math.sqrt(((p - r) / 2) ** 2 + q * q);
    const n = Math.hypot(q, lambda - p);
    const u = [q / n, (lambda - p) / n];
    s.forEach((v, i) => {
      const dot = v[0] * u[0] + v[1] * u[1];
      expect(x.data[2 * i]).toBeCloseTo(v[0] - dot * u[0], 5);
      expect(x.data[2 * i + 1]).toBeCloseTo(v[1] - dot * u[1], 5);
    });
    expect(Math.abs(x.data[0])).toBeGreaterThan(1e-3); // not all zero
    expect(coverage).toBeCloseTo(6 / 7, 10);
    expect(empty).toBe(0);
  });

  test('mean features: words as written, else lower case; a sentence without known words is zeros and counted', () => {
    const vectors = kv({ Good: [2, 0], good: [0, 2], film: [4, 4] });
    const { x, coverage, empty } = meanFeatures(vectors, ['Good FILM !', 'nothing here'].map(staticTokens));
    expect(Array.from(x.data)).toEqual([3, 2, 0, 0]);
    expect(coverage).toBeCloseTo(2 / 5, 10);
    expect(empty).toBe(1);
  });

  test('tokens: whitespace words with their edge punctuation split off, inner punctuation kept', () => {
    const t = staticTokens('He stood in "line," then (left)... co-writer\'s');
    expect(t.words).toEqual(['He', 'stood', 'in', '"', 'line', ',"', 'then', '(', 'left', ')...', "co-writer's"]);
    t.words.forEach((w, i) => expect('He stood in "line," then (left)... co-writer\'s'.slice(t.starts[i], t.ends[i])).toBe(w));
  });

  test('the window around a target: punctuation next to it, the second of two occurrences', () => {
    const words = ['we', 'stood', 'in', 'line', ',', 'then', 'the', 'long', 'left', '.', 'x', 'y'];
    const vectors = kv(Object.fromEntries(words.map((w, i) => [w, words.map((_, j) => (i === j ? 1 : 0))])));
    const sentence = 'we stood in line, then the long line left. x y';
    const second = sentence.lastIndexOf('line');
    const tokens = staticTokens(sentence);
    const target = targetTokens(tokens, second, second + 4);
    expect(tokens.words[target.first]).toBe('line');
    expect(target).toEqual({ first: 8, last: 8 });
    const { x } = windowFeatures(vectors, [tokens], [target], 5);
    // five tokens each side: "line , then the long" before, "left . x y" after (the first "line" is in the window)
    const expected = new Array(words.length).fill(0);
    for (const w of ['line', ',', 'then', 'the', 'long', 'left', '.', 'x', 'y']) expected[words.indexOf(w)] += 1 / 9;
    Array.from(x.data).forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
  });
});

describe('contextual features on the tiny fixture model', () => {
  let model: ContextualModel;
  beforeAll(async () => {
    model = await loadContextualModel({ model: fixtureModel('tiny') });
  });
  afterAll(() => model.dispose());

  test.each([
    ['a repeated word: the second', 'The line, by the line.', (s: string) => s.lastIndexOf('line'), 4],
    ['a word split into pieces', 'She paid at the bank, unbelievably.', (s: string) => s.indexOf('unbelievably'), 12],
    ['punctuation right after the target', 'He waited in line; then left.', (s: string) => s.indexOf('line'), 4],
  ])('target vector = embed\'s word vector: %s', async (_, sentence, at, length) => {
    const start = at(sentence);
    const [features] = await (async () => {
      await selectLayers(model, [1]);
      return targetFeatures(model, 'test.tsv', [{ sentence, label: 'x', line: 1, start, end: start + length }], 'mean', 1);
    })();
    const { words } = await embed([sentence], { model, levels: ['word'], layers: '1', wordPooling: 'mean' });
    const word = words.find((w) => w.start === start)!;
    expect(word.end).toBe(start + length);
    if (length === 12) expect(word.tokens).toBeGreaterThan(1);
    Array.from(features.data).forEach((v, k) => expect(v).toBeCloseTo(word.vector[k], 5));
  });

  test('a target spanning several words pools all their pieces', async () => {
    const sentence = 'It is a well-known fact.';
    const start = sentence.indexOf('well-known');
    await selectLayers(model, [2]);
    const [features] = await targetFeatures(model, 'test.tsv', [{ sentence, label: 'x', line: 1, start, end: start + 10 }], 'mean', 1);
    const { tokens } = await embed([sentence], { model, levels: ['token'], layers: '2' });
    const inside = tokens.filter((t) => t.start >= start && t.end <= start + 10);
    expect(inside.map((t) => t.text)).toEqual(['well', '-', 'known']);
    Array.from(features.data).forEach((v, k) => expect(v).toBeCloseTo(inside.reduce((s, t) => s + t.vector[k] / 3, 0), 5));
  });

  test('sentence features: every layer and pooling in one pass equal embed\'s sentence rows', async () => {
    const sentences = ['A quiet, moving film.', 'The plot drags on and on.'];
    const layers = await selectLayers(model, 'all');
    const features = await sentenceFeatures(model, sentences, ['mean', 'cls'], layers.length);
    for (const [p, pooling] of (['mean', 'cls'] as const).entries()) {
      for (const [l, layer] of layers.entries()) {
        const rows = (await embed(sentences, { model, levels: ['sentence'], layers: String(layer), sentencePooling: pooling })).sentences;
        rows.forEach((row, i) => Array.from(features[p][l].data.subarray(i * 32, (i + 1) * 32)).forEach((v, k) => expect(v).toBeCloseTo(row.vector[k], 5)));
      }
      await selectLayers(model, 'all');
    }
  });

  test('probeClassification and probeWsd: a score per layer and pooling, on the same folds for every feature set', async () => {
    const classes = await probeClassification(model, path.join(FIXTURES_DIR, 'probe', 'reviews.tsv'), { layers: '0,2', folds: 5 });
    expect(classes.scores.map((s) => [s.features, s.layer, s.classifier])).toEqual([
      ['mean', 0, 'logistic-regression'], ['mean', 2, 'logistic-regression'], ['cls', 0, 'logistic-regression'], ['cls', 2, 'logistic-regression'],
    ]);
    expect(classes).toMatchObject({ task: 'classification', examples: 60, classes: ['neg', 'pos'], folds: 5 });
    for (const s of classes.scores) expect(s.folds).toHaveLength(5);
    // the [CLS] state of layer 0 is the same vector for every sentence: a constant feature, so chance
    expect(classes.scores[2].accuracy).toBeCloseTo(0.5, 10);
    const senses = await probeWsd(model, path.join(FIXTURES_DIR, 'senses-bank.tsv'), { word: 'bank', layers: '-1', folds: 4 });
    expect(senses.scores.map((s) => [s.features, s.layer, s.classifier])).toEqual([['target', 2, 'nearest-centroid'], ['target', 2, 'logistic-regression']]);
    expect(senses).toMatchObject({ task: 'wsd', examples: 20, classes: ['finance', 'river'], word: 'bank' });
  });
});

describe('datasets: bad input is a one-line error naming the file and line', () => {
  const file = (name: string, text: string) => {
    const f = path.join(tmpDir('probe-data'), name);
    fs.writeFileSync(f, text);
    return f;
  };
  test.each([
    ['no tab', 'a fine film\tpos\nno label here\n', /bad\.tsv:2: expected "sentence<TAB>label"/],
    ['one class', 'a\tpos\nb\tpos\n', /bad\.tsv: every example has the label "pos"; a classifier needs two classes or more/],
    ['a label with one example', '# comment\na\tpos\nb\tneg\nc\tpos\nd\tmeh\ne\tneg\n', /bad\.tsv:5: the label "meh" has this one example/],
    ['empty', '# nothing\n\n', /bad\.tsv: no examples/],
  ])('classification: %s', (_, text, message) => {
    const f = file('bad.tsv', text);
    expect(() => encodeLabels(f, readLabelledSentences(f))).toThrow(message);
  });

  test.each([
    ['offsets inside a word', 'the line is long\tcord\t5\t8\n', /bad\.tsv:1: offsets 5-8 \("ine"\) do not fall on a word/],
    ['offsets on punctuation only', 'the line , long\tcord\t9\t10\n', /bad\.tsv:1: offsets 9-10 \(","\) do not fall on a word/],
    ['offsets past the end', 'the line\tcord\t4\t20\n', /bad\.tsv:1: offsets 4-20 are not a span of the sentence/],
    ['offsets not numbers', 'the line\tcord\tfour\t8\n', /bad\.tsv:1: offsets four-8 are not a span/],
    ['three fields', 'the line\tcord\t4\n', /bad\.tsv:1: expected "sentence<TAB>sense<TAB>start<TAB>end" \(3 fields\)/],
    ['two fields without the word', 'the line\tcord\n', /bad\.tsv:1: "sentence<TAB>label" lines need the target word \(--word\)/],
  ])('word senses: %s', (_, text, message) => {
    expect(() => readTargetSentences(file('bad.tsv', text))).toThrow(message);
  });

  test('sentence<TAB>label word senses: the first whole-word occurrence of the word, in any case', () => {
    const f = file('senses.tsv', 'The riverbank and the Bank, then the bank.\tfinance\nNo such word\triver\n');
    expect(() => readTargetSentences(f, 'bank')).toThrow(/senses\.tsv:2: the sentence has no "bank"/);
    expect(findWord('The riverbank and the Bank, then the bank.', 'bank')).toEqual({ start: 22, end: 26 });
  });

  test('offsets that hold a word are read as given', () => {
    const [t] = readTargetSentences(file('ok.tsv', 'stand in line, please\tqueue\t9\t13\n'));
    expect(t).toEqual({ sentence: 'stand in line, please', label: 'queue', start: 9, end: 13, line: 1 });
  });
});
