import * as fs from 'fs';
import * as path from 'path';
import { loadVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { Word2VecOptions } from '../src/static/word2vec/args';
import { cumulativeTable, huffmanTree, keepProbabilities, sampleInts } from '../src/static/word2vec/tables';
import { trainWord2Vec } from '../src/static/word2vec/train';
import { ensureKernelBuilt } from './build-kernel';
import { runMain, tmpDir } from './fixtures';

beforeAll(ensureKernelBuilt, 60000);

describe('sampling tables', () => {
  test('subsampling keep probabilities (hand computation)', () => {
    // total 1000, sample 0.01: threshold t = 10; keep(c) = (sqrt(c/t) + 1) · t/c, capped at 1
    const keep = keepProbabilities(Float64Array.from([900, 90, 10]), 0.01);
    expect(keep[0]).toBeCloseTo((Math.sqrt(90) + 1) / 90, 12); // 0.11652…
    expect(keep[1]).toBeCloseTo((3 + 1) / 9, 12);
    expect(keep[2]).toBe(1);
    expect(Array.from(keepProbabilities(Float64Array.from([5, 1]), 0))).toEqual([1, 1]);
    expect(sampleInts(Float64Array.from([1, 0.5]))[0]).toBe(2 ** 32 - 1);
  });

  test('negative-sampling table follows count^0.75 (hand computation)', () => {
    const t = cumulativeTable(Float64Array.from([16, 1]), 0.75, 9000);
    // 16^0.75 = 8, 1^0.75 = 1: the first word holds 8/9 of the domain
    expect(Array.from(t)).toEqual([8000, 9000]);
  });

  test('Huffman codes: frequent words get short codes (hand-built tree)', () => {
    // counts 5, 3, 1, 1: merge 1+1 → n0 (2), then 2+3 → n1 (5), then 5+5 → root n2
    const tree = huffmanTree(Float64Array.from([5, 3, 1, 1]));
    expect(Array.from(tree.lengths)).toEqual([1, 2, 3, 3]);
    const code = (w: number) => Array.from(tree.codes.subarray(w * 40, w * 40 + tree.lengths[w]));
    const points = (w: number) => Array.from(tree.points.subarray(w * 40, w * 40 + tree.lengths[w]));
    expect([code(0), code(1), code(2), code(3)]).toEqual([[1], [0, 1], [0, 0, 1], [0, 0, 0]]);
    expect([points(0), points(1), points(2), points(3)]).toEqual([[2], [2, 1], [2, 1, 0], [2, 1, 0]]);
  });
});

/**
 * Four topics of six words; each sentence draws its words from one topic. After training, every
 * word's nearest neighbours are words of its own topic.
 */
function topicCorpus(dir: string, sentences = 3000): { file: string; topics: string[][] } {
  const topics = ['red green blue yellow purple orange', 'dog cat horse sheep goat cow', 'paris london rome berlin madrid vienna', 'one two three four five six'].map((t) => t.split(' '));
  let s = 12345;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
  const lines: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const topic = topics[rand(topics.length)];
    lines.push(Array.from({ length: 8 + rand(8) }, () => topic[rand(topic.length)]).join(' '));
  }
  const file = path.join(dir, 'topics.txt');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, topics };
}

function topicPrecision(kv: KeyedVectors, topics: string[][]): number {
  let right = 0;
  let all = 0;
  for (const topic of topics) {
    for (const w of topic) {
      for (const n of kv.mostSimilar(w, 5)) {
        all++;
        if (topic.includes(n.word)) right++;
      }
    }
  }
  return right / all;
}

describe('trainWord2Vec', () => {
  const dir = tmpDir('w2v');
  const { file, topics } = topicCorpus(dir);
  const base: Word2VecOptions = { dim: 20, epochs: 5, sample: 0, minCount: 1, threads: 1, seed: 7 };

  test.each<[string, Word2VecOptions]>([
    ['skip-gram, negative sampling', { arch: 'skipgram' }],
    ['CBOW, negative sampling', { arch: 'cbow' }],
    ['skip-gram, hierarchical softmax', { arch: 'skipgram', hs: true, negative: 0 }],
    ['CBOW, hierarchical softmax, 2 threads, subsampling', { arch: 'cbow', hs: true, negative: 0, threads: 2, sample: 0.01 }],
  ])('%s learns the topics', async (_name, opts) => {
    const r = await trainWord2Vec(file, { ...base, ...opts });
    expect(r.vocab.size).toBe(24);
    expect(r.words).toBe(r.vocab.totalCount * 5);
    expect(topicPrecision(r.vectors, topics)).toBe(1);
  });

  test('a seeded single-thread run is deterministic; another seed differs', async () => {
    const a = await trainWord2Vec(file, { ...base, arch: 'skipgram', sample: 1e-3 });
    const b = await trainWord2Vec(file, { ...base, arch: 'skipgram', sample: 1e-3 });
    const c = await trainWord2Vec(file, { ...base, arch: 'skipgram', sample: 1e-3, seed: 8 });
    expect(Buffer.from(a.vectors.vectors.buffer).equals(Buffer.from(b.vectors.vectors.buffer))).toBe(true);
    expect(Buffer.from(a.vectors.vectors.buffer).equals(Buffer.from(c.vectors.vectors.buffer))).toBe(false);
  });
});

describe('ctxembed train word2vec', () => {
  const run = runMain;

  test('trains and writes binary vectors that load back', async () => {
    const dir = tmpDir('w2v-cli');
    const { file } = topicCorpus(dir, 300);
    const out = path.join(dir, 'v.bin');
    const r = await run(['train', 'word2vec', '--corpus', file, '--out', out, '--binary', '--dim', '12', '--min-count', '1', '--epochs', '1']);
    expect(r).toEqual({ code: 0, err: expect.stringMatching(/trained 24 words × 12 .* words\/s\); wrote/) });
    const kv = loadVectors(out);
    expect([kv.size, kv.dim]).toEqual([24, 12]);
  });

  test('bad input exits 1 naming the file and the reason', async () => {
    const dir = tmpDir('w2v-bad');
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '\n \n');
    const rare = path.join(dir, 'rare.txt');
    fs.writeFileSync(rare, 'just a few words\n');
    const bin = path.join(dir, 'data.bin');
    fs.writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
    const out = path.join(dir, 'v.vec');
    expect(await run(['train', 'word2vec', '--corpus', empty, '--out', out])).toEqual({ code: 1, err: `ctxembed: ${empty}: the corpus has no words` });
    expect(await run(['train', 'word2vec', '--corpus', rare, '--out', out])).toEqual({ code: 1, err: expect.stringContaining(`ctxembed: ${rare}: no word occurs at least 5 times`) });
    expect(await run(['train', 'word2vec', '--corpus', bin, '--out', out])).toEqual({ code: 1, err: expect.stringContaining(`ctxembed: ${bin}: a binary file`) });
    expect(fs.existsSync(out)).toBe(false);
    expect((await run(['train', 'word2vec', '--corpus', rare, '--out', out, '--negative', '0'])).code).toBe(2);
  });
});
