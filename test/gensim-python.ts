/** Runs gensim and scikit-learn through /usr/bin/python3 for the interop and reference tests; skipped where they are not installed. */
import { spawnSync } from 'child_process';

const PYTHON = '/usr/bin/python3';
const available = new Map<string, boolean>();

/** Whether /usr/bin/python3 imports `module`; when not, says once which Debian package brings it. */
function moduleAvailable(module: string, debianPackage: string): boolean {
  if (!available.has(module)) {
    const ok = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
    if (!ok) console.warn(`skipping: ${module} is not installed for ${PYTHON} (apt-get install ${debianPackage})`);
    available.set(module, ok);
  }
  return available.get(module)!;
}

export const gensimAvailable = () => moduleAvailable('gensim', 'python3-gensim');
export const sklearnAvailable = () => moduleAvailable('sklearn', 'python3-sklearn');

/** Runs a Python script with arguments; returns its stdout, throwing with stderr when it fails. */
export function python(script: string, args: string[] = [], timeoutMs = 120000): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
