/** Builds the WebAssembly kernels (npm run build:*-kernel) when one is missing or older than its source. */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

function ensureBuilt(script: string, source: string, wasm: string): void {
  const [out, src] = [path.join(ROOT, 'dist', wasm), path.join(ROOT, 'assembly', source)];
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(src).mtimeMs) return;
  execSync(`npm run --silent ${script}`, { cwd: ROOT, stdio: 'pipe' });
}

export const ensureKernelBuilt = () => ensureBuilt('build:kernel', 'word2vec.ts', 'static/word2vec/kernel.wasm');
export const ensureGloVeKernelBuilt = () => ensureBuilt('build:glove-kernel', 'glove.ts', 'static/glove/kernel.wasm');
/** Logistic regression's (the probes'): the global setup builds it, since the CLI, pipeline and probe tests all use it. */
export const ensureProbeKernelBuilt = () => ensureBuilt('build:probe-kernel', 'logistic.ts', 'eval/probe/logistic.wasm');
