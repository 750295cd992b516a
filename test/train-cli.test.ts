/**
 * `ctxembed train` as a user runs it (its own process, real files): the defaults train.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadVectors } from '../src/static/formats';
import { ctxembed, lines } from './cli';
import { FIXTURES_DIR, tmpDir } from './fixtures';
import { groupPrecision, writeGroupCorpus } from './group-corpus';

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
