/**
 * Resuming checks the output folder against its manifest first: a file deleted or cut short is
 * refused with one line and left as it is (never padded); bytes past the last commit are cut off.
 */
import * as fs from 'fs';
import * as path from 'path';
import {  readManifest } from '../src/store/manifest';
import { ctxembed, makeDocs, signalAfterCommits, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

const TINY = fixtureModel('tiny');
const embedArgs = (dir: string, out: string, format: string) => ['embed', dir, '--model', TINY, '--level', 'sentence', '--format', format, '--out', out, '--quiet'];

let docs: string;
const finished: Record<string, string> = {};
beforeAll(() => {
  docs = makeDocs(12);
  for (const format of ['jsonl', 'npy']) {
    finished[format] = tmpDir(`resume-${format}`);
    expect(ctxembed(embedArgs(docs, finished[format], format)).code).toBe(0);
  }
});

/** A copy of a finished output folder. */
function copyOf(format: string): string {
  const out = tmpDir('resume-copy');
  fs.cpSync(finished[format], out, { recursive: true });
  return out;
}

const damages: [string, string, string, (file: string) => void][] = [
  ['npy', 'vectors.npy', 'deleted', (f) => fs.rmSync(f)],
  ['npy', 'vectors.npy', 'truncated', (f) => fs.truncateSync(f, fs.statSync(f).size - 200)],
  ['npy', 'meta.jsonl', 'deleted', (f) => fs.rmSync(f)],
  ['npy', 'meta.jsonl', 'truncated', (f) => fs.truncateSync(f, fs.statSync(f).size - 30)],
  ['jsonl', 'embeddings.jsonl', 'deleted', (f) => fs.rmSync(f)],
  ['jsonl', 'embeddings.jsonl', 'truncated', (f) => fs.truncateSync(f, fs.statSync(f).size - 30)],
  ['jsonl', 'embeddings.jsonl', 'cut to the same length with NUL bytes', (f) => fs.writeFileSync(f, Buffer.concat([fs.readFileSync(f).subarray(0, 1000), Buffer.alloc(fs.statSync(f).size - 1000)]))],
];

test.each(damages)('%s: %s %s is refused with one line and left as it is', (format, name, _how, damage) => {
  const out = copyOf(format);
  const file = path.join(out, name);
  damage(file);
  const before = fs.existsSync(file) ? fs.readFileSync(file) : null;
  const r = ctxembed(embedArgs(docs, out, format));
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^ctxembed: ${file}: .*so the folder no longer matches its manifest; start over with --overwrite`));
  expect(fs.existsSync(file) ? fs.readFileSync(file) : null).toEqual(before);
  // --overwrite starts over and gives the finished run's files again
  expect(ctxembed([...embedArgs(docs, out, format), '--overwrite']).code).toBe(0);
  for (const f of fs.readdirSync(finished[format]).filter((x) => x !== 'manifest.json')) {
    expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(finished[format], f)));
  }
});

test('bytes past the last commit (a killed run) are cut off', () => {
  const out = copyOf('npy');
  fs.appendFileSync(path.join(out, 'meta.jsonl'), '{"source":"half a row');
  fs.appendFileSync(path.join(out, 'vectors.npy'), Buffer.alloc(100, 7));
  const r = ctxembed(embedArgs(docs, out, 'npy'));
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/0 done, 12 already done/);
  for (const f of ['meta.jsonl', 'vectors.npy']) expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(finished.npy, f)));
});

test('while a large file runs, the files done before it are committed: kill -9 then resume gives the rows of a clean run', async () => {
  const dir = tmpDir('resume-large');
  for (const name of ['a.txt', 'b.txt', 'c.txt']) fs.writeFileSync(path.join(dir, name), `Small file ${name}. Two sentences.`);
  const pool = ['The river rose overnight.', 'Officials said roads were closed!', 'Would the bridge hold?'];
  fs.writeFileSync(path.join(dir, 'z-large.txt'), Array.from({ length: 15000 }, (_, i) => pool[i % 3]).join(' '));
  const args = (out: string) => [...embedArgs(dir, out, 'npy'), '--commit-seconds', '0.5'];
  const clean = tmpDir('resume-large-clean');
  expect(ctxembed(args(clean)).code).toBe(0);
  const out = tmpDir('resume-large-killed');
  const { child, done } = startCtxembed(args(out));
  // killed once the small files are committed, while the large one is still being embedded
  await signalAfterCommits(child, out, 'SIGKILL', 3);
  await done;
  const m = readManifest(out)!;
  expect(Object.keys(m.files).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
  const resumed = ctxembed(args(out));
  expect(resumed.stderr).toMatch(/finished: 1 done, 3 already done/);
  for (const f of ['meta.jsonl', 'vectors.npy']) expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(clean, f)));
});
