/**
 * Inputs that change after a run: edited, appended, deleted, renamed. Without --sync they are
 * reported (one line each and in the summary) and their rows stay; with --sync their rows are
 * dropped and the changed files embedded again, without redoing the rest. Never a raw Node warning.
 */
import * as fs from 'fs';
import * as path from 'path';
import {  readManifest } from '../src/store/manifest';
import { readNpy } from '../src/store/npy';
import { ctxembed, expectExactlyCommitted, readJsonl, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

const TINY = fixtureModel('tiny');
const embedArgs = (dir: string, out: string, extra: string[] = []) => ['embed', dir, '--model', TINY, '--level', 'sentence', '--format', 'npy', '--out', out, ...extra];

function folder(files: Record<string, string>): string {
  const dir = tmpDir('changes');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Rows of an npy output folder as [source, text, first vector value]. */
function rows(out: string): [string, string, number][] {
  const npy = readNpy(path.join(out, 'vectors.npy'));
  return readJsonl(path.join(out, 'meta.jsonl')).map((r, i) => [r.source, r.text, npy.data[i * npy.dim]]);
}

const START = { 'a.txt': 'Alpha one. Alpha two.', 'b.txt': 'Beta one.', 'c.txt': 'Gamma one. Gamma two.', 'd.txt': 'Delta one.' };

test('edited, appended, deleted and renamed files are reported; their rows stay; --sync drops them and embeds the changed files again', () => {
  const dir = folder(START);
  const out = tmpDir('changes-out');
  expect(ctxembed(embedArgs(dir, out)).code).toBe(0);
  fs.writeFileSync(path.join(dir, 'a.txt'), 'Alpha edited.'); // edited
  fs.appendFileSync(path.join(dir, 'b.txt'), ' Beta appended.'); // appended
  fs.rmSync(path.join(dir, 'c.txt')); // deleted
  fs.renameSync(path.join(dir, 'd.txt'), path.join(dir, 'e.txt')); // renamed

  const plain = ctxembed(embedArgs(dir, out));
  expect(plain.code).toBe(0);
  expect(plain.stderr).not.toMatch(/\(node:\d+\)|Warning/);
  expect(plain.stderr).toContain('ctxembed: changed since it was embedded: a.txt (its rows are of the earlier content; --sync embeds it again)');
  expect(plain.stderr).toContain('ctxembed: changed since it was embedded: b.txt (its rows are of the earlier content; --sync embeds it again)');
  expect(plain.stderr).toContain('ctxembed: no longer among the inputs: c.txt (its rows stay; --sync drops them)');
  expect(plain.stderr).toContain('ctxembed: no longer among the inputs: d.txt (its rows stay; --sync drops them)');
  expect(plain.stderr).toMatch(/^finished: 1 done, 0 skipped, 0 failed of 3 files/m);
  expect(plain.stderr).toMatch(/^2 changed and 2 gone since embedded: their rows are of the earlier inputs \(run again with --sync to update them\)$/m);
  // the renamed file is new: embedded; the old rows are all still there
  expect(rows(out).map((r) => r.slice(0, 2))).toEqual([
    ['a.txt', 'Alpha one.'], ['a.txt', 'Alpha two.'], ['b.txt', 'Beta one.'], ['c.txt', 'Gamma one.'], ['c.txt', 'Gamma two.'], ['d.txt', 'Delta one.'], ['e.txt', 'Delta one.'],
  ]);

  const synced = ctxembed(embedArgs(dir, out, ['--sync']));
  expect(synced.code).toBe(0);
  expect(synced.stderr).toContain('ctxembed: changed since it was embedded: a.txt (rows dropped, embedded again)');
  expect(synced.stderr).toContain('ctxembed: no longer among the inputs: c.txt (rows dropped)');
  expect(synced.stderr).toMatch(/^finished: 2 done, 1 already done, 0 skipped, 0 failed of 3 files; 4 rows/m);
  expect(synced.stderr).toMatch(/^--sync: 2 changed and 2 gone since embedded: 6 rows dropped, the changed files embedded again$/m);
  const after = rows(out);
  expect(after.map((r) => r.slice(0, 2))).toEqual([['e.txt', 'Delta one.'], ['a.txt', 'Alpha edited.'], ['b.txt', 'Beta one.'], ['b.txt', 'Beta appended.']]);
  expect(Object.keys(readManifest(out)!.files).sort()).toEqual(['a.txt', 'b.txt', 'e.txt']);
  expect(expectExactlyCommitted(out)).toBe(4);

  // the same rows, vectors included, as a fresh run over the current files (in another order)
  const fresh = tmpDir('changes-fresh');
  expect(ctxembed(embedArgs(dir, fresh)).code).toBe(0);
  const sort = (x: [string, string, number][]) => [...x].sort((p, q) => (p[0] + p[1] < q[0] + q[1] ? -1 : 1));
  expect(sort(after)).toEqual(sort(rows(fresh)));
  // nothing left to do
  expect(ctxembed(embedArgs(dir, out, ['--sync'])).stderr).toMatch(/^finished: 0 done, 3 already done/m);
});

/** A folder of 400 two-sentence files embedded at token level, then every third file deleted. */
function embeddedThenThinned(): { dir: string; out: string; kept: [string, string, number][] } {
  const files: Record<string, string> = {};
  for (let i = 0; i < 400; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `Sentence number ${i} of the file. Another sentence here, number ${i}.`;
  const dir = folder(files);
  const out = tmpDir('changes-kill');
  expect(ctxembed(embedArgs(dir, out, ['--level', 'token'])).code).toBe(0);
  const kept = rows(out).filter(([source]) => Number(source.slice(1, 4)) % 3 !== 0);
  for (let i = 0; i < 400; i += 3) fs.rmSync(path.join(dir, `f${String(i).padStart(3, '0')}.txt`));
  return { dir, out, kept };
}

test('a --sync killed while it copies the rows leaves the folder as it was; the next run does the sync', async () => {
  const { dir, out, kept } = embeddedThenThinned();
  const { child, done } = startCtxembed(embedArgs(dir, out, ['--level', 'token', '--sync']));
  // killed as soon as the copy has begun (or at once, if it is over already)
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (fs.existsSync(path.join(out, '.sync')) || child.exitCode !== null) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 1);
  });
  await done;
  expectExactlyCommitted(out);
  const again = ctxembed(embedArgs(dir, out, ['--level', 'token', '--sync']));
  expect(again.code).toBe(0);
  expect(fs.existsSync(path.join(out, '.sync'))).toBe(false);
  expect(rows(out)).toEqual(kept);
});

test('a --sync stopped after its new files were complete (some renamed into place) is finished by the next run', () => {
  const { dir, out, kept } = embeddedThenThinned();
  // The state a crash between two renames leaves: the new files and manifest in .sync/, vectors.npy already moved.
  const done = tmpDir('changes-done');
  fs.cpSync(out, done, { recursive: true });
  expect(ctxembed(embedArgs(dir, done, ['--level', 'token', '--sync'])).code).toBe(0);
  fs.mkdirSync(path.join(out, '.sync'));
  for (const f of ['meta.jsonl', 'manifest.json']) fs.copyFileSync(path.join(done, f), path.join(out, '.sync', f));
  fs.copyFileSync(path.join(done, 'vectors.npy'), path.join(out, 'vectors.npy'));
  const r = ctxembed(embedArgs(dir, out, ['--level', 'token']));
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^finished: 0 done, 266 already done/m);
  expect(fs.existsSync(path.join(out, '.sync'))).toBe(false);
  expect(rows(out)).toEqual(kept);
});
