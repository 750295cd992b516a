/** The CLI as a user runs it: `node bin/ctxembed.js` in its own process (dist/, built by the global setup). */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ROOT, tmpDir } from './fixtures';

export const BIN = path.join(ROOT, 'bin', 'ctxembed.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to the environment. */
  env?: Record<string, string>;
  timeout?: number;
}

/** Runs `ctxembed args…` to the end. */
export function ctxembed(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: opts.timeout ?? 120000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `shell` through bash (for `ulimit`); `$CTXEMBED` in it is the CLI. */
export function ctxembedInShell(shell: string, opts: CliOptions = {}): CliResult {
  const r = spawnSync('bash', ['-c', shell], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env, CTXEMBED: `${process.execPath} ${BIN}` }, encoding: 'utf8', timeout: opts.timeout ?? 120000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `ctxembed args…` in the background; `done` resolves when it has ended, `stderr()` is what it wrote so far. */
export function startCtxembed(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult>; stderr: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, stderr: () => stderr };
}

/** The lines a run wrote to a stream, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

export function readJsonl(file: string): any[] {
  return lines(fs.readFileSync(file, 'utf8')).map((l) => JSON.parse(l));
}

/**
 * Checks, by hand, that the files of an output folder hold exactly the rows its manifest commits
 * (vectors.npy: the 128-byte header and rows x dim floats; the line files: the committed bytes,
 * one line per row) and returns how many.
 */
export function expectExactlyCommitted(out: string): number {
  const m = readManifest(out)!;
  const { rows, dim, bytes } = m.committed;
  const lineFile = m.options.format === 'npy' ? 'meta.jsonl' : 'embeddings.jsonl';
  const text = fs.readFileSync(path.join(out, lineFile));
  expect(text.length).toBe(bytes[lineFile]);
  expect(lines(text.toString('utf8'))).toHaveLength(rows);
  if (m.options.format === 'npy') {
    const npy = fs.readFileSync(path.join(out, 'vectors.npy'));
    expect(npy.length).toBe(128 + rows * dim * 4);
    expect(npy.toString('latin1', 10, 128)).toContain(`'shape': (${rows}, ${dim})`);
  }
  return rows;
}

const SENTENCES = ['The river bank was muddy after the rain.', 'She deposited money at the bank.', 'Unbelievable tokenization happens here!', 'A quiet evening.'];

/** A folder of `n` small documents with known content, in two subfolders (`even/`, `odd/`). */
export function makeDocs(n: number): string {
  const dir = tmpDir('docs');
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, i % 2 ? 'odd' : 'even');
    fs.mkdirSync(sub, { recursive: true });
    const text = Array.from({ length: 1 + (i % 5) }, (_, k) => SENTENCES[(i + k) % SENTENCES.length]).join(' ');
    fs.writeFileSync(path.join(sub, `doc ${String(i).padStart(3, '0')}.txt`), `${text}\n`);
  }
  return dir;
}

/** Sends `signal` to a running `ctxembed embed` once its manifest counts `files` files. */
export function signalAfterCommits(child: ChildProcess, out: string, signal: NodeJS.Signals, files = 3): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      let m = null;
      try {
        m = fs.existsSync(path.join(out, 'manifest.json')) ? readManifest(out) : null;
      } catch {
        // read while being replaced: try again
      }
      if ((m && Object.keys(m.files).length >= files) || child.exitCode !== null) {
        clearInterval(poll);
        child.kill(signal);
        resolve();
      }
    }, 5);
  });
}
