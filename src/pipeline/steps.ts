/**
 * The kinds of step a pipeline runs: each declares its parameters (a JSON Schema, with `path`
 * marking files and folders, resolved from the spec's folder and hashed by content) and runs
 * one library call into its own output folder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadContextualModel } from '../contextual/model';
import { embedFolder } from '../embed-folder';
import { evaluateAnalogies } from '../compare/analogy';
import { evaluateWordSimilarity } from '../compare/word-similarity';
import { queryIndex } from '../query';
import { saveVectors } from '../static/formats';
import { resolveVectors } from '../static/pretrained';
import { trainGloVe } from '../static/glove/train';
import { trainWord2Vec } from '../static/word2vec/train';
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

export const STEP_KINDS: Record<string, StepKind> = {
  embed: {
    describe: 'Embed files and folders (ctxembed embed)',
    params: {
      paths,
      model: modelParam,
      levels: { type: 'array', items: { enum: LEVELS }, minItems: 1 },
      format: { enum: OUTPUT_FORMATS },
      include: { type: 'array', items: str },
      exclude: { type: 'array', items: str },
      ...poolingParams,
    },
    required: ['paths', 'model'],
    outputs: ['index'],
    async run(p, ctx) {
      const model = await loadContextualModel({ model: p.model });
      try {
        const out = path.join(ctx.dir, 'index');
        const { paths, model: _model, ...options } = p;
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
    async run(p, ctx) {
      const { corpus, ...options } = p;
      const result = await trainWord2Vec(corpus, options);
      const file = path.join(ctx.dir, 'vectors.vec');
      saveVectors(result.vectors, file);
      return { outputs: { vectors: file } };
    },
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
    async run(p, ctx) {
      const { corpus, ...options } = p;
      const result = await trainGloVe(corpus, options);
      const file = path.join(ctx.dir, 'vectors.vec');
      saveVectors(result.vectors, file);
      return { outputs: { vectors: file } };
    },
  },
  eval: {
    describe: 'Word similarity and analogies of vectors (ctxembed eval)',
    params: {
      vectors: { type: 'array', items: str, minItems: 1 },
      wordsim: paths,
      analogy: pathParam,
    },
    required: ['vectors'],
    gather: ['vectors'],
    outputs: ['scores'],
    async run(p, ctx) {
      const results: ResultRow[] = [];
      for (const name of p.vectors as string[]) {
        const kv = resolveVectors(name);
        for (const file of (p.wordsim as string[]) ?? []) {
          const r = evaluateWordSimilarity(kv, file);
          results.push({ vectors: name, dataset: path.basename(file), metric: 'spearman', value: r.spearman, pairs: r.pairs, oov: r.oov });
        }
        if (p.analogy) {
          const r = evaluateAnalogies(kv, p.analogy);
          results.push({ vectors: name, dataset: path.basename(p.analogy), metric: 'analogy', value: r.accuracy, pairs: r.total, oov: r.oov });
        }
      }
      const file = path.join(ctx.dir, 'scores.json');
      fs.writeFileSync(file, JSON.stringify(results, null, 1));
      return { outputs: { scores: file }, results };
    },
  },
  query: {
    describe: 'Nearest sentences or documents of an embedded folder (ctxembed query)',
    params: { index: str, text: str, k: int, level: { enum: ['sentence', 'document'] } },
    required: ['index', 'text'],
    outputs: ['hits'],
    async run(p, ctx) {
      const hits = await queryIndex(p.index, p.text, { k: p.k, level: p.level });
      const results = hits.map((h, i) => ({ query: p.text, rank: i + 1, score: h.score, source: h.row.source, start: h.row.start, end: h.row.end, text: h.row.text }));
      const file = path.join(ctx.dir, 'hits.json');
      fs.writeFileSync(file, JSON.stringify(results, null, 1));
      return { outputs: { hits: file }, results };
    },
  },
};

export type StepKindName = keyof typeof STEP_KINDS;
