/** Builds the Word2Vec WebAssembly kernel (npm run build:kernel) when it is missing or older than its source. */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

export function ensureKernelBuilt(): void {
  const wasm = path.join(ROOT, 'dist', 'static', 'word2vec', 'kernel.wasm');
  const source = path.join(ROOT, 'assembly', 'word2vec.ts');
  if (fs.existsSync(wasm) && fs.statSync(wasm).mtimeMs >= fs.statSync(source).mtimeMs) return;
  execSync('npm run --silent build:kernel', { cwd: ROOT, stdio: 'pipe' });
}

/** Builds the GloVe WebAssembly kernel (npm run build:glove-kernel) when it is missing or older than assembly/glove.ts. */
export function ensureGloVeKernelBuilt(): void {
  const wasm = path.join(ROOT, 'dist', 'static', 'glove', 'kernel.wasm');
  const source = path.join(ROOT, 'assembly', 'glove.ts');
  if (fs.existsSync(wasm) && fs.statSync(wasm).mtimeMs >= fs.statSync(source).mtimeMs) return;
  execSync('npm run --silent build:glove-kernel', { cwd: ROOT, stdio: 'pipe' });
}
