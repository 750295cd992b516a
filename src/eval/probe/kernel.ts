/**
 * Logistic regression's pass over the rows in WebAssembly SIMD (assembly/logistic.ts): the
 * features and labels copied once into a shared memory, which every thread's instance reads, each
 * with its own scratch (its training rows, the weights, the gradient's sums).
 */
import { InputError } from '../../errors';
import { instantiate, MAX_WASM_PAGES, sharedMemory, WASM_PAGE, WasmMemory, WasmModule, wasmModule } from '../../wasm';
import type { FeatureMatrix } from './feature-matrix';

interface KernelExports {
  pass(data: number, dim: number, labels: number, rows: number, n: number, K: number, v: number, c: number, acc: number, rsum: number, z: number): number;
}

export const logisticKernel = () => wasmModule('eval/probe/logistic.wasm', 'logistic regression');

/** Features and labels in a shared WebAssembly memory, with scratch for each thread. */
export interface PlacedData {
  memory: WasmMemory;
  module: WasmModule;
  rows: number;
  dim: number;
  /** Weight vectors: 1 for two classes, else one per class. */
  K: number;
  /** Byte offsets. */
  data: number;
  labels: number;
  scratch: number[];
}

const align = (n: number) => Math.ceil(n / 16) * 16;

/** Byte offsets within one thread's scratch. */
function scratchLayout(rows: number, dim: number, K: number) {
  const rowsAt = 0;
  const v = align(rowsAt + rows * 4);
  const c = align(v + K * dim * 4);
  const acc = align(c + K * 8);
  const rsum = align(acc + K * dim * 8);
  const z = align(rsum + K * 8);
  return { rows: rowsAt, v, c, acc, rsum, z, size: align(z + K * 8) };
}

export function placeData(x: FeatureMatrix, labels: Int32Array, K: number, threads: number): PlacedData {
  const data = WASM_PAGE; // the first page is the AssemblyScript module's own
  const labelsAt = align(data + x.data.byteLength);
  const scratchSize = scratchLayout(x.rows, x.dim, K).size;
  const scratch = Array.from({ length: threads }, (_, t) => align(labelsAt + labels.byteLength) + t * scratchSize);
  const end = scratch[threads - 1] + scratchSize;
  const pages = Math.ceil(end / WASM_PAGE);
  if (pages > MAX_WASM_PAGES) throw new InputError(`${x.rows} examples × ${x.dim} features need ${(end / 2 ** 30).toFixed(1)} GiB, over the 4 GiB a WebAssembly memory holds`);
  const memory = sharedMemory(pages);
  new Float32Array(memory.buffer, data, x.data.length).set(x.data);
  new Int32Array(memory.buffer, labelsAt, labels.length).set(labels);
  return { memory, module: logisticKernel(), rows: x.rows, dim: x.dim, K, data, labels: labelsAt, scratch };
}

/** One thread's use of the kernel: set the training rows, then run passes for weights on raw features. */
export class LogisticPass {
  private readonly kernel: KernelExports;
  private readonly at: ReturnType<typeof scratchLayout> & { base: number };
  private readonly v: Float32Array;
  private readonly c: Float64Array;
  /** Σ r_k x per weight vector (K × dim), after a pass. */
  readonly acc: Float64Array;
  /** Σ r_k, after a pass. */
  readonly rsum: Float64Array;
  private n = 0;

  constructor(private readonly placed: PlacedData, thread: number) {
    const { memory, rows, dim, K } = placed;
    this.kernel = instantiate<KernelExports>(placed.module, memory);
    const base = placed.scratch[thread];
    this.at = { ...scratchLayout(rows, dim, K), base };
    this.v = new Float32Array(memory.buffer, base + this.at.v, K * dim);
    this.c = new Float64Array(memory.buffer, base + this.at.c, K);
    this.acc = new Float64Array(memory.buffer, base + this.at.acc, K * dim);
    this.rsum = new Float64Array(memory.buffer, base + this.at.rsum, K);
  }

  setRows(rows: Int32Array): void {
    new Int32Array(this.placed.memory.buffer, this.at.base + this.at.rows, rows.length).set(rows);
    this.n = rows.length;
  }

  /** The summed log-loss over the rows for weights `v` (K × dim) and intercepts `c` on raw features; fills acc and rsum. */
  run(v: Float64Array, c: Float64Array): number {
    this.v.set(v);
    this.c.set(c);
    const { placed: p, at } = this;
    return this.kernel.pass(p.data, p.dim, p.labels, at.base + at.rows, this.n, p.K, at.base + at.v, at.base + at.c, at.base + at.acc, at.base + at.rsum, at.base + at.z);
  }
}
