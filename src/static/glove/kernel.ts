/**
 * The GloVe training kernel (assembly/glove.ts, built into dist/ by `npm run build`) and where
 * everything lives in the WebAssembly memory its workers share: byte offsets, 16-aligned for SIMD.
 * The first page is left to the AssemblyScript module itself.
 */
import { InputError } from '../../errors';
import { instantiate, MAX_WASM_PAGES, WASM_PAGE, WasmMemory, WasmModule, wasmModule } from '../../wasm';

export const gloveKernelModule = () => wasmModule('static/glove/kernel.wasm', 'GloVe');

export interface GloVeKernel {
  configure(weights: number, gradsq: number, entries: number, vocabSize: number, stride: number): void;
  /** One AdaGrad pass over entries [from, to); the summed cost. */
  train(from: number, to: number, eta: number): number;
  /** Fisher–Yates over entries [from, to). */
  shuffle(from: number, to: number, seed: bigint): void;
}

export function instantiateGloVeKernel(module: WasmModule, memory: WasmMemory, layout: GloVeLayout, vocabSize: number): GloVeKernel {
  const k = instantiate<GloVeKernel>(module, memory);
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


export function gloveLayout(vocabSize: number, dim: number, entries: number): GloVeLayout {
  const stride = Math.ceil(dim / 4) * 4 + 4;
  const matrix = 2 * vocabSize * stride * 4;
  const l = { stride, weights: WASM_PAGE, gradsq: WASM_PAGE + matrix, entries: WASM_PAGE + 2 * matrix, pages: 0 };
  const end = l.entries + entries * 16;
  l.pages = Math.ceil(end / WASM_PAGE);
  if (l.pages > MAX_WASM_PAGES) {
    throw new InputError(`${entries} co-occurrence entries and ${vocabSize} words × ${dim} need ${(end / 2 ** 30).toFixed(1)} GiB, over the 4 GiB a WebAssembly memory holds; use --max-vocab, a higher --min-count or a smaller --window`);
  }
  return l;
}
