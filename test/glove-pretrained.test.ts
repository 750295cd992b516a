import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { InputError, UsageError } from '../src/errors';
import { loadVectors } from '../src/static/formats';
import { ctxembedCacheDir, resolveVectors } from '../src/static/pretrained';
import { ROOT, SHARED, sharedAvailable, tmpDir } from './fixtures';

// The converted cache lives in the repository's .cache/ so test runs share it (first conversion ~20 s).
process.env.CTXEMBED_CACHE = path.join(ROOT, '.cache', 'ctxembed');

describe('GloVe text files', () => {
  const dir = tmpDir('glove-text');

  test('load as KeyedVectors, dimension from the first line', () => {
    const file = path.join(dir, 'ok.txt');
    fs.writeFileSync(file, 'the 0.5 -1 2\ncat 1e-3 0 4.25\n');
    const kv = resolveVectors(file);
    expect(kv.words).toEqual(['the', 'cat']);
    expect(Array.from(kv.vector('cat'))).toEqual([Math.fround(1e-3), 0, 4.25]);
  });

  test('a corrupt or truncated line is an InputError naming the file and line', () => {
    const corrupt = path.join(dir, 'corrupt.txt');
    fs.writeFileSync(corrupt, 'the 0.5 -1 2\ncat 1 zero 4\n');
    expect(() => loadVectors(corrupt)).toThrow(InputError);
    expect(() => loadVectors(corrupt)).toThrow(`${corrupt}:2`);
    const truncated = path.join(dir, 'truncated.txt');
    fs.writeFileSync(truncated, 'the 0.5 -1 2\ncat 1 0.2\n');
    expect(() => loadVectors(truncated)).toThrow(`${truncated}:2`);
  });

  test('an unknown built-in name is a usage error listing the known ones', () => {
    expect(() => resolveVectors('glove:42B-300d')).toThrow(UsageError);
    expect(() => resolveVectors('glove:42B-300d')).toThrow('glove:6B-100d');
  });
});

describe('glove:6B-100d', () => {
  // Load time is measured by scripts/bench-glove.ts, not asserted here: this checks the cache is made once and reused.
  test('converts once into the cache, then loads from it: 341,479 words × 100, queen near king', () => {
    resolveVectors('glove:6B-100d'); // converts on the first run
    const cached = fs.readdirSync(ctxembedCacheDir()).filter((f) => f.startsWith('glove-6B-100d.')).map((f) => path.join(ctxembedCacheDir(), f));
    expect(cached).toHaveLength(1);
    const made = fs.statSync(cached[0]).mtimeMs;
    const kv = resolveVectors('glove:6B-100d');
    expect(fs.statSync(cached[0]).mtimeMs).toBe(made);
    expect(kv.size).toBe(341479);
    expect(kv.dim).toBe(100);
    expect(kv.words.slice(0, 4)).toEqual(['the', ',', '.', 'of']);
    // GloVe 6B's published value for "the" (glove.6B.100d.txt, first line)
    expect(kv.vector('the')[0]).toBeCloseTo(-0.038194, 6);
    expect(kv.mostSimilar('king', 10).map((n) => n.word)).toContain('queen');
  }, 300000);

  const maybe = sharedAvailable('eval') ? test : test.skip;
  maybe('ctxembed eval gives gensim\'s WordSim-353 0.533, SimLex-999 0.298, analogy 0.635', () => {
    // bin/ctxembed.js runs dist/, which the global setup rebuilds when src/ changed
    const out = execFileSync(process.execPath, [
      path.join(ROOT, 'bin', 'ctxembed.js'), 'eval', '--vectors', 'glove:6B-100d', '--json',
      '--wordsim', path.join(SHARED, 'eval', 'word-sim', 'EN-WS-353-ALL.txt'), '--wordsim', path.join(SHARED, 'eval', 'word-sim', 'EN-SIMLEX-999.txt'),
      '--analogy', path.join(SHARED, 'eval', 'analogy', 'questions-words.txt'),
    ], { cwd: ROOT, env: process.env, encoding: 'utf8' });
    const r = JSON.parse(out);
    expect(Math.abs(r.wordsim[0].spearman - 0.533)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(r.wordsim[1].spearman - 0.298)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(r.analogy.accuracy - 0.635)).toBeLessThanOrEqual(0.005);
  }, 300000);
});
