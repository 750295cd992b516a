/**
 * `ctxembed train` as a user runs it (its own process, real files, a real full disk): the defaults
 * train, and a failed run says why in one line and leaves nothing under the output's name.
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

describe('a full disk', () => {
  // Some 3,700 words × 100 floats: about 3 MB as text, 1.5 MB binary, on a 512 KB disk.
  const runs = [
    ['word2vec text', ['train', 'word2vec', '--epochs', '1']],
    ['word2vec --binary', ['train', 'word2vec', '--epochs', '1', '--binary']],
    ['glove text', ['train', 'glove', '--epochs', '1', '--threads', '1']],
    ['glove --glove-format', ['train', 'glove', '--epochs', '1', '--threads', '1', '--glove-format']],
    ['glove --binary', ['train', 'glove', '--epochs', '1', '--threads', '1', '--binary']],
  ] as const;

  test.each(runs)('%s: exit 1, one line "disk full: …", and no file left under the output name (nor a temporary)', (_name, args) => {
    const disk = mountTinyDisk(512);
    if (!disk) return;
    try {
      const out = path.join(disk.dir, 'vectors.out');
      const r = ctxembed([...args, '--corpus', BROWN, '--min-count', '1', '--quiet', '--out', out]);
      expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 1, stderr: [`ctxembed: disk full: cannot write ${out} (no space left on the device)`] });
      expect(fs.readdirSync(disk.dir)).toEqual([]);
    } finally {
      disk.unmount();
    }
  });

  test("glove: co-occurrence runs spilled into a full TMPDIR: exit 1, one line naming the spill and the way out, nothing left there", () => {
    const disk = mountTinyDisk(256);
    if (!disk) return;
    try {
      const out = path.join(dir, 'spill.vec');
      const r = ctxembed(['train', 'glove', '--corpus', BROWN, '--min-count', '1', '--memory', '0.0000001', '--threads', '1', '--quiet', '--out', out], { env: { TMPDIR: disk.dir } });
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^ctxembed: disk full: cannot write ${disk.dir}/ctxembed-cooccur-\\w+/\\S+\\.bin \\(no space left on the device\\) \\(co-occurrence counts .* spill there: .*TMPDIR.*--memory\\)$`))]);
      expect(fs.readdirSync(disk.dir)).toEqual([]);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      disk.unmount();
    }
  });
});
