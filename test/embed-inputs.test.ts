/** What `ctxembed embed` is given: names shared by two inputs, FIFOs, the output folder inside an input, very deep folders. */
import {  spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ctxembed, readJsonl } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

const TINY = fixtureModel('tiny');
const embed = (inputs: string[], out: string, extra: string[] = [], timeout?: number) =>
  ctxembed(['embed', ...inputs, '--model', TINY, '--level', 'document', '--out', out, '--quiet', ...extra], { timeout });

test('the same name in two inputs: each folder\'s files are prefixed with its name, all embedded', () => {
  const root = tmpDir('names');
  for (const [col, text] of [['colA', 'The first collection.'], ['colB', 'The second collection, another text.']]) {
    fs.mkdirSync(path.join(root, col, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, col, 'x.txt'), text);
    fs.writeFileSync(path.join(root, col, 'sub', 'y.txt'), `${text} Nested.`);
  }
  const out = tmpDir('names-out');
  const r = embed([path.join(root, 'colA'), path.join(root, 'colB')], out);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/finished: 4 done/);
  const rows = readJsonl(path.join(out, 'embeddings.jsonl'));
  expect(rows.map((x) => [x.source, x.text])).toEqual([
    ['colA/sub/y.txt', 'The first collection. Nested.'],
    ['colA/x.txt', 'The first collection.'],
    ['colB/sub/y.txt', 'The second collection, another text. Nested.'],
    ['colB/x.txt', 'The second collection, another text.'],
  ]);
  expect(embed([path.join(root, 'colA'), path.join(root, 'colB')], out).stderr).toMatch(/finished: 0 done, 4 already done/);
  // --include / --exclude see the prefixed names
  const only = embed([path.join(root, 'colA'), path.join(root, 'colB')], tmpDir('names-glob'), ['--exclude', 'colB/**']);
  expect(only.stderr).toMatch(/finished: 2 done/);
});

test('two inputs of the same name are refused with one line', () => {
  const root = tmpDir('names-same');
  for (const parent of ['a', 'b']) {
    fs.mkdirSync(path.join(root, parent, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, parent, 'docs', 'x.txt'), `Text in ${parent}.`);
  }
  const out = tmpDir('names-same-out');
  const r = embed([path.join(root, 'a', 'docs'), path.join(root, 'b', 'docs')], out);
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(`ctxembed: ${path.join(root, 'a', 'docs', 'x.txt')} and ${path.join(root, 'b', 'docs', 'x.txt')} would both be named docs/x.txt in the outputs: give inputs with different names, or embed them into separate --out folders`);
  expect(fs.readdirSync(out)).toEqual([]);
});

test('a FIFO among the inputs is reported as skipped and never opened', () => {
  const dir = tmpDir('fifo');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'A normal file.');
  const fifo = path.join(dir, 'pipe');
  if (spawnSync('mkfifo', [fifo]).status !== 0) {
    console.warn('skipping: mkfifo is not available');
    return;
  }
  const lone = path.join(tmpDir('fifo-given'), 'given-pipe');
  spawnSync('mkfifo', [lone]);
  const out = tmpDir('fifo-out');
  const r = embed([dir, lone], out, [], 30000);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`ctxembed: skipped ${path.basename(dir)}/pipe: not a regular file: a FIFO (named pipe)`);
  expect(r.stderr).toContain('ctxembed: skipped given-pipe: not a regular file: a FIFO (named pipe)');
  expect(r.stderr).toMatch(/finished: 1 done, 2 skipped/);
  const m = readManifest(out)!;
  expect(m.files[`${path.basename(dir)}/pipe`]).toMatchObject({ status: 'skipped', reason: 'not a regular file: a FIFO (named pipe)' });
});

test('--out inside an input folder is not embedded, on the first run or a rerun', () => {
  const dir = tmpDir('out-inside');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'Some text to embed.');
  const out = path.join(dir, 'index');
  expect(embed([dir], out).stderr).toMatch(/finished: 1 done/);
  const again = embed([dir], out);
  expect(again.stderr).toMatch(/finished: 0 done, 1 already done, 0 skipped, 0 failed of 1 files/);
  expect(Object.keys(readManifest(out)!.files)).toEqual(['a.txt']);
});

test('a file 1,500 folders deep is listed and embedded without delay', () => {
  const root = tmpDir('deep');
  const dir = path.join(root, ...Array(1500).fill('d'));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'deep.txt'), 'four little tokens here');
  const out = tmpDir('deep-out');
  // A guard, not a measurement (scripts/bench-deep-folders.ts measures): listing took 70 s when it resolved every folder's real path component by component.
  const r = embed([root], out, [], 30000);
  expect(r.code).toBe(0);
  const rows = readJsonl(path.join(out, 'embeddings.jsonl'));
  expect(rows.map((x) => [x.source, x.text])).toEqual([[`${'d/'.repeat(1500)}deep.txt`, 'four little tokens here']]);
});

test('a .jsonl file with bad lines: those lines are left out, counted and reported; the rest is embedded', () => {
  const dir = tmpDir('jsonl');
  fs.writeFileSync(path.join(dir, 'records.jsonl'), ['{"text": "First record."}', '{"text": "Second', '{"title": "no text field"}', '{"text": "Third record."}', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'all-bad.jsonl'), '{oops\n');
  const out = tmpDir('jsonl-out');
  const r = ctxembed(['embed', dir, '--model', TINY, '--level', 'sentence', '--out', out, '--quiet']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('ctxembed: records.jsonl: 2 bad lines left out (line 2: invalid JSON: ');
  expect(r.stderr).toMatch(/ctxembed: skipped all-bad\.jsonl: no usable line \(1 bad; line 1: invalid JSON: /);
  expect(r.stderr).toMatch(/^2 bad lines of \.jsonl files left out/m);
  expect(readJsonl(path.join(out, 'embeddings.jsonl')).map((x) => x.text)).toEqual(['First record.', 'Third record.']);
  expect(readManifest(out)!.files['records.jsonl']).toMatchObject({ status: 'done', badLines: 2 });
});
