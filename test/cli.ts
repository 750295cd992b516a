/** The CLI as a user runs it: `node bin/ctxembed.js` in its own process (dist/, built by the global setup). */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT } from './fixtures';

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

/** Starts `ctxembed args…` in the background; `done` resolves when it has ended. */
export function startCtxembed(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** The lines a run wrote to a stream, without the empty last one. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}
