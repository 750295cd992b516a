/** Runs gensim through /usr/bin/python3 for the interop and reference tests; skipped where it is not installed. */
import { spawnSync } from 'child_process';

const PYTHON = '/usr/bin/python3';
let available: boolean | undefined;

export function gensimAvailable(): boolean {
  if (available === undefined) {
    available = spawnSync(PYTHON, ['-c', 'import gensim'], { encoding: 'utf8' }).status === 0;
    if (!available) console.warn('skipping: gensim is not installed for /usr/bin/python3 (apt-get install python3-gensim)');
  }
  return available;
}

/** Runs a Python script with arguments; returns its stdout, throwing with stderr when it fails. */
export function python(script: string, args: string[] = [], timeoutMs = 120000): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
