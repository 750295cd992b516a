/** One writer per output folder: a second run is refused with one line; a lock left by a killed run is taken over. */
import * as fs from 'fs';
import * as path from 'path';
import {  readManifest } from '../src/store/manifest';
import { readNpy } from '../src/store/npy';
import { ctxembed, makeDocs, readJsonl, signalAfterCommits, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

const TINY = fixtureModel('tiny');
const embedArgs = (dir: string, out: string) => ['embed', dir, '--model', TINY, '--level', 'token', '--format', 'npy', '--out', out, '--batch-tokens', '64', '--commit-seconds', '0'];

test('a second run into a folder in use is refused with one line; the first completes intact', async () => {
  const a = makeDocs(150);
  const b = tmpDir('lock-b');
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(b, `other ${i}.txt`), `Another writer's document number ${i}.`);
  const out = tmpDir('lock-out');
  const { child: first, done: firstDone } = startCtxembed(embedArgs(a, out));
  // Paused after its first commit, so that it surely still runs when the second starts.
  await signalAfterCommits(first, out, 'SIGSTOP', 1);
  const second = ctxembed(embedArgs(b, out));
  first.kill('SIGCONT');
  expect(second.code).toBe(1);
  const lines = second.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^ctxembed: ${out} is in use by another run \\(pid ${first.pid} on `));
  const firstRun = await firstDone;
  expect(firstRun.code).toBe(0);
  expect(firstRun.stderr).toMatch(/finished: 150 done/);
  const m = readManifest(out)!;
  expect(Object.keys(m.files)).toHaveLength(150);
  expect(readJsonl(path.join(out, 'meta.jsonl'))).toHaveLength(m.committed.rows);
  expect(readNpy(path.join(out, 'vectors.npy')).rows).toBe(m.committed.rows);
  expect(fs.existsSync(path.join(out, '.lock'))).toBe(false);
  // once the first is done, the second may run
  const after = ctxembed(embedArgs(b, out));
  expect(after.code).toBe(0);
  expect(after.stderr).toMatch(/finished: 20 done/);
  expect(Object.keys(readManifest(out)!.files)).toHaveLength(170);
});

test('the lock of a run killed with kill -9 is stale: the next run takes it over and completes the outputs', async () => {
  const dir = makeDocs(120);
  const clean = tmpDir('lock-clean');
  expect(ctxembed(embedArgs(dir, clean)).code).toBe(0);
  const out = tmpDir('lock-killed');
  const { child, done } = startCtxembed(embedArgs(dir, out));
  await signalAfterCommits(child, out, 'SIGKILL');
  await done;
  const lock = JSON.parse(fs.readFileSync(path.join(out, '.lock'), 'utf8'));
  expect(lock.pid).toBe(child.pid);
  const resumed = ctxembed(embedArgs(dir, out));
  expect(resumed.code).toBe(0);
  expect(fs.readFileSync(path.join(out, 'meta.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(clean, 'meta.jsonl'), 'utf8'));
  expect(Buffer.compare(fs.readFileSync(path.join(out, 'vectors.npy')), fs.readFileSync(path.join(clean, 'vectors.npy')))).toBe(0);
  expect(fs.existsSync(path.join(out, '.lock'))).toBe(false);
});

test('a lock held on another host is never taken over', () => {
  const dir = makeDocs(2);
  const out = tmpDir('lock-host');
  fs.writeFileSync(path.join(out, '.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', since: '2024-01-01T00:00:00.000Z', command: 'ctxembed embed x' }));
  const r = ctxembed(embedArgs(dir, out));
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(`ctxembed: ${out} is in use by another run (pid 1 on elsewhere, since 2024-01-01T00:00:00.000Z: ctxembed embed x); wait for it to end, or remove ${path.join(out, '.lock')} if that run is gone`);
  expect(fs.readdirSync(out).sort()).toEqual(['.lock']);
});
