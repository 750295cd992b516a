/** The README's scripting examples, run as a user runs them (ts-node), on the fixture model. */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { fixtureModel, ROOT } from './fixtures';

const run = (name: string, ...args: string[]) =>
  execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', path.join(ROOT, 'examples', name), ...args], { cwd: ROOT, encoding: 'utf8' });

test('embed-sentences: two cosines to the first sentence', () => {
  const lines = run('embed-sentences.ts', fixtureModel('tiny')).trim().split('\n');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    const score = Number(line.split('\t')[0]);
    expect(score).toBeGreaterThan(-1);
    expect(score).toBeLessThan(1);
  }
});

test('word-vectors: "bank" differs between contexts; a split word has one vector', () => {
  const out = run('word-vectors.ts', fixtureModel('tiny'));
  const cos = Number(/cosine (-?[\d.]+)/.exec(out)![1]);
  expect(cos).toBeLessThan(0.9999);
  expect(out).toMatch(/has \d+ pieces, one 32-d vector/);
});

test('folder-and-query: embeds the fixture folder into lance tables and lists three hits among the news', () => {
  const out = run('folder-and-query.ts', fixtureModel('tiny')).trim().split('\n');
  expect(out[0]).toBe('embedded 3 files into 12 sentence rows');
  expect(out.slice(1)).toHaveLength(3);
  for (const line of out.slice(1)) expect(line).toMatch(/^\d\.\d{4}\tnews\/\w+\.txt:\d+-\d+\t/);
});

test('static-baseline: trains, saves, reloads and evaluates Word2Vec', () => {
  const out = run('static-baseline.ts');
  expect(out).toMatch(/^\d+ words x 50, saved to /);
  expect(out).toMatch(/wordsim-small\.txt: spearman -?[\d.]+ over 8 pairs \(2 skipped\)/);
});

test('downstream-probes: static and per-layer accuracies on the fixture datasets', () => {
  const out = run('downstream-probes.ts', fixtureModel('tiny'), path.join(ROOT, 'fixtures', 'compare', 'static.vec')).trim().split('\n');
  expect(out.filter((l) => l.startsWith(path.join(ROOT, 'fixtures', 'compare', 'static.vec')))).toHaveLength(2 + 3);
  expect(out.filter((l) => l.includes(' L'))).toHaveLength(6 + 2);
  for (const line of out) expect(line).toMatch(/: \d+\.\d ± \d+\.\d$/);
  expect(out).toContainEqual(expect.stringMatching(/static\.vec target most-frequent: 33\.3 ± 0\.0$/));
});
