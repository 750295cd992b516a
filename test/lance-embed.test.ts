/**
 * embed --format lance keeps the folder job's promises: the manifest records each table's
 * committed version; kill -9 then resume gives exactly the rows of a clean run; rows past the
 * committed version are dropped; a full disk leaves the committed version; one run at a time;
 * other options refused; --sync drops rows as it does for npy. Tables are read by hand (test/lance.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ctxembed, makeDocs, signalAfterCommits, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { appendStrayRows, latest, readTable, readTables } from './lance';
import { mountTinyDisk } from './tiny-disk';

const TINY = fixtureModel('tiny');
const embedArgs = (dir: string, out: string, format = 'lance', extra: string[] = []) => ['embed', dir, '--model', TINY, '--level', 'sentence', '--level', 'document', '--format', format, '--out', out, '--quiet', ...extra];
/** A commit after every file, small model batches: a run to stop midway. */
const SLOW = ['--commit-seconds', '0', '--batch-tokens', '64'];

let docs: string;
let clean: string;
beforeAll(() => {
  docs = makeDocs(120);
  clean = tmpDir('lance-clean');
  expect(ctxembed(embedArgs(docs, clean)).code).toBe(0);
});

/** The committed tables hold exactly the committed rows, numbered 0..rows-1 in the folder's order; returns them. */
async function expectExactlyCommitted(out: string) {
  const m = readManifest(out)!;
  const rows = await readTables(out);
  expect(rows.map((r) => r.row)).toEqual(Array.from({ length: m.committed.rows }, (_, i) => i));
  for (const [level, state] of Object.entries(m.committed.tables ?? {})) expect((await readTable(out, level)).length).toBe(state.rows);
  return rows;
}

test('a clean run: one table per level, the rows of the npy format with the same fields and vectors', async () => {
  const npy = tmpDir('lance-npy');
  expect(ctxembed(embedArgs(docs, npy, 'npy')).code).toBe(0);
  const meta = fs.readFileSync(path.join(npy, 'meta.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const vectors = fs.readFileSync(path.join(npy, 'vectors.npy')).subarray(128);
  const rows = await expectExactlyCommitted(clean);
  expect(rows).toHaveLength(meta.length);
  rows.forEach((r, i) => {
    expect(r.fields).toEqual(meta[i]);
    expect(Float32Array.from(r.vector)).toEqual(new Float32Array(vectors.buffer, vectors.byteOffset + i * 32 * 4, 32));
  });
  expect(new Set(rows.map((r) => r.fields.level))).toEqual(new Set(['sentence', 'document']));
  expect(fs.readdirSync(clean).filter((f) => f.endsWith('.lance')).sort()).toEqual(['document.lance', 'sentence.lance']);
});

test('kill -9 during a lance run, then resume: exactly the rows of a clean run (ids, fields and vectors)', async () => {
  const out = tmpDir('lance-killed');
  const { child, done } = startCtxembed(embedArgs(docs, out, 'lance', SLOW));
  await signalAfterCommits(child, out, 'SIGKILL', 3);
  expect((await done).signal).toBe('SIGKILL');
  const m = readManifest(out)!;
  const committedFiles = Object.keys(m.files).length;
  expect(committedFiles).toBeLessThan(120);
  await expectExactlyCommitted(out);
  const resumed = ctxembed(embedArgs(docs, out));
  expect(resumed.code).toBe(0);
  expect(resumed.stderr).toMatch(new RegExp(`finished: ${120 - committedFiles} done, ${committedFiles} already done`));
  expect(await expectExactlyCommitted(out)).toEqual(await readTables(clean));
});

test('rows past the committed version (a killed run left them) are dropped on resume', async () => {
  const out = tmpDir('lance-stray');
  fs.cpSync(clean, out, { recursive: true });
  const committed = readManifest(out)!.committed.tables!.sentence;
  await appendStrayRows(out, 'sentence', 5);
  expect(await latest(out, 'sentence')).toEqual({ version: committed.version + 1, rows: committed.rows + 5 });
  const r = ctxembed(embedArgs(docs, out));
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/finished: 0 done, 120 already done/);
  expect((await latest(out, 'sentence')).rows).toBe(committed.rows);
  expect(await readTables(out)).toEqual(await readTables(clean));
});

test('other vector-changing options (and another format) are refused without --overwrite', () => {
  const out = tmpDir('lance-options');
  fs.cpSync(clean, out, { recursive: true });
  for (const [args, differ] of [[embedArgs(docs, out, 'lance', ['--normalize']), 'normalize: false → true'], [embedArgs(docs, out, 'npy'), 'format: "lance" → "npy"']] as const) {
    const r = ctxembed([...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`ctxembed: ${out} holds embeddings made with other settings (${differ}): use --overwrite to start over, or another --out`);
  }
  const over = ctxembed(embedArgs(docs, out, 'npy', ['--overwrite']));
  expect(over.code).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'meta.jsonl', 'vectors.npy']);
});

test('a full disk: "disk full" in one line, exit 1, the tables at their committed version; with room again the run resumes exactly', async () => {
  const disk = mountTinyDisk(512);
  if (!disk) return;
  try {
    const out = path.join(disk.dir, 'out');
    const full = ctxembed(embedArgs(docs, out, 'lance', ['--level', 'token', ...SLOW]));
    expect(full.code).toBe(1);
    const lines = full.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^ctxembed: disk full: cannot write ${out}/(\\w+\\.lance|manifest\\.json) \\(no space left on the device\\); ${out} is kept as of its last commit \\(\\d+ rows\\): make room and run the same command again to resume$`));
    const m = readManifest(out)!;
    expect(m.committed.rows).toBeGreaterThan(0);
    expect(Object.keys(m.files).length).toBeLessThan(120);
    await expectExactlyCommitted(out);

    disk.resize(16384);
    expect(ctxembed(embedArgs(docs, out, 'lance', ['--level', 'token'])).code).toBe(0);
    const whole = tmpDir('lance-disk-clean');
    expect(ctxembed(embedArgs(docs, whole, 'lance', ['--level', 'token'])).code).toBe(0);
    expect(await expectExactlyCommitted(out)).toEqual(await readTables(whole));
  } finally {
    disk.unmount();
  }
});

test('a second run into a lance folder in use is refused with one line; the first completes intact', async () => {
  const out = tmpDir('lance-lock');
  const { child: first, done: firstDone } = startCtxembed(embedArgs(docs, out, 'lance', SLOW));
  await signalAfterCommits(first, out, 'SIGSTOP', 1);
  const second = ctxembed(embedArgs(makeDocs(3), out));
  first.kill('SIGCONT');
  expect(second.code).toBe(1);
  expect(second.stderr.trim().split('\n')).toHaveLength(1);
  expect(second.stderr).toMatch(new RegExp(`^ctxembed: ${out} is in use by another run \\(pid ${first.pid} on `));
  expect((await firstDone).code).toBe(0);
  expect(await expectExactlyCommitted(out)).toEqual(await readTables(clean));
  expect(fs.existsSync(path.join(out, '.lock'))).toBe(false);
});

test('--sync on lance tables drops the rows of changed and gone files as it does in vectors.npy', () => {
  const outs: Record<string, string> = {};
  for (const format of ['npy', 'lance']) {
    const dir = tmpDir(`lance-sync-${format}`);
    fs.cpSync(docs, dir, { recursive: true });
    outs[format] = tmpDir(`lance-sync-out-${format}`);
    expect(ctxembed(embedArgs(dir, outs[format], format)).code).toBe(0);
    fs.rmSync(path.join(dir, 'even', 'doc 010.txt'));
    fs.writeFileSync(path.join(dir, 'odd', 'doc 003.txt'), 'Edited since. Two sentences now.');
    const synced = ctxembed(embedArgs(dir, outs[format], format, ['--sync']));
    expect(synced.code).toBe(0);
    expect(synced.stderr).toMatch(/^--sync: 1 changed and 1 gone since embedded: \d+ rows dropped, the changed files embedded again$/m);
  }
  const back = tmpDir('lance-sync-back');
  expect(ctxembed(['convert', '--from', outs.lance, '--to', back, '--quiet']).code).toBe(0);
  for (const f of ['meta.jsonl', 'vectors.npy']) expect(fs.readFileSync(path.join(back, f))).toEqual(fs.readFileSync(path.join(outs.npy, f)));
  expect(readManifest(back)!.files).toEqual(readManifest(outs.npy)!.files);
});
