/**
 * trainWord2Vec: vocabulary pass, corpus encoded once as word ids, then worker threads training
 * over a shared WebAssembly memory (the model, tables and encoded corpus), lock-free as word2vec.c.
 */
import * as path from 'path';
import { InputError } from '../../errors';
import { TokenizerName, readSentences } from '../corpus';
import { KeyedVectors } from '../keyed-vectors';
import { Vocabulary, buildVocabulary } from '../vocab';
import { ResolvedOptions, Word2VecOptions, resolveOptions } from './args';
import { sharedMemory, WasmMemory, WasmModule } from '../../wasm';
import { startWorker } from '../../worker-thread';
import { kernelModule } from './kernel';
import { Layout, computeLayout } from './layout';
import { cumulativeTable, expTable, huffmanTree, keepProbabilities, sampleInts } from './tables';
import { seededRandom } from '../../random';

/** Words per unit of work a thread takes (gensim's batch_words). */
const CHUNK_WORDS = 10000;

export interface EncodedCorpus {
  /** Vocabulary indices of the corpus words, out-of-vocabulary words dropped. */
  ids: Int32Array;
  /** Sentence s is ids[starts[s]] … ids[starts[s + 1] - 1]. */
  starts: Int32Array;
}

/** Encodes the corpus as word ids (a second streaming pass, after the vocabulary's). */
export async function encodeCorpus(paths: string | string[], vocab: Vocabulary, tokenizer: TokenizerName): Promise<EncodedCorpus> {
  const ids = new Int32Array(vocab.totalCount);
  const starts: number[] = [0];
  let n = 0;
  for await (const sentence of readSentences(paths, { tokenizer })) {
    for (const w of sentence) {
      const i = vocab.index.get(w);
      if (i !== undefined) ids[n++] = i;
    }
    if (n > starts[starts.length - 1]) starts.push(n);
  }
  if (n !== ids.length) throw new InputError(`${paths}: the corpus changed while it was read (${n} words now, ${ids.length} counted)`);
  return { ids, starts: Int32Array.from(starts) };
}

export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  layout: Layout;
  control: SharedArrayBuffer;
  chunks: SharedArrayBuffer;
  thread: number;
  vocabSize: number;
  totalWords: number;
  window: number;
  negative: number;
  hs: boolean;
  cbow: boolean;
  epochs: number;
  alpha: number;
  minAlpha: number;
  seed: number;
}

export interface Word2VecResult {
  vectors: KeyedVectors;
  vocab: Vocabulary;
  /** Corpus words trained on, all epochs (before subsampling). */
  words: number;
  /** Training time, vocabulary and encoding passes excluded. */
  seconds: number;
  /** CPU time of the process (all threads) while training. */
  cpuSeconds: number;
}

export async function trainWord2Vec(corpus: string | string[], options: Word2VecOptions = {}): Promise<Word2VecResult> {
  const opts = resolveOptions(options);
  const vocab = await buildVocabulary(corpus, { minCount: opts.minCount, maxVocab: opts.maxVocab, tokenizer: opts.tokenizer });
  const encoded = await encodeCorpus(corpus, vocab, opts.tokenizer);
  return trainEncoded(vocab, encoded, options);
}

/** Trains on an already encoded corpus. */
export async function trainEncoded(vocab: Vocabulary, encoded: EncodedCorpus, options: Word2VecOptions = {}): Promise<Word2VecResult> {
  const opts = resolveOptions(options);
  const v = vocab.size;
  const layout = computeLayout({ vocab: v, dim: opts.dim, tokens: encoded.ids.length, sentences: encoded.starts.length - 1, negative: opts.negative > 0, hs: opts.hs, threads: opts.threads });
  const memory = sharedMemory(layout.pages);
  fillMemory(memory.buffer, layout, vocab, encoded, opts);

  const chunks = chunkBoundaries(encoded.starts);
  const chunkBuffer = new SharedArrayBuffer(chunks.length * 4);
  new Int32Array(chunkBuffer).set(chunks);
  const control = new SharedArrayBuffer(16);
  const wordsDone = new BigInt64Array(control, 8, 1);
  const totalWords = encoded.ids.length * opts.epochs;
  const module = kernelModule();

  const started = Date.now();
  const cpu = process.cpuUsage();
  const report = () => {
    const words = Number(Atomics.load(wordsDone, 0));
    const alpha = Math.max(opts.minAlpha, opts.alpha - ((opts.alpha - opts.minAlpha) * words) / totalWords);
    opts.onProgress?.({ words, totalWords, alpha, seconds: (Date.now() - started) / 1000 });
  };
  const timer = opts.onProgress ? setInterval(report, 1000) : undefined;
  try {
    await Promise.all(
      Array.from({ length: opts.threads }, (_, thread) =>
        runWorker({
          module, memory, layout, control, chunks: chunkBuffer, thread,
          vocabSize: v, totalWords: encoded.ids.length, window: opts.window, negative: opts.negative, hs: opts.hs,
          cbow: opts.arch === 'cbow', epochs: opts.epochs, alpha: opts.alpha, minAlpha: opts.minAlpha, seed: opts.seed,
        }),
      ),
    );
  } finally {
    if (timer) clearInterval(timer);
  }
  const seconds = (Date.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (opts.onProgress) report();

  // drop the row padding
  const syn0 = new Float32Array(memory.buffer, layout.syn0, v * layout.stride);
  const vectors = new Float32Array(v * opts.dim);
  for (let i = 0; i < v; i++) vectors.set(syn0.subarray(i * layout.stride, i * layout.stride + opts.dim), i * opts.dim);
  return { vectors: new KeyedVectors(vocab.words, opts.dim, vectors), vocab, words: totalWords, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function fillMemory(buffer: ArrayBufferLike, l: Layout, vocab: Vocabulary, encoded: EncodedCorpus, opts: ResolvedOptions): void {
  const v = vocab.size;
  new Float32Array(buffer, l.expTable, 1000).set(expTable());
  new Uint32Array(buffer, l.cumTable, v).set(cumulativeTable(vocab.counts));
  new Uint32Array(buffer, l.sampleInt, v).set(sampleInts(keepProbabilities(vocab.counts, opts.sample)));
  if (opts.hs) {
    const tree = huffmanTree(vocab.counts);
    new Int32Array(buffer, l.codeLens, v).set(tree.lengths);
    new Uint8Array(buffer, l.codes, tree.codes.length).set(tree.codes);
    new Int32Array(buffer, l.points, tree.points.length).set(tree.points);
  }
  new Int32Array(buffer, l.corpus, encoded.ids.length).set(encoded.ids);
  new Int32Array(buffer, l.sentenceStarts, encoded.starts.length).set(encoded.starts);
  // input vectors uniform in ±1/dim as gensim (word2vec.c: ±0.5/dim); output weights start at zero (fresh memory is zeroed)
  const syn0 = new Float32Array(buffer, l.syn0, v * l.stride);
  const random = seededRandom(opts.seed);
  for (let i = 0; i < v; i++) {
    for (let d = 0; d < opts.dim; d++) syn0[i * l.stride + d] = (random() * 2 - 1) / opts.dim;
  }
}

/** Sentence indices where chunks of about CHUNK_WORDS words start, and the end. */
function chunkBoundaries(starts: Int32Array): Int32Array {
  const out = [0];
  for (let s = 1; s < starts.length; s++) {
    if (starts[s] - starts[out[out.length - 1]] >= CHUNK_WORDS || s === starts.length - 1) out.push(s);
  }
  return Int32Array.from(out);
}

function runWorker(data: WorkerData): Promise<void> {
  const worker = startWorker(path.join(__dirname, `worker${path.extname(__filename)}`), data);
  return new Promise((resolve, reject) => {
    let done = false;
    worker.on('message', () => (done = true));
    worker.on('error', reject);
    worker.on('exit', (code) => (done ? resolve() : reject(new Error(`word2vec worker ${data.thread} stopped (exit code ${code})`))));
  });
}
