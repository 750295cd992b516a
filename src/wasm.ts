/**
 * WebAssembly kernels (assembly/*.ts, built into dist/ by `npm run build`): loading a compiled
 * module once, and shared memories their worker threads run on. TypeScript declares WebAssembly in
 * lib "dom", which this project does not load: the little used here is typed here.
 */
import * as fs from 'fs';
import * as path from 'path';

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

export const WASM_PAGE = 65536;
/** wasm32: 4 GiB. */
export const MAX_WASM_PAGES = 65536;

const modules = new Map<string, WasmModule>();

/**
 * The compiled module `dist/<distPath>`: beside the running module when it runs from dist/, else
 * (the TypeScript sources: tests, scripts) under the package's dist/.
 */
export function wasmModule(distPath: string, what: string): WasmModule {
  let module = modules.get(distPath);
  if (!module) {
    const candidates = [path.join(__dirname, distPath), path.resolve(__dirname, '..', 'dist', distPath)];
    const file = candidates.find((f) => fs.existsSync(f));
    if (!file) throw new Error(`the ${what} kernel is not built (looked for ${candidates.join(', ')}); run npm run build`);
    module = new WA.Module(fs.readFileSync(file));
    modules.set(distPath, module);
  }
  return module;
}

/** A shared memory of a fixed number of 64 KiB pages, zero-filled. */
export function sharedMemory(pages: number): WasmMemory {
  return new WA.Memory({ initial: pages, maximum: pages, shared: true });
}

/** The module's exports, on `memory`. */
export function instantiate<T>(module: WasmModule, memory: WasmMemory): T {
  return new WA.Instance(module, { env: { memory } }).exports as T;
}
