/**
 * The PyTorch-exported hub fixtures (fixtures/hub/, made by scripts/make-hub-fixtures.py) and
 * checks of ctxembed's rows against PyTorch's hidden states saved beside each export.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EmbedResult } from '../src/embed';
import { cosine } from '../src/static/keyed-vectors';

export { cosine };
import { FIXTURES_DIR } from './fixtures';

export const HUB = path.join(FIXTURES_DIR, 'hub');
export const EXPORTS = ['bert-opset14', 'bert-opset17', 'bert-mlm-opset14', 'bert-mlm-opset17', 'distilbert-opset14', 'distilbert-opset17'];

export interface Reference {
  texts: { text: string; ids: number[]; states: number[][] }[];
}

export const reference = (name: string): Reference => JSON.parse(fs.readFileSync(path.join(HUB, name, 'reference.json'), 'utf8'));
export const hiddenSize = (name: string): number => {
  const c = JSON.parse(fs.readFileSync(path.join(HUB, name, 'config.json'), 'utf8'));
  return c.hidden_size ?? c.dim;
};

/** PyTorch's state of token k of a text at the given layers, concatenated. */
export function tokenState(states: number[][], layers: number[], k: number, dim: number): number[] {
  return layers.flatMap((l) => states[l].slice(k * dim, (k + 1) * dim));
}

/** Mean over tokens [from, to) of the concatenated states. */
export function meanState(states: number[][], layers: number[], from: number, to: number, dim: number): number[] {
  const sum = new Array(layers.length * dim).fill(0);
  for (let k = from; k < to; k++) tokenState(states, layers, k, dim).forEach((v, i) => (sum[i] += v / (to - from)));
  return sum;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}


export interface Row {
  level: string;
  text: string;
  word?: number;
  vector: ArrayLike<number>;
}

/**
 * Checks every row against PyTorch: tokens are the document's states, words the mean of their
 * pieces, sentences the mean of each sentence run alone, the document the mean of all its tokens
 * ([CLS] and [SEP] included, as mean pooling counts them). `close` compares two vectors.
 */
export function checkRows(rows: Row[], ref: Reference, layers: number[], dim: number, close: (ours: ArrayLike<number>, torch: number[]) => void): void {
  const [doc, ...sentences] = ref.texts;
  const tokens = rows.filter((r) => r.level === 'token');
  expect(tokens).toHaveLength(doc.ids.length - 2);
  tokens.forEach((t, k) => close(t.vector, tokenState(doc.states, layers, k + 1, dim)));
  const words = rows.filter((r) => r.level === 'word');
  expect(words.length).toBeGreaterThan(10);
  words.forEach((w, index) => {
    const pieces = tokens.map((t, k) => (t.word === index ? k + 1 : -1)).filter((k) => k >= 0);
    expect(pieces.length).toBeGreaterThan(0);
    close(w.vector, meanState(doc.states, layers, pieces[0], pieces[pieces.length - 1] + 1, dim));
  });
  const sentenceRows = rows.filter((r) => r.level === 'sentence');
  expect(sentenceRows.map((s) => s.text)).toEqual(sentences.map((s) => s.text));
  sentenceRows.forEach((s, j) => close(s.vector, meanState(sentences[j].states, layers, 0, sentences[j].ids.length, dim)));
  const [document] = rows.filter((r) => r.level === 'document');
  close(document.vector, meanState(doc.states, layers, 0, doc.ids.length, dim));
}

export const fp32Close = (ours: ArrayLike<number>, torch: number[]) => expect(maxAbsDiff(ours, torch)).toBeLessThan(1e-4);
export const q8Close = (ours: ArrayLike<number>, torch: number[]) => expect(cosine(ours, torch)).toBeGreaterThanOrEqual(0.98);

export const allRows = (r: EmbedResult): Row[] => [...r.tokens, ...r.words, ...r.sentences, ...r.documents];

