/** Option groups shared by several commands. */
import type { Argv } from 'yargs';
import { ContextualOptions, DEFAULT_BATCH_TOKENS } from '../contextual/contextualize';
import { DEFAULT_MODEL, DEFAULT_REVISION, MODEL_DTYPES, ModelDtype, ModelOptions } from '../contextual/model';
import { PoolingOptions } from '../embed';
import { LAYER_AGGREGATIONS, LayerAggregation } from '../pooling/layers';
import { SEQUENCE_POOLINGS, SequencePooling } from '../pooling/sequence';
import { WORD_POOLINGS, WordPooling } from '../pooling/words';

export function withModelOptions<T>(y: Argv<T>) {
  return y
    .option('model', { type: 'string', default: DEFAULT_MODEL, describe: 'Hub id or local folder (config.json, tokenizer.json, onnx/model.onnx)' })
    .option('revision', { type: 'string', default: DEFAULT_REVISION, describe: 'Hub revision: branch, tag or commit (ignored for a local folder)' })
    .option('dtype', { choices: MODEL_DTYPES, default: 'fp32' as ModelDtype, describe: 'Which ONNX file: onnx/model.onnx (fp32) or onnx/model_quantized.onnx (q8)' })
    .option('offline', { type: 'boolean', default: false, describe: 'Never use the network (also HF_HUB_OFFLINE=1)' })
    .option('cache-dir', { type: 'string', describe: 'Where downloaded models are cached (Transformers.js cache by default)' })
    .option('threads', { type: 'number', describe: 'onnxruntime threads (default: every CPU)' });
}

export function withWindowOptions<T>(y: Argv<T>) {
  return y
    .option('max-length', { type: 'number', describe: "Longest window in tokens, [CLS] and [SEP] included (default: the model's maximum)" })
    .option('stride', { type: 'number', describe: 'Tokens shared by consecutive windows of a long text (default: a quarter of a window)' })
    .option('batch-tokens', { type: 'number', default: DEFAULT_BATCH_TOKENS, describe: 'Most tokens, padding included, in one model batch' });
}

export function modelOptionsFrom(argv: { model: string; revision?: string; dtype: ModelDtype; offline: boolean; cacheDir?: string; threads?: number }): ModelOptions {
  return { model: argv.model, revision: argv.revision, dtype: argv.dtype, offline: argv.offline, cacheDir: argv.cacheDir, threads: argv.threads };
}

export function windowOptionsFrom(argv: { maxLength?: number; stride?: number; batchTokens?: number }): ContextualOptions {
  return { maxLength: argv.maxLength, stride: argv.stride, batchTokens: argv.batchTokens };
}

export function withPoolingOptions<T>(y: Argv<T>) {
  return y
    .option('word-pooling', { choices: WORD_POOLINGS, default: 'mean' as WordPooling, describe: "Subword pieces to a word's vector" })
    .option('sentence-pooling', { choices: SEQUENCE_POOLINGS, default: 'mean' as SequencePooling, describe: 'Tokens to a sentence or document vector' })
    // nargs: 1 takes the next argument as the value even when it begins with '-' (--layers -4,-3,-2,-1).
    .option('layers', { type: 'string', nargs: 1, default: '-1', describe: "Hidden states to use: -1 (last), a list such as -4,-3,-2,-1, or 'all' (0 is the embeddings)" })
    .option('layer-agg', { choices: LAYER_AGGREGATIONS, default: 'mean' as LayerAggregation, describe: 'How several layers combine' })
    .option('normalize', { type: 'boolean', default: false, describe: 'L2-normalize every vector' });
}

export function poolingOptionsFrom(argv: { wordPooling?: WordPooling; sentencePooling?: SequencePooling; layers?: string; layerAgg?: LayerAggregation; normalize?: boolean }): PoolingOptions {
  return { wordPooling: argv.wordPooling, sentencePooling: argv.sentencePooling, layers: argv.layers, layerAgg: argv.layerAgg, normalize: argv.normalize };
}
