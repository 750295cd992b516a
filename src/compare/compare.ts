/**
 * `compareEmbeddings`: everything a comparison report holds, in one run. Static vectors (files or
 * built-in names) are scored on the word-similarity and analogy datasets; with a contextual model,
 * so are its isolated and distilled vectors at every layer asked for, next to its contextuality
 * per layer and the polysemy probe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel, loadContextualModel, ModelOptions } from '../contextual/model';
import { InputError, UsageError } from '../errors';
import { KeyedVectors } from '../static/keyed-vectors';
import { resolveVectors, PRETRAINED_NAMES } from '../static/pretrained';
import { evaluateAnalogies } from '../eval/analogy';
import { contextuality } from '../analysis/contextuality';
import { distillStatic } from '../analysis/distill';
import { isolatedVectors } from '../analysis/isolated';
import { probePolysemy } from '../analysis/polysemy';
import { nearestNeighbours } from '../eval/neighbours';
import type { ComparisonReport, EmbeddingKind, EmbeddingProbe, EmbeddingScores } from '../report/types';
import { evaluateWordSimilarity, WordSimilarityResult } from '../eval/word-similarity';
import { LayerVectors, wordSplitter } from '../analysis/word-states';
import { selectLayers } from '../contextual/layers';
import { probeClassification } from '../eval/classification';
import { dataLines, encodeLabels, readLabelledSentences, readTargetSentences } from '../eval/probe/datasets';
import type { ProbeEmbedding, ProbeOptions, ProbeProgress } from '../eval/probe/probe';
import { probeWsd } from '../eval/wsd';
import type { SequencePooling } from '../pooling/sequence';
import type { WordPooling } from '../pooling/words';
import { datasetName } from '../report/charts';

export interface CompareOptions {
  /** Static vectors: files (word2vec text or binary, GloVe text) or built-in names (`glove:6B-100d`). */
  static?: string[];
  /** Contextual model: a hub id or a local folder, or a loaded model (left loaded). */
  model?: string | ContextualModel;
  /** How to load `model` when it is named (dtype, offline, cache folder, threads). */
  modelOptions?: Omit<ModelOptions, 'model'>;
  /** Text files or folders (one sentence a line) the contextual vectors are distilled and measured on. */
  corpus?: string | string[];
  /** The model's hidden states to compare: `all` (default), a list such as `0,6,12`, or indices. */
  layers?: string | number[];
  /** Distilled vectors and contextuality: words with fewer occurrences (contexts) in the corpus are left out (default 5). */
  minCount?: number;
  /** Distilled vectors and contextuality: most occurrences of a word used (default 100). */
  maxContexts?: number;
  /** Sense-labelled sentences (`sentence<TAB>label`) of a polysemous word: the polysemy probe (needs a model). */
  senses?: string;
  /**
   * The probed word of `senses` and of `sentence<TAB>label` word-sense files (default: from a file
   * named `senses-<word>.tsv`, or the one word every sentence has).
   */
  word?: string;
  /** Hidden state the probe looks at (default: the last of `layers`). */
  probeLayer?: number;
  /** Seed for the contextuality baselines' sample and the polysemy probe (default 1). */
  seed?: number;
  /** Word-similarity datasets (`w1<TAB>w2<TAB>score`). */
  wordsim?: string[];
  /** Analogy questions (questions-words.txt format). */
  analogy?: string;
  /** Words whose nearest neighbours the report lists (the probed word is added when there is a probe). */
  neighbours?: string[];
  /** Neighbours per word (default 10). */
  topn?: number;
  /** Only the first N words of each vectors file count in the evaluations (default 300,000, as gensim). */
  restrictVocab?: number;
  /** Sentence classification datasets (`sentence<TAB>label`): downstream probes of every embedding. */
  classify?: string[];
  /** Word-sense datasets (`sentence<TAB>sense<TAB>start<TAB>end`, or `sentence<TAB>label` lines of `word`). */
  wsd?: string[];
  /** Probes: a contextual model's sentence poolings (default `mean` and `cls`). */
  sentencePoolings?: SequencePooling[];
  /** Probes: how a target word's pieces pool into its contextual vector (default `mean`). */
  wordPooling?: WordPooling;
  /** Probes: logistic regression's grid, inner validation and threads. */
  probe?: Pick<ProbeOptions, 'grid' | 'innerFolds' | 'innerRounds' | 'threads'>;
  /** Called at the start of each step, and with index = total when all are done (the CLI shows it as progress). */
  onStep?: (step: string, index: number, total: number) => void;
  /** Told what loading goes on past (a vectors file's duplicate words, the first vector kept). */
  onWarning?: (message: string) => void;
  /** Called within a long step: sentences through the model, cross-validation folds done. */
  onProgress?: (step: string, done: number, total: number, unit: 'examples' | 'folds') => void;
}

interface Step {
  label: string;
  run: () => void | Promise<void>;
}

/** Every input file named, checked before anything long starts. */
function checkInputs(opts: CompareOptions): void {
  const files: [string, string | undefined][] = [
    ...(opts.wordsim ?? []).map((f): [string, string] => ['--wordsim', f]),
    ['--analogy', opts.analogy],
    ['--senses', opts.senses],
    ...(opts.classify ?? []).map((f): [string, string] => ['--classify', f]),
    ...(opts.wsd ?? []).map((f): [string, string] => ['--wsd', f]),
    ...(opts.static ?? []).filter((s) => !(PRETRAINED_NAMES as readonly string[]).includes(s) && !/^glove:/.test(s)).map((f): [string, string] => ['--static', f]),
  ];
  for (const c of typeof opts.corpus === 'string' ? [opts.corpus] : (opts.corpus ?? [])) {
    if (!fs.existsSync(c)) throw new InputError(`--corpus ${c}: no such file or folder`);
  }
  for (const [flag, file] of files) {
    if (file === undefined) continue;
    if (!fs.existsSync(file)) throw new InputError(`${flag} ${file}: no such file`);
    if (!fs.statSync(file).isFile()) throw new InputError(`${flag} ${file}: not a file`);
  }
}

/** Display name of a static vectors source: the built-in name, or the file's name. */
export function staticName(source: string, all: string[]): string {
  if (!fs.existsSync(source)) return source;
  const base = path.basename(source);
  // two files with one name (a/vectors.vec, b/vectors.vec): keep the folder to tell them apart
  return all.filter((s) => path.basename(s) === base).length > 1 ? path.join(path.basename(path.dirname(path.resolve(source))), base) : base;
}

/** Word-similarity and analogy scores, and neighbours, of one set of vectors. */
export function scoreVectors(kv: KeyedVectors, name: string, kind: EmbeddingKind, opts: CompareOptions, layer?: number): EmbeddingScores {
  const lookup = { restrictVocab: opts.restrictVocab };
  const wordsim: WordSimilarityResult[] = [];
  for (const file of opts.wordsim ?? []) {
    try {
      wordsim.push(evaluateWordSimilarity(kv, file, lookup));
    } catch (err) {
      // every pair out of the vocabulary (a small corpus's distilled vectors): no score, not a failure
      if (!(err instanceof InputError) || !/no word pair scored/.test(err.message)) throw err;
    }
  }
  const scores: EmbeddingScores = { name, kind, vocabulary: kv.size, dim: kv.dim, wordsim, neighbours: nearestNeighbours(kv, opts.neighbours ?? [], { ...lookup, topn: opts.topn ?? 10 }) };
  if (layer !== undefined) scores.layer = layer;
  if (opts.analogy) scores.analogy = evaluateAnalogies(kv, opts.analogy, lookup);
  return scores;
}

/** Runs the steps in order, telling `onStep` which one is running. */
async function runSteps(steps: Step[], opts: CompareOptions): Promise<void> {
  for (const [i, step] of steps.entries()) {
    opts.onStep?.(step.label, i, steps.length);
    await step.run();
  }
  opts.onStep?.('done', steps.length, steps.length);
}

/** The words of the evaluation datasets (and the neighbour words): isolated vectors need them whatever the corpus holds. */
export function datasetWords(opts: CompareOptions): string[] {
  const words: string[] = [...(opts.neighbours ?? [])];
  for (const file of opts.wordsim ?? []) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('#')) continue;
      const f = line.split('\t');
      if (f.length === 3) words.push(f[0].trim(), f[1].trim());
    }
  }
  if (opts.analogy) {
    for (const line of fs.readFileSync(opts.analogy, 'utf8').split('\n')) {
      if (line.startsWith(':')) continue;
      const f = line.trim().split(/\s+/);
      if (f.length === 4) words.push(...f);
    }
  }
  return words.filter((w) => w.length > 0);
}

/**
 * The word a senses file probes: `word` when given, else `<word>` of a file named
 * `senses-<word>.tsv`, else the one word every sentence has (as lowercase letters).
 */
export function probedWord(sensesFile: string, word?: string): string {
  if (word) return word;
  const named = /^senses[-_](.+)\.(tsv|txt)$/i.exec(path.basename(sensesFile));
  if (named) return named[1];
  const sentences = readLabelledSentences(sensesFile).map((e) => new Set(e.sentence.toLowerCase().match(/\p{L}+/gu) ?? []));
  const common = sentences.length ? [...sentences[0]].filter((w) => sentences.every((s) => s.has(w))) : [];
  if (common.length === 1) return common[0];
  throw new UsageError(`${sensesFile}: name the probed word (--word): ${common.length ? `every sentence has ${common.join(', ')}` : 'no word is in every sentence'}`);
}

/** Whether a word-sense file has `sentence<TAB>label` lines (its first line has one tab). */
function isLabelledSentences(file: string): boolean {
  return dataLines(file)[0].text.split('\t').length === 2;
}

/** A short name for the model in embedding names: the last part of a hub id or folder. */
export function modelName(id: string): string {
  return path.basename(id.replace(/[\\/]+$/, '')) || id;
}

export async function compareEmbeddings(options: CompareOptions): Promise<ComparisonReport> {
  let opts = options;
  const statics = opts.static ?? [];
  if (statics.length === 0 && !opts.model) throw new UsageError('nothing to compare: give static vectors and/or a model');
  const scoring = (opts.wordsim ?? []).length > 0 || !!opts.analogy;
  const probing = (opts.classify ?? []).length + (opts.wsd ?? []).length > 0;
  if (!scoring && !probing) throw new UsageError('give --wordsim and/or --analogy datasets to score the embeddings on, or --classify / --wsd datasets to probe them with');
  if (opts.model && scoring && !opts.corpus) throw new UsageError('a model needs a corpus to distil its contextual vectors on (word similarity and analogies)');
  if (opts.senses && !opts.model) throw new UsageError('the polysemy probe (senses) needs a model');
  checkInputs(opts);
  const word = opts.senses ? probedWord(opts.senses, opts.word) : undefined;
  // word-sense files of `sentence<TAB>label` lines probe one word, named as for the polysemy probe
  const wsdWord = new Map((opts.wsd ?? []).map((f) => [f, isLabelledSentences(f) ? probedWord(f, opts.word) : undefined]));
  // the probes' files are read whole before anything long starts: a bad line stops the run at once
  for (const f of opts.classify ?? []) encodeLabels(f, readLabelledSentences(f));
  for (const f of opts.wsd ?? []) encodeLabels(f, readTargetSentences(f, wsdWord.get(f)));
  // the probed word's neighbours are listed in every embedding
  if (word && !(opts.neighbours ?? []).includes(word)) opts = { ...opts, neighbours: [word, ...(opts.neighbours ?? [])] };

  const report: ComparisonReport = {
    tool: 'ctxembed',
    created: new Date().toISOString(),
    datasets: { wordsim: opts.wordsim ?? [], ...(opts.analogy ? { analogy: opts.analogy } : {}), ...(probing ? { classify: opts.classify ?? [], wsd: opts.wsd ?? [] } : {}) },
    embeddings: [],
    contextuality: [],
  };
  if (opts.corpus) report.corpus = Array.isArray(opts.corpus) ? opts.corpus.join(', ') : opts.corpus;

  const staticScores: EmbeddingScores[] = [];
  const staticVectors: { name: string; kv: KeyedVectors }[] = [];
  const downstream: EmbeddingProbe[] = [];
  const steps: Step[] = [];
  /** A step per downstream dataset, probing what `embedding()` gives. */
  const probeSteps = (name: string, kind: EmbeddingProbe['kind'], embedding: () => ProbeEmbedding) => {
    const datasets = [...(opts.classify ?? []).map((f) => ({ f, task: 'classify' as const })), ...(opts.wsd ?? []).map((f) => ({ f, task: 'word senses' as const }))];
    for (const { f, task } of datasets) {
      const label = `${name}: ${task} ${datasetName(f)}`;
      const probeOptions = {
        ...opts.probe,
        seed: opts.seed ?? 1,
        layers: opts.layers ?? 'all',
        onProgress: (p: ProbeProgress) => opts.onProgress?.(label, p.done, p.total, p.stage === 'embed' ? 'examples' : 'folds'),
      };
      steps.push({
        label,
        run: async () => {
          const result = task === 'classify'
            ? await probeClassification(embedding(), f, { ...probeOptions, poolings: opts.sentencePoolings })
            : await probeWsd(embedding(), f, { ...probeOptions, word: wsdWord.get(f), wordPooling: opts.wordPooling });
          downstream.push({ embedding: name, kind, ...result });
        },
      });
    }
  };
  for (const source of statics) {
    const name = staticName(source, statics);
    let vectors: KeyedVectors | undefined;
    steps.push({
      label: `${name}: load${scoring ? ' and evaluate' : ''}`,
      run: () => {
        vectors = resolveVectors(source, { onWarning: opts.onWarning });
        if (word) staticVectors.push({ name, kv: vectors });
        if (scoring || (opts.neighbours ?? []).length > 0) staticScores.push(scoreVectors(vectors, name, 'static', opts));
      },
    });
    probeSteps(name, 'static', () => vectors!);
  }

  const ownModel = typeof opts.model === 'string';
  let model: ContextualModel | undefined;
  const distilled: EmbeddingScores[] = [];
  const isolated: EmbeddingScores[] = [];
  if (opts.model) {
    const corpus = opts.corpus;
    let name = '';
    let layers: number[] = [];
    let vocabulary: string[] = [];
    // the probed word's distilled vector per layer: the probe places it among the word's contextual vectors
    const distilledWord = new Map<number, Float32Array>();
    steps.push({
      label: 'model: load',
      run: async () => {
        model = typeof opts.model === 'string' ? await loadContextualModel({ ...opts.modelOptions, model: opts.model }) : opts.model!;
        name = modelName(model.id);
        layers = await selectLayers(model, opts.layers ?? 'all');
        report.model = { id: model.id, layers };
      },
    });
    if (scoring && corpus) {
      steps.push({
        label: 'model: distilled vectors (the mean of each word\'s contextual vectors over the corpus)',
        run: async () => {
          let perLayer: LayerVectors[] | undefined = await distillStatic(model!, corpus, { layers, minCount: opts.minCount, maxContexts: opts.maxContexts });
          vocabulary = perLayer[0]?.vectors.words ?? [];
          for (const { layer, vectors } of perLayer) {
            distilled.push(scoreVectors(vectors, `${name} distilled L${layer}`, 'distilled', opts, layer));
            const row = word ? vectors.indexOf(wordSplitter(model!)(word).join('')) : -1;
            if (row >= 0) distilledWord.set(layer, Float32Array.from(vectors.row(row)));
          }
          perLayer = undefined;
        },
      });
      steps.push({
        label: 'model: isolated vectors (each word run alone)',
        run: async () => {
          // the distilled vocabulary, so both compete over the same words, and every dataset word
          const split = wordSplitter(model!);
          const seen = new Set(vocabulary.map((w) => w.toUpperCase()));
          const words = [...vocabulary];
          for (const w of datasetWords(opts)) {
            const normalized = split(w).join('');
            const key = (normalized || w).toUpperCase();
            if (!seen.has(key)) {
              seen.add(key);
              words.push(normalized || w);
            }
          }
          let perLayer: LayerVectors[] | undefined = await isolatedVectors(model!, words, { layers });
          for (const { layer, vectors } of perLayer) isolated.push(scoreVectors(vectors, `${name} isolated L${layer}`, 'isolated', opts, layer));
          perLayer = undefined;
        },
      });
    }
    if (corpus) {
      steps.push({
        label: 'model: contextuality per layer (self-similarity, intra-sentence similarity, MEV, anisotropy)',
        run: async () => {
          report.contextuality = await contextuality(model!, corpus, { layers, minOccurrences: opts.minCount, maxContexts: Math.max(2, opts.maxContexts ?? 100), seed: opts.seed ?? 1 });
        },
      });
    }
    if (opts.senses && word) {
      const senses = opts.senses;
      steps.push({
        label: `model: polysemy probe of "${word}"`,
        run: async () => {
          const [layer] = await selectLayers(model!, [opts.probeLayer ?? layers[layers.length - 1]]);
          report.polysemy = await probePolysemy(model!, senses, { word, layer, staticVectors, seed: opts.seed ?? 1, distilled: distilledWord.get(layer), topn: opts.topn ?? 10 });
        },
      });
    }
    probeSteps(typeof opts.model === 'string' ? modelName(opts.model) : modelName(opts.model.id), 'contextual', () => model!);
  }
  try {
    await runSteps(steps, opts);
  } finally {
    if (model && ownModel) await model.dispose();
  }
  // static first, then per layer its distilled and isolated vectors
  report.embeddings = [...staticScores, ...distilled.flatMap((d) => [d, ...isolated.filter((i) => i.layer === d.layer)]), ...isolated.filter((i) => !distilled.some((d) => d.layer === i.layer))];
  if (probing) report.downstream = downstream;
  return report;
}
