/**
 * `ctxembed train` as a user runs it (its own process, real files, a real read-only disk): the
 * defaults train, and an output that cannot be written is refused before any work.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadVectors } from '../src/static/formats';
import { ctxembed, lines } from './cli';
import { FIXTURES_DIR, tmpDir } from './fixtures';
import { groupPrecision, writeGroupCorpus } from './group-corpus';
import { mountTinyDisk } from './tiny-disk';

const BROWN = path.join(FIXTURES_DIR, 'glove', 'brown-800.txt');
const dir = tmpDir('train-cli');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The epoch costs a GloVe run printed. */
function epochCosts(stderr: string): number[] {
  return [...stderr.matchAll(/^epoch \d+\/\d+: cost (\S+)/gm)].map((m) => Number(m[1]));
}

test('train glove with no --threads (all cores by default) trains: the cost falls and the vectors learn the word groups', () => {
  const corpus = path.join(dir, 'groups.txt');
  writeGroupCorpus(corpus, 3000);
  const out = path.join(dir, 'groups.vec');
  const r = ctxembed(['train', 'glove', '--corpus', corpus, '--out', out]);
  expect(r.code).toBe(0);
  const costs = epochCosts(r.stderr);
  expect(costs).toHaveLength(25);
  expect(costs[0]).toBeGreaterThan(0.1);
  expect(costs[24]).toBeLessThan(0.05 * costs[0]);
  const kv = loadVectors(out);
  expect([kv.size, kv.dim]).toEqual([40, 100]);
  // Initial vectors are W + W~ with each part uniform in ±0.5 / dim: every value within ±1 / dim.
  expect(kv.vectors.filter((v) => Math.abs(v) > 10 / 100).length).toBeGreaterThan(kv.vectors.length / 4);
  expect(groupPrecision(kv)).toBeGreaterThan(0.95);
});

test('train alone names the models to train', () => {
  for (const args of [['train'], ['train', 'fasttext']]) {
    const r = ctxembed(args);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toBe('ctxembed: name a model to train: word2vec or glove (ctxembed train <model> --help)');
  }
});

describe('an output that cannot be written fails at once, before any training', () => {
  const trainers = [
    ['word2vec', ['train', 'word2vec', '--corpus', BROWN, '--min-count', '1']],
    ['glove', ['train', 'glove', '--corpus', BROWN, '--min-count', '1', '--threads', '1']],
  ] as const;

  test.each(trainers)('%s: a path under a file', (_name, args) => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const r = ctxembed([...args, '--out', path.join(file, 'v.vec')]);
    expect(r.code).toBe(1);
    // One line: the error, and no progress, so no training happened first.
    expect(lines(r.stderr)).toEqual([`ctxembed: cannot create the folder ${file}: ${file} is a file, not a folder`]);
  });

  test.each(trainers)('%s: a read-only file system', (_name, args) => {
    const disk = mountTinyDisk(64, { readOnly: true });
    if (!disk) return;
    try {
      const r = ctxembed([...args, '--out', path.join(disk.dir, 'v.vec')]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([`ctxembed: ${disk.dir} is not writable (read-only file system)`]);
    } finally {
      disk.unmount();
    }
  });
});
