/** ctxembed convert: outputs move between formats without embedding again; a round trip gives the same bytes. */
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ctxembed, makeDocs, readJsonl } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { readTables } from './lance';

const TINY = fixtureModel('tiny');

let docs: string;
beforeAll(() => {
  docs = makeDocs(30);
});

function embedded(format: string, levels: string[]): string {
  const out = tmpDir(`convert-${format}`);
  expect(ctxembed(['embed', docs, '--model', TINY, ...levels.flatMap((l) => ['--level', l]), '--format', format, '--out', out, '--quiet']).code).toBe(0);
  return out;
}

const withoutTime = (dir: string) => ({ ...readManifest(dir)!, updated: '' });

test.each([
  ['npy', ['token', 'sentence', 'document'], ['vectors.npy', 'meta.jsonl']],
  ['jsonl', ['word', 'sentence'], ['embeddings.jsonl']],
] as const)('%s → lance → back gives the same files and manifest', (format, levels, files) => {
  const from = embedded(format, [...levels]);
  const lance = tmpDir('convert-lance');
  const there = ctxembed(['convert', '--from', from, '--to', lance]);
  expect(there.code).toBe(0);
  expect(there.stderr).toMatch(new RegExp(`^converted \\d+ rows from ${format} to lance in \\d+\\.\\d s: ${lance}$`, 'm'));
  expect(readManifest(lance)!.options.format).toBe('lance');
  const back = tmpDir('convert-back');
  expect(ctxembed(['convert', '--from', lance, '--to', back, '--format', format, '--quiet']).code).toBe(0);
  for (const f of files) expect(fs.readFileSync(path.join(back, f))).toEqual(fs.readFileSync(path.join(from, f)));
  expect(fs.readdirSync(back).sort()).toEqual([...files, 'manifest.json'].sort());
  expect(withoutTime(back)).toEqual(withoutTime(from));
});

test('the lance tables hold the rows of meta.jsonl and vectors.npy, row for row', async () => {
  const from = embedded('npy', ['word', 'document']);
  const lance = tmpDir('convert-rows');
  expect(ctxembed(['convert', '--from', from, '--to', lance, '--quiet']).code).toBe(0);
  const meta = readJsonl(path.join(from, 'meta.jsonl'));
  const npy = fs.readFileSync(path.join(from, 'vectors.npy'));
  const rows = await readTables(lance);
  expect(rows.map((r) => r.row)).toEqual(meta.map((_, i) => i));
  rows.forEach((r, i) => {
    expect(r.fields).toEqual(meta[i]);
    expect(Float32Array.from(r.vector)).toEqual(new Float32Array(npy.buffer.slice(npy.byteOffset + 128 + i * 128, npy.byteOffset + 128 + (i + 1) * 128)));
  });
});

test('a folder that holds outputs is refused without --overwrite; the same format, or the same folder, is refused', () => {
  const from = embedded('npy', ['sentence']);
  const to = embedded('jsonl', ['sentence']);
  const before = fs.readFileSync(path.join(to, 'embeddings.jsonl'));
  const refused = ctxembed(['convert', '--from', from, '--to', to]);
  expect(refused.code).toBe(2);
  expect(refused.stderr.trim()).toBe(`ctxembed: ${to} holds embeddings already: use --overwrite to replace them, or another --to`);
  expect(fs.readFileSync(path.join(to, 'embeddings.jsonl'))).toEqual(before);
  expect(ctxembed(['convert', '--from', from, '--to', tmpDir('convert-same'), '--format', 'npy']).stderr.trim()).toBe(`ctxembed: ${from} holds npy outputs already; name another --format`);
  expect(ctxembed(['convert', '--from', from, '--to', from]).stderr.trim()).toBe(`ctxembed: --to must be another folder than --from (${from})`);
  const over = ctxembed(['convert', '--from', from, '--to', to, '--overwrite', '--quiet']);
  expect(over.code).toBe(0);
  expect(fs.readdirSync(to).sort()).toEqual(['__manifest', 'manifest.json', 'sentence.lance']);
});
