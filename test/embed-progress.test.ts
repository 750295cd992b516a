/**
 * Progress as a user sees it on a terminal (the CLI run in a pseudo-terminal by util-linux
 * `script`, skipped where it is missing), and a large file streamed: progress and rows on disk
 * while it is still being embedded.
 */
import {  spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, ctxembed, startCtxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { screen } from './terminal';

const TINY = fixtureModel('tiny');
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs the CLI on a pseudo-terminal; what it wrote there. */
function onTerminal(args: string[]): { code: number | null; output: string } {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120000, env: { ...process.env, COLUMNS: '200' } });
  return { code: r.status, output: r.stdout };
}

/** One line of `count` sentences, no line break. */
function oneLineFile(file: string, count: number): void {
  const pool = ['The river rose overnight.', 'Officials said roads were closed!', 'Would the bridge hold?', 'Prices rose 3.5 percent in May.'];
  fs.writeFileSync(file, Array.from({ length: count }, (_, i) => pool[i % pool.length]).join(' '));
}

test('on a terminal the bar leaves the screen to the summary, also when files are skipped on the way', () => {
  if (!hasScript) return console.warn('skipping: util-linux script (a pseudo-terminal) is not available');
  const dir = tmpDir('tty-docs');
  for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(dir, `doc${i}.txt`), 'A sentence or two. '.repeat(50 * (i + 1)));
  fs.writeFileSync(path.join(dir, 'doc3b.bin'), Buffer.from([0, 1, 2, 3]));
  const out = tmpDir('tty-out');
  const r = onTerminal(['embed', dir, '--model', TINY, '--level', 'sentence', '--out', out]);
  expect(r.code).toBe(0);
  const shown = screen(r.output);
  expect(shown).toEqual(['ctxembed: skipped doc3b.bin: binary file (NUL byte at offset 0)', expect.stringMatching(/^finished: 8 done, 1 skipped, 0 failed of 9 files/)]);
});

test('one large file: the bar moves inside it, and its rows reach the disk before it is done', async () => {
  const dir = tmpDir('large');
  const file = path.join(dir, 'one-line.txt');
  oneLineFile(file, 12000);
  if (hasScript) {
    const r = onTerminal(['embed', file, '--model', TINY, '--level', 'sentence', '--format', 'npy', '--out', tmpDir('large-tty')]);
    expect(r.code).toBe(0);
    const shares = [...r.output.matchAll(/ (\d+)% \| [\d.]+\/[\d.]+ MB \| 0\/1 files/g)].map((m) => Number(m[1]));
    expect(shares.some((p) => p > 10 && p < 90)).toBe(true);
  } else console.warn('skipping the terminal half: util-linux script (a pseudo-terminal) is not available');

  const out = tmpDir('large-out');
  const { child, done } = startCtxembed(['embed', file, '--model', TINY, '--level', 'sentence', '--format', 'npy', '--out', out, '--quiet', '--batch-tokens', '256']);
  let rowsBeforeDone = 0;
  const poll = setInterval(() => {
    const meta = path.join(out, 'meta.jsonl');
    if (!fs.existsSync(path.join(out, 'manifest.json')) && fs.existsSync(meta)) rowsBeforeDone = Math.max(rowsBeforeDone, fs.statSync(meta).size);
  }, 10);
  expect((await done).code).toBe(0);
  clearInterval(poll);
  expect(rowsBeforeDone).toBeGreaterThan(0);
  const meta = fs.readFileSync(path.join(out, 'meta.jsonl'), 'utf8').trim().split('\n');
  expect(meta).toHaveLength(12000);
  const text = fs.readFileSync(file, 'utf8');
  for (const i of [0, 6789, 11999]) {
    const row = JSON.parse(meta[i]);
    expect(row.index).toBe(i);
    expect(text.slice(row.start, row.end)).toBe(row.text);
  }
});
