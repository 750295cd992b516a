/**
 * The GloVe training kernel (assembly/glove.ts, built into dist/ by `npm run build`) and where
 * everything lives in the WebAssembly memory its workers share: byte offsets, 16-aligned for SIMD.
 * The first page is left to the AssemblyScript module itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../errors';
import { WasmMemory, WasmModule } from '../word2vec/kernel';

const WA = (globalThis as any).WebAssembly as {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
};

/** Both when running compiled (dist/static/glove/) and from the TypeScript sources (tests, scripts). */
const CANDIDATES = [path.join(__dirname, 'kernel.wasm'), path.resolve(__dirname, '..', '..', '..', 'dist', 'static', 'glove', 'kernel.wasm')];
let cached: WasmModule | undefined;

export function gloveKernelModule(): WasmModule {
  if (!cached) {
    const file = CANDIDATES.find((f) => fs.existsSync(f));
    if (!file) throw new Error(`the GloVe kernel is not built (looked for ${CANDIDATES.join(', ')}); run npm run build`);
    cached = new WA.Module(fs.readFileSync(file));
  }
  return cached;
}

export interface GloVeKernel {
  configure(weights: number, gradsq: number, entries: number, vocabSize: number, stride: number): void;
  /** One AdaGrad pass over entries [from, to); the summed cost. */
  train(from: number, to: number, eta: number): number;
  /** Fisher–Yates over entries [from, to). */
  shuffle(from: number, to: number, seed: bigint): void;
}

export function instantiateGloVeKernel(module: WasmModule, memory: WasmMemory, layout: GloVeLayout, vocabSize: number): GloVeKernel {
  const k = new WA.Instance(module, { env: { memory } }).exports as GloVeKernel;
  k.configure(layout.weights, layout.gradsq, layout.entries, vocabSize, layout.stride);
  return k;
}

export interface GloVeLayout {
  /** Floats per parameter row: the vector padded to a multiple of 4, then the bias and 3 unused floats. */
  stride: number;
  weights: number;
  gradsq: number;
  entries: number;
  pages: number;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // wasm32: 4 GiB

export function gloveLayout(vocabSize: number, dim: number, entries: number): GloVeLayout {
  const stride = Math.ceil(dim / 4) * 4 + 4;
  const matrix = 2 * vocabSize * stride * 4;
  const l = { stride, weights: PAGE, gradsq: PAGE + matrix, entries: PAGE + 2 * matrix, pages: 0 };
  const end = l.entries + entries * 16;
  l.pages = Math.ceil(end / PAGE);
  if (l.pages > MAX_PAGES) {
    throw new InputError(`${entries} co-occurrence entries and ${vocabSize} words × ${dim} need ${(end / 2 ** 30).toFixed(1)} GiB, over the 4 GiB a WebAssembly memory holds; use --max-vocab, a higher --min-count or a smaller --window`);
  }
  return l;
}
