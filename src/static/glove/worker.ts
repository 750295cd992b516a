/**
 * A training worker: owns a slice of the shared entries, and each epoch shuffles it and runs
 * AdaGrad over it with the WebAssembly kernel on the shared parameters, lock-free (Hogwild, as
 * glove.c's threads do).
 */
import { parentPort, workerData } from 'worker_threads';
import type { WasmMemory, WasmModule } from '../../wasm';
import { GloVeLayout, instantiateGloVeKernel } from './kernel';
import { deriveSeed } from '../../random';

export interface TrainingWorkerData {
  module: WasmModule;
  memory: WasmMemory;
  layout: GloVeLayout;
  vocabSize: number;
  from: number;
  to: number;
  learningRate: number;
  seed: number;
}

/** Sent for each epoch: its number; answered with the summed cost of the slice. */
export type EpochMessage = number;

if (parentPort) {
  const data = workerData as TrainingWorkerData;
  const kernel = instantiateGloVeKernel(data.module, data.memory, data.layout, data.vocabSize);
  const port = parentPort;
  port.on('message', (epoch: EpochMessage) => {
    kernel.shuffle(data.from, data.to, BigInt(deriveSeed(data.seed, epoch)) * 0x9e3779b97f4a7c15n + 1n);
    port.postMessage(kernel.train(data.from, data.to, data.learningRate));
  });
}
