/** The compiled training kernel (assembly/word2vec.ts, built into dist/ by `npm run build`). */
import { instantiate, WasmMemory, WasmModule, wasmModule } from '../../wasm';

export const kernelModule = () => wasmModule('static/word2vec/kernel.wasm', 'Word2Vec');

export interface KernelExports {
  configure(...args: (number | bigint)[]): void;
  train(from: number, to: number, alpha: number): number;
}

export function instantiateKernel(module: WasmModule, memory: WasmMemory): KernelExports {
  return instantiate<KernelExports>(module, memory);
}
