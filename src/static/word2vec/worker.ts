/**
 * A training thread: takes the next chunk of sentences from a shared counter (chunks of all epochs
 * in turn, so threads stay busy to the end), sets the learning rate from the words done by all
 * threads, and runs the kernel on the shared memory.
 */
import { parentPort, workerData } from 'worker_threads';
import { instantiateKernel } from './kernel';
import type { WorkerData } from './train';

const d = workerData as WorkerData;
const kernel = instantiateKernel(d.module, d.memory);
const l = d.layout;
kernel.configure(
  l.stride, d.window, d.negative, d.hs ? 1 : 0, d.cbow ? 1 : 0,
  l.syn0, l.syn1neg, l.syn1, l.expTable,
  l.cumTable, d.vocabSize, l.sampleInt,
  l.codeLens, l.codes, l.points,
  l.corpus, l.sentenceStarts,
  l.scratch[d.thread], BigInt(d.seed) * 1000003n + BigInt(d.thread) + 1n,
);
const chunks = new Int32Array(d.chunks);
const nextChunk = new Int32Array(d.control, 0, 1);
const wordsDone = new BigInt64Array(d.control, 8, 1);
const numChunks = chunks.length - 1;
const total = numChunks * d.epochs;
const totalWords = d.totalWords * d.epochs;
for (let c = Atomics.add(nextChunk, 0, 1); c < total; c = Atomics.add(nextChunk, 0, 1)) {
  const chunk = c % numChunks;
  const done = Number(Atomics.load(wordsDone, 0));
  const alpha = Math.max(d.minAlpha, d.alpha - ((d.alpha - d.minAlpha) * done) / totalWords);
  const seen = kernel.train(chunks[chunk], chunks[chunk + 1], alpha);
  Atomics.add(wordsDone, 0, BigInt(seen));
}
parentPort!.postMessage('done');
