/**
 * Writes a real BERT encoder (seeded random weights) in the Hugging Face folder layout that
 * Transformers.js loads: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx.
 *
 *   npm run make-fixture-model -- --out DIR [--hidden 32] [--layers 2] [--heads 2]
 *     [--intermediate 64] [--vocab bert-base-uncased|small] [--seed 1] [--all-layers]
 *
 * Node and tensor names follow Optimum's BERT export (`/encoder/layer.0/output/LayerNorm/...`)
 * so code that finds layer outputs in hub models works on these fixtures too.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { seededRandom } from '../src/random';
import { buildVocabulary, VocabKind, writeTokenizerFiles } from './fixture-tokenizer';

export interface FixtureModelOptions {
  out: string;
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  vocab: VocabKind;
  seed: number;
  allLayers: boolean;
  maxPosition: number;
}

export const FIXTURE_DEFAULTS: Omit<FixtureModelOptions, 'out'> = {
  hidden: 32,
  layers: 2,
  heads: 2,
  intermediate: 64,
  vocab: 'bert-base-uncased',
  seed: 1,
  allLayers: false,
  maxPosition: 512,
};

const LAYER_NORM_EPS = 1e-12;
/** Added to the attention scores of padding positions, as BERT exports do. */
export const ATTENTION_MASK_VALUE = -3.4028234663852886e38;

function makeNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  constructor(readonly normal: () => number) {}

  tensor(name: string, dims: number[], values: Float32Array | BigInt64Array): string {
    const isFloat = values instanceof Float32Array;
    this.initializers.push({
      name,
      dims,
      dataType: isFloat ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  random(name: string, dims: number[], std: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = this.normal() * std;
    return this.tensor(name, dims, values);
  }

  constant(name: string, dims: number[], value: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.tensor(name, dims, new Float32Array(n).fill(value));
  }

  ints(name: string, values: number[]): string {
    return this.tensor(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node named `name` (Optimum style) whose single output is `${name}_output_0`. */
  node(opType: string, name: string, inputs: string[], attributes: onnx.IAttributeProto[] = []): string {
    const output = `${name}_output_0`;
    this.nodes.push({ opType, name, input: inputs, output: [output], attribute: attributes });
    return output;
  }
}

const intAttr = (name: string, i: number): onnx.IAttributeProto => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });
const floatAttr = (name: string, f: number): onnx.IAttributeProto => ({ name, f, type: onnx.AttributeProto.AttributeType.FLOAT });
const intsAttr = (name: string, ints: number[]): onnx.IAttributeProto => ({ name, ints, type: onnx.AttributeProto.AttributeType.INTS });

function linear(g: GraphBuilder, scope: string, param: string, x: string, inDim: number, outDim: number, std: number): string {
  // Optimum exports nn.Linear as MatMul with the transposed weight, then Add of the bias.
  const w = g.random(`${param}.weight_T`, [inDim, outDim], std);
  const b = g.random(`${param}.bias`, [outDim], std);
  const y = g.node('MatMul', `${scope}/MatMul`, [x, w]);
  return g.node('Add', `${scope}/Add`, [y, b]);
}

function layerNorm(g: GraphBuilder, scope: string, param: string, x: string, hidden: number): string {
  const gamma = g.tensor(`${param}.weight`, [hidden], Float32Array.from({ length: hidden }, () => 1 + 0.1 * g.normal()));
  const beta = g.random(`${param}.bias`, [hidden], 0.1);
  return g.node('LayerNormalization', `${scope}/LayerNormalization`, [x, gamma, beta], [intAttr('axis', -1), floatAttr('epsilon', LAYER_NORM_EPS)]);
}

export function buildBertGraph(options: Omit<FixtureModelOptions, 'out'>, vocabSize: number): onnx.IModelProto {
  const { hidden, layers, heads, intermediate, seed, maxPosition } = options;
  if (hidden % heads !== 0) throw new Error(`--hidden ${hidden} is not a multiple of --heads ${heads}`);
  const headDim = hidden / heads;
  const std = 0.2; // larger than BERT's 0.02 so that attention, and thus context, visibly matters
  const g = new GraphBuilder(makeNormal(seed));

  const wordEmb = g.random('embeddings.word_embeddings.weight', [vocabSize, hidden], std);
  const posEmb = g.random('embeddings.position_embeddings.weight', [maxPosition, hidden], std);
  const typeEmb = g.random('embeddings.token_type_embeddings.weight', [2, hidden], std);

  const words = g.node('Gather', '/embeddings/word_embeddings/Gather', [wordEmb, 'input_ids']);
  const types = g.node('Gather', '/embeddings/token_type_embeddings/Gather', [typeEmb, 'token_type_ids']);
  const shape = g.node('Shape', '/embeddings/Shape', ['input_ids']);
  const seqLen = g.node('Gather', '/embeddings/Gather', [shape, g.ints('const_one_index', [1])]);
  const zero = g.tensor('const_zero', [], BigInt64Array.from([0n]));
  const one = g.tensor('const_one', [], BigInt64Array.from([1n]));
  const seqLenScalar = g.node('Squeeze', '/embeddings/Squeeze', [seqLen, g.ints('const_axes_0', [0])]);
  const positionIds = g.node('Range', '/embeddings/Range', [zero, seqLenScalar, one]);
  const positions = g.node('Gather', '/embeddings/position_embeddings/Gather', [posEmb, positionIds]);
  const sum1 = g.node('Add', '/embeddings/Add', [words, types]);
  const sum2 = g.node('Add', '/embeddings/Add_1', [sum1, positions]);
  let x = layerNorm(g, '/embeddings/LayerNorm', 'embeddings.LayerNorm', sum2, hidden);
  const hiddenStates = [x];

  // Additive mask [B, 1, 1, S]: 0 where attended, the most negative float where padded.
  const maskFloat = g.node('Cast', '/Cast', ['attention_mask'], [intAttr('to', onnx.TensorProto.DataType.FLOAT)]);
  const maskUnsq = g.node('Unsqueeze', '/Unsqueeze', [maskFloat, g.ints('const_axes_1_2', [1, 2])]);
  const inverted = g.node('Sub', '/Sub', [g.constant('const_one_f', [], 1), maskUnsq]);
  const additiveMask = g.node('Mul', '/Mul', [inverted, g.constant('const_mask_value', [], ATTENTION_MASK_VALUE)]);

  const splitShape = g.ints('const_split_heads_shape', [0, 0, heads, headDim]);
  const mergeShape = g.ints('const_merge_heads_shape', [0, 0, hidden]);
  const scale = g.constant('const_attention_scale', [], 1 / Math.sqrt(headDim));
  const sqrt2 = g.constant('const_sqrt2', [], Math.SQRT2);
  const half = g.constant('const_half', [], 0.5);
  const oneF = 'const_one_f';

  for (let l = 0; l < layers; l++) {
    const s = `/encoder/layer.${l}`;
    const p = `encoder.layer.${l}`;
    const heads4 = (name: string, perm: number[]) => {
      const proj = linear(g, `${s}/attention/self/${name}`, `${p}.attention.self.${name}`, x, hidden, hidden, std);
      const r = g.node('Reshape', `${s}/attention/self/${name}/Reshape`, [proj, splitShape]);
      return g.node('Transpose', `${s}/attention/self/${name}/Transpose`, [r], [intsAttr('perm', perm)]);
    };
    const q = heads4('query', [0, 2, 1, 3]);
    const k = heads4('key', [0, 2, 3, 1]);
    const v = heads4('value', [0, 2, 1, 3]);
    const scores = g.node('MatMul', `${s}/attention/self/MatMul`, [q, k]);
    const scaled = g.node('Mul', `${s}/attention/self/Mul`, [scores, scale]);
    const masked = g.node('Add', `${s}/attention/self/Add`, [scaled, additiveMask]);
    const probs = g.node('Softmax', `${s}/attention/self/Softmax`, [masked], [intAttr('axis', -1)]);
    const context = g.node('MatMul', `${s}/attention/self/MatMul_1`, [probs, v]);
    const contextT = g.node('Transpose', `${s}/attention/self/Transpose_3`, [context], [intsAttr('perm', [0, 2, 1, 3])]);
    const merged = g.node('Reshape', `${s}/attention/self/Reshape_3`, [contextT, mergeShape]);
    const attnOut = linear(g, `${s}/attention/output/dense`, `${p}.attention.output.dense`, merged, hidden, hidden, std);
    const attnRes = g.node('Add', `${s}/attention/output/Add`, [attnOut, x]);
    const attnNorm = layerNorm(g, `${s}/attention/output/LayerNorm`, `${p}.attention.output.LayerNorm`, attnRes, hidden);

    const inter = linear(g, `${s}/intermediate/dense`, `${p}.intermediate.dense`, attnNorm, hidden, intermediate, std);
    // Exact GELU: 0.5 * x * (1 + erf(x / sqrt(2)))
    const div = g.node('Div', `${s}/intermediate/intermediate_act_fn/Div`, [inter, sqrt2]);
    const erf = g.node('Erf', `${s}/intermediate/intermediate_act_fn/Erf`, [div]);
    const erf1 = g.node('Add', `${s}/intermediate/intermediate_act_fn/Add`, [erf, oneF]);
    const gx = g.node('Mul', `${s}/intermediate/intermediate_act_fn/Mul`, [inter, erf1]);
    const gelu = g.node('Mul', `${s}/intermediate/intermediate_act_fn/Mul_1`, [gx, half]);
    const out = linear(g, `${s}/output/dense`, `${p}.output.dense`, gelu, intermediate, hidden, std);
    const outRes = g.node('Add', `${s}/output/Add`, [out, attnNorm]);
    x = layerNorm(g, `${s}/output/LayerNorm`, `${p}.output.LayerNorm`, outRes, hidden);
    hiddenStates.push(x);
  }

  g.nodes.push({ opType: 'Identity', name: '/Identity_last_hidden_state', input: [x], output: ['last_hidden_state'] });
  const floatOutput = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }, { dimValue: hidden }] } } },
  });
  const outputs = [floatOutput('last_hidden_state')];
  if (options.allLayers) {
    hiddenStates.forEach((h, i) => {
      g.nodes.push({ opType: 'Identity', name: `/Identity_hidden_states_${i}`, input: [h], output: [`hidden_states.${i}`] });
      outputs.push(floatOutput(`hidden_states.${i}`));
    });
  }
  const intInput = (name: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } } },
  });

  return {
    irVersion: 8,
    producerName: 'ctxembed-make-fixture-model',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'bert',
      node: g.nodes,
      initializer: g.initializers,
      input: [intInput('input_ids'), intInput('attention_mask'), intInput('token_type_ids')],
      output: outputs,
    },
  };
}

export function makeFixtureModel(options: FixtureModelOptions): void {
  const vocab = buildVocabulary(options.vocab);
  const model = buildBertGraph(options, vocab.length);
  fs.mkdirSync(path.join(options.out, 'onnx'), { recursive: true });
  fs.writeFileSync(path.join(options.out, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: options.hidden,
    num_hidden_layers: options.layers,
    num_attention_heads: options.heads,
    intermediate_size: options.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: options.maxPosition,
    type_vocab_size: 2,
    vocab_size: vocab.length,
    layer_norm_eps: LAYER_NORM_EPS,
    pad_token_id: 0,
    ctxembed_fixture: { seed: options.seed, vocab: options.vocab, all_layers: options.allLayers },
  };
  fs.writeFileSync(path.join(options.out, 'config.json'), JSON.stringify(config, null, 2));
  writeTokenizerFiles(options.out, vocab, options.maxPosition);
}

function parseArgs(argv: string[]): FixtureModelOptions {
  const opts: any = { ...FIXTURE_DEFAULTS };
  const numeric = new Set(['hidden', 'layers', 'heads', 'intermediate', 'seed', 'max-position']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const key = arg.slice(2);
    if (key === 'all-layers') { opts.allLayers = true; continue; }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    if (numeric.has(key)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${arg} must be a positive integer, got ${value}`);
      opts[key === 'max-position' ? 'maxPosition' : key] = n;
    } else if (key === 'vocab') {
      if (value !== 'bert-base-uncased' && value !== 'small') throw new Error(`--vocab must be bert-base-uncased or small, got ${value}`);
      opts.vocab = value;
    } else if (key === 'out') {
      opts.out = value;
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  if (!opts.out) throw new Error('--out DIR is required');
  return opts;
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    makeFixtureModel(options);
    console.log(`wrote BERT fixture (${options.layers} layers, hidden ${options.hidden}, ${options.vocab} vocabulary) to ${options.out}`);
  } catch (err) {
    console.error(`make-fixture-model: ${(err as Error).message}`);
    process.exit(2);
  }
}
