/** `--layers -4,-3,-2,-1` as the README writes it (a value starting with '-'), for every command that takes --layers. */
import * as fs from 'fs';
import * as path from 'path';
import { ctxembed, readJsonl } from './cli';
import { FIXTURES_DIR, fixtureModel, tmpDir } from './fixtures';

const TINY = fixtureModel('tiny');
const F = (name: string) => path.join(FIXTURES_DIR, 'compare', name);

test('embed --layers -3,-2,-1 gives the rows of --layers=-3,-2,-1', () => {
  const doc = path.join(tmpDir('layers-in'), 'a.txt');
  fs.writeFileSync(doc, 'Unbelievable tokenization of the river bank.');
  const spaced = tmpDir('layers-spaced');
  const joined = tmpDir('layers-joined');
  const r = ctxembed(['embed', doc, '--model', TINY, '--level', 'word', '--layers', '-3,-2,-1', '--layer-agg', 'concat', '--out', spaced, '--quiet']);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^finished: 1 done/) });
  expect(ctxembed(['embed', doc, '--model', TINY, '--level', 'word', '--layers=-3,-2,-1', '--layer-agg', 'concat', '--out', joined, '--quiet']).code).toBe(0);
  const rows = readJsonl(path.join(spaced, 'embeddings.jsonl'));
  expect(rows.map((x) => x.text)).toEqual(['Unbelievable', 'tokenization', 'of', 'the', 'river', 'bank', '.']);
  // three layers of 32 values, concatenated
  expect(rows[0].vector).toHaveLength(96);
  expect(rows).toEqual(readJsonl(path.join(joined, 'embeddings.jsonl')));
  expect(JSON.parse(fs.readFileSync(path.join(spaced, 'manifest.json'), 'utf8')).options.layers).toBe('-3,-2,-1');
});

test('distill --layers -2,-1 writes one file per layer', () => {
  const out = path.join(tmpDir('layers-distill'), 'v.vec');
  const r = ctxembed(['distill', '--model', TINY, '--corpus', F('corpus.txt'), '--layers', '-2,-1', '--min-count', '3', '--out', out]);
  expect(r.stderr).not.toMatch(/Unknown argument/);
  expect(r.code).toBe(0);
  for (const layer of [1, 2]) expect(fs.readFileSync(out.replace(/\.vec$/, `.L${layer}.vec`), 'utf8')).toMatch(/^\d+ 32\n/);
});

test('compare --layers -2,-1 compares those layers', () => {
  const out = tmpDir('layers-compare');
  const r = ctxembed(['compare', '--model', TINY, '--corpus', F('corpus.txt'), '--wordsim', F('wordsim.txt'), '--layers', '-2,-1', '--min-count', '3', '--max-contexts', '5', '--no-png', '--quiet', '--out', out]);
  expect(r.stderr).not.toMatch(/Unknown argument/);
  expect(r.code).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).model.layers).toEqual([1, 2]);
});
