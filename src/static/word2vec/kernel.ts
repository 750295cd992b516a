/** The compiled training kernel (assembly/word2vec.ts, built into dist/ by `npm run build`). */
import * as fs from 'fs';
import * as path from 'path';

// TypeScript declares WebAssembly in lib "dom", which this project does not load: the little used here, typed here.
export interface WasmModule {
  readonly __wasmModule: unique symbol;
}
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}
const WA = (globalThis as any).WebAssembly as {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
};

let cached: WasmModule | undefined;

/** Both when running compiled (dist/static/word2vec/) and from the TypeScript sources (tests, scripts). */
const CANDIDATES = [path.join(__dirname, 'kernel.wasm'), path.resolve(__dirname, '..', '..', '..', 'dist', 'static', 'word2vec', 'kernel.wasm')];

export function kernelModule(): WasmModule {
  if (!cached) {
    const file = CANDIDATES.find((f) => fs.existsSync(f));
    if (!file) throw new Error(`the Word2Vec kernel is not built (looked for ${CANDIDATES.join(', ')}); run npm run build`);
    cached = new WA.Module(fs.readFileSync(file));
  }
  return cached;
}

/** A shared memory of a fixed number of 64 KiB pages, zero-filled. */
export function sharedMemory(pages: number): WasmMemory {
  return new WA.Memory({ initial: pages, maximum: pages, shared: true });
}

export interface KernelExports {
  configure(...args: (number | bigint)[]): void;
  train(from: number, to: number, alpha: number): number;
}

export function instantiateKernel(module: WasmModule, memory: WasmMemory): KernelExports {
  return new WA.Instance(module, { env: { memory } }).exports as KernelExports;
}
