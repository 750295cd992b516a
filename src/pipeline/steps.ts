/**
 * The kinds of step a pipeline runs: each declares its parameters (a JSON Schema, with `path`
 * marking files and folders, resolved from the spec's folder and hashed by content) and runs
 * one library call into its own output folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadContextualModel, MODEL_DTYPES } from '../contextual/model';
import { embedFolder } from '../embed-folder';
import { compareEmbeddings, scoreVectors } from '../compare/compare';
import { downstreamRows } from '../report/downstream';
import type { EmbeddingProbe, EmbeddingScores } from '../report/types';
import { contextuality } from '../analysis/contextuality';
import { distillStatic } from '../analysis/distill';
import { writeReport } from '../report/html';
import { queryIndex } from '../query';
import { saveVectors } from '../static/formats';
import type { KeyedVectors } from '../static/keyed-vectors';
import { resolveVectors } from '../static/pretrained';
import { trainGloVe } from '../static/glove/train';
import { trainWord2Vec } from '../static/word2vec/train';
import { InputError } from '../errors';
import { writeFileAtomic } from '../files';
import { LEVELS, OUTPUT_FORMATS } from '../store/rows';
import { LAYER_AGGREGATIONS } from '../pooling/layers';
import { SEQUENCE_POOLINGS } from '../pooling/sequence';
import { WORD_POOLINGS } from '../pooling/words';

export type ResultRow = Record<string, string | number>;

export interface StepRun {
  /** Output name → file or folder. */
  outputs: Record<string, string>;
  /** Rows for the pipeline's results table. */
  results?: ResultRow[];
}

export interface StepContext {
  /** This step's own output folder (empty when the step starts). */
  dir: string;
  log: (message: string) => void;
  /** A short name for a parameter value: the step variant whose output it is, or the value itself. */
  label: (value: string) => string;
  /** The kind of step whose output a value is, if any. */
  producer: (value: string) => string | undefined;
}

type Schema = Record<string, unknown> & { path?: boolean; model?: boolean };

export interface StepKind {
  describe: string;
  params: Record<string, Schema>;
  required?: string[];
  /** Parameters that take the outputs of every variant of a swept step (the others fan out). */
  gather?: string[];
  outputs: string[];
  run(params: Record<string, any>, ctx: StepContext): Promise<StepRun>;
}

const str = { type: 'string' };
const int = { type: 'integer', minimum: 1 };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const pathParam: Schema = { type: 'string', path: true };
const paths: Schema = { type: 'array', items: { type: 'string' }, path: true, minItems: 1 };
const modelParam: Schema = { type: 'string', model: true };
/** A contextual model: hub id or folder, with the revision and ONNX file (`ctxembed embed --revision --dtype`). */
const modelParams = { model: modelParam, revision: str, dtype: { enum: MODEL_DTYPES } };

function loadStepModel(p: Record<string, any>) {
  return loadContextualModel({ model: p.model, revision: p.revision, dtype: p.dtype });
}
/** Vectors files or built-in names (glove:6B-100d): files resolved and hashed like paths, names kept. */
const staticParam: Schema = { type: 'array', items: str, model: true };
const tokenizer = { enum: ['default', 'whitespace'] };
const layersParam = { type: ['string', 'integer'] };

const poolingParams = {
  wordPooling: { enum: WORD_POOLINGS },
  sentencePooling: { enum: SEQUENCE_POOLINGS },
  layers: layersParam,
  layerAgg: { enum: LAYER_AGGREGATIONS },
  normalize: bool,
  maxLength: int,
  stride: { type: 'integer', minimum: 0 },
  batchTokens: int,
};

/** Static vectors given to compare or probe, upstream outputs linked under their steps' names (which the report shows). */
function labelledStatics(statics: string[] | undefined, ctx: StepContext): string[] {
  const inputs = path.join(ctx.dir, 'inputs');
  fs.mkdirSync(inputs, { recursive: true });
  return (statics ?? []).map((v) => {
    const label = ctx.label(v);
    if (label === v) return v;
    const link = path.join(inputs, `${label.replace(/[^\w.=,-]+/g, '_')}${path.extname(v)}`);
    fs.symlinkSync(v, link);
    return link;
  });
}

/** A step's rows for results.csv: one per downstream score. */
function probeRows(probes: EmbeddingProbe[]): ResultRow[] {
  return downstreamRows(probes).map((r) => ({ embedding: r.embedding, kind: r.kind, layer: r.layer ?? '', dataset: path.basename(r.dataset), task: r.task, features: r.features, classifier: r.classifier, metric: 'accuracy', value: r.accuracy, std: r.std, seconds: r.seconds }));
}

/** A static trainer as a step: the corpus in, `vectors.vec` (word2vec text) out. */
function trainedVectors(train: (corpus: string, options: any) => Promise<{ vectors: KeyedVectors }>): StepKind['run'] {
  return async ({ corpus, ...options }, ctx) => {
    const { vectors } = await train(corpus, options);
    const file = path.join(ctx.dir, 'vectors.vec');
    saveVectors(vectors, file);
    return { outputs: { vectors: file } };
  };
}

export const STEP_KINDS: Record<string, StepKind> = {
  embed: {
    describe: 'Embed files and folders (ctxembed embed)',
    params: {
      paths,
      ...modelParams,
      levels: { type: 'array', items: { enum: LEVELS }, minItems: 1 },
      format: { enum: OUTPUT_FORMATS },
      include: { type: 'array', items: str },
      exclude: { type: 'array', items: str },
      ...poolingParams,
    },
    required: ['paths', 'model'],
    outputs: ['index'],
    async run(p, ctx) {
      const model = await loadStepModel(p);
      try {
        const out = path.join(ctx.dir, 'index');
        const { paths, model: _model, revision: _revision, dtype: _dtype, ...options } = p;
        const s = await embedFolder(paths, model, { ...options, layers: p.layers === undefined ? undefined : String(p.layers), out });
        ctx.log(`embedded ${s.done} files, ${s.rows} rows`);
        return { outputs: { index: out }, results: [{ files: s.done, rows: s.rows, tokens: s.tokens }] };
      } finally {
        await model.dispose();
      }
    },
  },
  'train-word2vec': {
    describe: 'Train Word2Vec vectors (ctxembed train word2vec)',
    params: {
      corpus: pathParam,
      arch: { enum: ['skipgram', 'cbow'] },
      hs: bool,
      dim: int, window: int, minCount: int, maxVocab: int, negative: { type: 'integer', minimum: 0 },
      sample: num, epochs: int, alpha: num, seed: { type: 'integer' }, threads: int, tokenizer,
    },
    required: ['corpus'],
    outputs: ['vectors'],
    run: trainedVectors(trainWord2Vec),
  },
  'train-glove': {
    describe: 'Train GloVe vectors (ctxembed train glove)',
    params: {
      corpus: pathParam,
      dim: int, window: int, minCount: int, maxVocab: int, epochs: int, xMax: num, alpha: num,
      learningRate: num, seed: { type: 'integer' }, threads: int, tokenizer,
    },
    required: ['corpus'],
    outputs: ['vectors'],
    run: trainedVectors(trainGloVe),
  },
  distill: {
    describe: 'Static vectors distilled from a contextual model: mean over corpus occurrences (ctxembed distill)',
    params: {
      ...modelParams,
      corpus: pathParam,
      layers: layersParam,
      minCount: int,
      maxContexts: int,
      wordPooling: { enum: WORD_POOLINGS },
    },
    required: ['model', 'corpus'],
    outputs: ['vectors'],
    async run(p, ctx) {
      const model = await loadStepModel(p);
      try {
        const layers = await distillStatic(model, p.corpus, { layers: p.layers ?? '-1', minCount: p.minCount, maxContexts: p.maxContexts, wordPooling: p.wordPooling });
        if (layers.length !== 1) throw new InputError(`distill in a pipeline takes one layer per variant (sweep layers for several), got ${layers.length}`);
        const file = path.join(ctx.dir, 'vectors.vec');
        saveVectors(layers[0].vectors, file);
        ctx.log(`${layers[0].vectors.words.length} words from layer ${layers[0].layer}`);
        return { outputs: { vectors: file } };
      } finally {
        await model.dispose();
      }
    },
  },
  contextuality: {
    describe: 'How contextual the vectors of each layer are (Ethayarajh 2019)',
    params: { ...modelParams, corpus: pathParam, layers: layersParam, minOccurrences: int, maxContexts: int, sampleSize: int, seed: { type: 'integer' } },
    required: ['model', 'corpus'],
    outputs: ['measures'],
    async run(p, ctx) {
      const model = await loadStepModel(p);
      try {
        const { model: _m, corpus, ...options } = p;
        const layers = await contextuality(model, corpus, { ...options, layers: p.layers ?? 'all' });
        const file = path.join(ctx.dir, 'contextuality.json');
        fs.writeFileSync(file, JSON.stringify(layers, null, 1));
        return { outputs: { measures: file }, results: layers.map((l) => ({ ...l })) };
      } finally {
        await model.dispose();
      }
    },
  },
  compare: {
    describe: 'Static and contextual embeddings side by side, with the HTML report (ctxembed compare)',
    params: {
      static: staticParam,
      ...modelParams,
      corpus: pathParam,
      wordsim: paths,
      analogy: pathParam,
      senses: pathParam,
      classify: paths,
      wsd: paths,
      word: str,
      layers: layersParam,
      neighbours: { type: 'array', items: str },
      minCount: int,
      maxContexts: int,
      seed: { type: 'integer' },
    },
    gather: ['static'],
    outputs: ['report'],
    async run(p, ctx) {
      const report = await compareEmbeddings({ ...p, static: labelledStatics(p.static, ctx), layers: p.layers === undefined ? undefined : String(p.layers), modelOptions: { revision: p.revision, dtype: p.dtype } } as any);
      const dir = path.join(ctx.dir, 'report');
      await writeReport(report, dir);
      const results: ResultRow[] = report.embeddings.flatMap((e) => [
        ...e.wordsim.map((w) => ({ embedding: e.name, kind: e.kind, layer: e.layer ?? '', dataset: path.basename(w.dataset), metric: 'spearman', value: w.spearman })),
        ...(e.analogy ? [{ embedding: e.name, kind: e.kind, layer: e.layer ?? '', dataset: path.basename(e.analogy.dataset), metric: 'analogy', value: e.analogy.accuracy }] : []),
      ]);
      return { outputs: { report: dir }, results: [...results, ...probeRows(report.downstream ?? [])] };
    },
  },
  probe: {
    describe: 'Downstream probes: sentence classification and word senses, per layer of a model (ctxembed compare --classify/--wsd)',
    params: {
      static: staticParam,
      ...modelParams,
      classify: paths,
      wsd: paths,
      word: str,
      layers: layersParam,
      sentencePooling: { enum: SEQUENCE_POOLINGS },
      wordPooling: { enum: WORD_POOLINGS },
      seed: { type: 'integer' },
      threads: int,
    },
    gather: ['static'],
    outputs: ['probes'],
    async run(p, ctx) {
      if (!p.classify && !p.wsd) throw new InputError('a probe step needs classify and/or wsd datasets');
      const report = await compareEmbeddings({
        static: labelledStatics(p.static, ctx),
        model: p.model,
        modelOptions: { revision: p.revision, dtype: p.dtype },
        classify: p.classify,
        wsd: p.wsd,
        word: p.word,
        layers: p.layers === undefined ? undefined : String(p.layers),
        sentencePoolings: p.sentencePooling ? [p.sentencePooling] : undefined,
        wordPooling: p.wordPooling,
        seed: p.seed,
        probe: { threads: p.threads },
        onProgress: (step, done, total, unit) => done === total && ctx.log(`${step}: ${total} ${unit}`),
      });
      const file = path.join(ctx.dir, 'probes.json');
      writeFileAtomic(file, JSON.stringify(report.downstream ?? [], null, 1));
      return { outputs: { probes: file }, results: probeRows(report.downstream ?? []) };
    },
  },
  eval: {
    describe: 'Word similarity, analogies and neighbours of vectors (ctxembed eval)',
    params: {
      vectors: { type: 'array', items: str, minItems: 1 },
      wordsim: paths,
      analogy: pathParam,
      neighbours: { type: 'array', items: str },
    },
    required: ['vectors'],
    gather: ['vectors'],
    outputs: ['scores'],
    async run(p, ctx) {
      const opts = { wordsim: p.wordsim, analogy: p.analogy, neighbours: p.neighbours };
      const scores: EmbeddingScores[] = (p.vectors as string[]).map((v) =>
        scoreVectors(resolveVectors(v, { onWarning: (m) => ctx.log(`warning: ${m}`) }), ctx.label(v), ctx.producer(v) === 'distill' ? 'distilled' : 'static', opts),
      );
      const file = path.join(ctx.dir, 'scores.json');
      fs.writeFileSync(file, JSON.stringify(scores, null, 1));
      const results: ResultRow[] = scores.flatMap((e) => [
        ...e.wordsim.map((w) => ({ vectors: e.name, dataset: path.basename(w.dataset), metric: 'spearman', value: w.spearman, pairs: w.pairs, oov: w.oov })),
        ...(e.analogy ? [{ vectors: e.name, dataset: path.basename(e.analogy.dataset), metric: 'analogy', value: e.analogy.accuracy, pairs: e.analogy.total, oov: e.analogy.oov }] : []),
      ]);
      return { outputs: { scores: file }, results };
    },
  },
  query: {
    describe: 'Nearest sentences or documents of an embedded folder (ctxembed query)',
    params: { index: str, text: str, k: int, level: { enum: ['sentence', 'document'] }, where: str, exact: bool, refine: int },
    required: ['index', 'text'],
    outputs: ['hits'],
    async run(p, ctx) {
      const hits = await queryIndex(p.index, p.text, { k: p.k, level: p.level, where: p.where, exact: p.exact, refine: p.refine });
      const results = hits.map((h, i) => ({ query: p.text, rank: i + 1, score: h.score, source: h.row.source, start: h.row.start, end: h.row.end, text: h.row.text }));
      const file = path.join(ctx.dir, 'hits.json');
      fs.writeFileSync(file, JSON.stringify(results, null, 1));
      return { outputs: { hits: file }, results };
    },
  },
};

export type StepKindName = keyof typeof STEP_KINDS;
