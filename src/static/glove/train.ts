/**
 * GloVe training end to end: vocabulary, co-occurrence counting, shuffled training entries, then
 * AdaGrad epochs on worker threads (a WebAssembly SIMD kernel) over parameters and entries in one
 * shared WebAssembly memory. The result is the vectors W + W~.
 */
import * as os from 'os';
import * as path from 'path';
import type { Worker } from 'worker_threads';
import { checkPositive, checkPositiveIntegers, withDefaults } from '../../options';
import { TokenizerName, readSentences } from '../corpus';
import { KeyedVectors } from '../keyed-vectors';
import { Vocabulary, buildVocabulary } from '../vocab';
import { sharedMemory } from '../../wasm';
import { startWorker } from '../../worker-thread';
import { countCooccurrences } from './cooccurrences';
import { buildEntries, countEntries, entryViews } from './entries';
import { GloVeLayout, gloveKernelModule, gloveLayout, instantiateGloVeKernel } from './kernel';
import { deriveSeed, seededRandom } from '../../random';
import type { EpochMessage, TrainingWorkerData } from './worker';

export interface GloVeOptions {
  tokenizer?: TokenizerName;
  /** Words seen fewer times are dropped (default 5). */
  minCount?: number;
  maxVocab?: number;
  /** Context words on each side (default 10). */
  window?: number;
  /** Memory budget of co-occurrence counting in bytes (default 4 GB); past it, sorted runs spill to disk. */
  memoryBytes?: number;
  /** Where spilled runs go (the system's temporary folder by default). */
  tmpDir?: string;
  /** Vector size (default 100). */
  dim?: number;
  /** Cut-off of the weighting function f(x) = min(1, (x / xMax)^alpha) (default 100). */
  xMax?: number;
  alpha?: number;
  /** AdaGrad's initial learning rate (default 0.05). */
  learningRate?: number;
  epochs?: number;
  /** Worker threads (default: the number of CPU cores). */
  threads?: number;
  seed?: number;
  onPhase?: (phase: GloVePhase, seconds: number) => void;
  onEpoch?: (epoch: number, cost: number, seconds: number) => void;
}

export type GloVePhase = 'vocabulary' | 'cooccurrence' | 'shuffle' | 'training';

export interface GloVeResult {
  vectors: KeyedVectors;
  vocabulary: Vocabulary;
  /** Nonzero entries of X (both directions). */
  entries: number;
  /** Mean cost of each epoch (glove.c's figure). */
  costs: number[];
  seconds: Record<GloVePhase, number>;
}

export const GLOVE_DEFAULTS = { minCount: 5, window: 10, memoryBytes: 4e9, dim: 100, xMax: 100, alpha: 0.75, learningRate: 0.05, epochs: 25, seed: 1 };

export async function trainGloVe(corpus: string | string[], options: GloVeOptions = {}): Promise<GloVeResult> {
  const o = resolveGloVeOptions(options);
  const seconds = {} as Record<GloVePhase, number>;
  let clock = Date.now();
  const phaseDone = (phase: GloVePhase) => {
    seconds[phase] = (Date.now() - clock) / 1000;
    clock = Date.now();
    o.onPhase?.(phase, seconds[phase]);
  };

  const vocabulary = await buildVocabulary(corpus, { minCount: o.minCount, maxVocab: o.maxVocab, tokenizer: o.tokenizer });
  phaseDone('vocabulary');

  const cooccurrences = await countCooccurrences(corpusIds(corpus, vocabulary, o.tokenizer), { window: o.window, memoryBytes: o.memoryBytes, tmpDir: o.tmpDir });
  phaseDone('cooccurrence');

  const count = countEntries(cooccurrences);
  const layout = gloveLayout(vocabulary.size, o.dim, count);
  const memory = sharedMemory(layout.pages);
  const module = gloveKernelModule();
  buildEntries(cooccurrences, o.xMax, o.alpha, entryViews(memory.buffer, layout.entries, count));
  instantiateGloVeKernel(module, memory, layout, vocabulary.size).shuffle(0, count, BigInt(deriveSeed(o.seed, 0)) + 1n);
  phaseDone('shuffle');

  initParameters(memory.buffer, layout, vocabulary.size, o.dim, seededRandom(deriveSeed(o.seed, 1)));
  const shared: SharedParameters = { module, memory, layout, vocabSize: vocabulary.size };
  const costs = await runEpochs(shared, count, o);
  phaseDone('training');

  return { vectors: sumWordAndContextVectors(memory.buffer, layout, vocabulary.size, o.dim, vocabulary.words), vocabulary, entries: count, costs, seconds };
}

/** The options over GLOVE_DEFAULTS (threads: every core), checked before any work starts. */
function resolveGloVeOptions(options: GloVeOptions) {
  const o = withDefaults({ ...GLOVE_DEFAULTS, threads: os.cpus().length }, options);
  checkPositiveIntegers({ dim: o.dim, window: o.window, epochs: o.epochs, threads: o.threads, minCount: o.minCount, maxVocab: o.maxVocab });
  checkPositive({ memory: o.memoryBytes / 1e9, xMax: o.xMax, alpha: o.alpha, learningRate: o.learningRate });
  return o;
}

/**
 * Vectors uniform in [-0.5, 0.5) / dim, biases too, squared-gradient sums 1 (as glove.c); the
 * draws go row by row, the vector then the bias. The rows' padding stays zero.
 */
export function initParameters(buffer: SharedArrayBuffer, l: GloVeLayout, vocabSize: number, dim: number, random: () => number): void {
  const weights = new Float32Array(buffer, l.weights, 2 * vocabSize * l.stride);
  const bias = l.stride - 4;
  for (let r = 0, o = 0; r < 2 * vocabSize; r++, o += l.stride) {
    for (let d = 0; d < dim; d++) weights[o + d] = (random() - 0.5) / dim;
    weights[o + bias] = (random() - 0.5) / dim;
  }
  new Float32Array(buffer, l.gradsq, 2 * vocabSize * l.stride).fill(1);
}

interface SharedParameters {
  module: TrainingWorkerData['module'];
  memory: TrainingWorkerData['memory'];
  layout: GloVeLayout;
  vocabSize: number;
}

/** The corpus lines as word ids, out-of-vocabulary words dropped (so they take no place in windows, as in GloVe). */
export async function* corpusIds(corpus: string | string[], vocabulary: Vocabulary, tokenizer: TokenizerName | undefined): AsyncGenerator<Int32Array> {
  const ids = new Int32Array(64 * 1024);
  for await (const sentence of readSentences(corpus, { tokenizer })) {
    let n = 0;
    for (const w of sentence) {
      const i = vocabulary.index.get(w);
      if (i !== undefined) ids[n++] = i;
    }
    if (n > 1) yield ids.subarray(0, n);
  }
}

async function runEpochs(shared: SharedParameters, count: number, o: Required<Pick<GloVeOptions, 'threads' | 'epochs' | 'learningRate' | 'seed'>> & GloVeOptions): Promise<number[]> {
  const threads = Math.max(1, Math.min(o.threads, count));
  const workers: Worker[] = [];
  for (let t = 0; t < threads; t++) {
    const data: TrainingWorkerData = { ...shared, from: Math.floor((count * t) / threads), to: Math.floor((count * (t + 1)) / threads), learningRate: o.learningRate, seed: deriveSeed(o.seed, 2, t) };
    workers.push(startWorker(path.join(__dirname, `worker${path.extname(__filename)}`), data));
  }
  try {
    const costs: number[] = [];
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const start = Date.now();
      const sums = await Promise.all(workers.map((w) => runEpoch(w, epoch)));
      costs.push(sums.reduce((a, b) => a + b, 0) / count);
      o.onEpoch?.(epoch + 1, costs[epoch], (Date.now() - start) / 1000);
    }
    return costs;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function runEpoch(worker: Worker, epoch: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      worker.off('message', done);
      reject(err);
    };
    const done = (cost: number) => {
      worker.off('error', fail);
      resolve(cost);
    };
    worker.once('message', done);
    worker.once('error', fail);
    worker.postMessage(epoch satisfies EpochMessage);
  });
}

/** W + W~ without the biases: GloVe's usual output (glove.c --model 2). */
function sumWordAndContextVectors(buffer: SharedArrayBuffer, l: GloVeLayout, vocabSize: number, dim: number, words: string[]): KeyedVectors {
  const weights = new Float32Array(buffer, l.weights, 2 * vocabSize * l.stride);
  const contexts = vocabSize * l.stride;
  const vectors = new Float32Array(vocabSize * dim);
  for (let i = 0; i < vocabSize; i++) {
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = weights[i * l.stride + d] + weights[contexts + i * l.stride + d];
  }
  return new KeyedVectors(words, dim, vectors);
}
