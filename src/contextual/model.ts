/**
 * Loads a BERT-family model, from a hub id or a local folder in the Hugging Face layout, through
 * Transformers.js (AutoTokenizer, AutoModel) on onnxruntime-node.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AutoConfig, AutoModel, AutoTokenizer, env, ModelFileNotFoundError } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { ModelLoadError } from '../errors';
import { EncoderShape, encoderShape } from './config';
import { BertEncoder } from './encoder';
import { findHiddenStates, GraphStructureError, HiddenStates } from './graph';
import { readOnnx, selectStates } from './session';
import { TokenizerJson, WordPieceTokenizer } from './tokenizer';

export const DEFAULT_MODEL = 'Xenova/bert-base-uncased';
export const DEFAULT_REVISION = 'main';
export const MODEL_DTYPES = ['fp32', 'q8'] as const;
export type ModelDtype = (typeof MODEL_DTYPES)[number];
const DTYPE_FILES: Record<ModelDtype, string> = { fp32: 'model.onnx', q8: 'model_quantized.onnx' };

export interface ModelOptions {
  /** Hub id (`Xenova/bert-base-uncased`) or a local folder with config.json, tokenizer.json, onnx/model.onnx. */
  model?: string;
  /** Hub revision: a branch, tag or commit (default `main`); ignored for a local folder. */
  revision?: string;
  dtype?: ModelDtype;
  /** Forbid the network: load from the cache only; also set by HF_HUB_OFFLINE=1. */
  offline?: boolean;
  cacheDir?: string;
  /** onnxruntime intra-op threads (default: every CPU Node sees). */
  threads?: number;
}

export interface ContextualModel {
  /** What the user named: a hub id, or the folder's absolute path. */
  id: string;
  /** The hub revision loaded (`main` unless asked otherwise); null for a local folder. */
  revision: string | null;
  local: boolean;
  /** Absolute path of the ONNX file that runs (for a hub model, its cached copy). */
  onnxPath: string;
  dtype: ModelDtype;
  modelType: string;
  tokenizer: WordPieceTokenizer;
  encoder: BertEncoder;
  /** Longest sequence the model takes, special tokens included. */
  maxLength: number;
  hiddenSize: number;
  numLayers: number;
  /** Where the graph holds each hidden state (found by its structure when loaded). */
  states: HiddenStates;
  /** onnxruntime options the encoder's session was created with (reused when layers are exposed). */
  sessionOptions: InferenceSession.SessionOptions;
  dispose(): Promise<void>;
}

function isOffline(options: ModelOptions): boolean {
  return options.offline === true || ['1', 'true', 'yes'].includes((process.env.HF_HUB_OFFLINE ?? '').toLowerCase());
}

function looksLikePath(model: string): boolean {
  return path.isAbsolute(model) || model.startsWith('.') || model.startsWith('~') || fs.existsSync(model);
}

function checkLocalFolder(dir: string, dtype: ModelDtype): string {
  if (!fs.existsSync(dir)) throw new ModelLoadError(`model folder ${dir} does not exist: pass a folder with config.json, tokenizer.json and onnx/model.onnx, or a hub id such as ${DEFAULT_MODEL}`);
  if (!fs.statSync(dir).isDirectory()) throw new ModelLoadError(`model ${dir} is a file, not a folder: pass the folder that holds config.json, tokenizer.json and onnx/`);
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, file))) throw new ModelLoadError(`model folder ${dir} has no ${file} (the Hugging Face layout: config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)`);
  }
  const onnxDir = path.join(dir, 'onnx');
  if (!fs.existsSync(onnxDir)) throw new ModelLoadError(`model folder ${dir} has no onnx/ folder: export the model to ONNX (e.g. with Optimum) into ${onnxDir}`);
  const file = path.join(onnxDir, DTYPE_FILES[dtype]);
  if (!fs.existsSync(file)) {
    const present = fs.readdirSync(onnxDir).filter((f) => f.endsWith('.onnx'));
    const make = dtype === 'q8' ? `: make it with ctxembed quantize --model ${dir}` : '';
    throw new ModelLoadError(`model folder ${dir} has no onnx/${DTYPE_FILES[dtype]} for --dtype ${dtype} (present: ${present.join(', ') || 'none'})${make}`);
  }
  return file;
}

/** Where Transformers.js' file cache keeps a hub file: `<cache>/<id>/<file>` for main, `<cache>/<id>/<revision>/<file>` otherwise. */
function cachedPath(cacheDir: string, id: string, revision: string, file: string): string {
  return revision === DEFAULT_REVISION ? path.join(cacheDir, id, file) : path.join(cacheDir, id, revision, file);
}

interface Source {
  id: string;
  dtype: ModelDtype;
  revision: string | null;
  local: boolean;
  offline: boolean;
  cacheDir: string;
}

/** One line on what failed and what to do, from whatever Transformers.js threw. */
function describeLoadFailure(err: unknown, src: Source): ModelLoadError {
  const raw = String((err as Error)?.message ?? err).split('\n')[0];
  if (src.local) return new ModelLoadError(`could not load model from ${src.id}: ${raw}`);
  const name = `model ${src.id}${src.revision === DEFAULT_REVISION ? '' : ` (revision ${src.revision})`}`;
  if (err instanceof ModelFileNotFoundError && src.offline) {
    return new ModelLoadError(`${name} is not in the cache ${src.cacheDir} and the network is off (--offline or HF_HUB_OFFLINE=1): download it once on a networked machine, or pass a local folder with --model DIR (${raw})`);
  }
  if (err instanceof ModelFileNotFoundError && src.dtype === 'q8' && raw.includes(DTYPE_FILES.q8)) {
    return new ModelLoadError(`${name} has no onnx/${DTYPE_FILES.q8} on the Hub (${raw}): download the model's folder and make one with ctxembed quantize --model DIR`);
  }
  if (err instanceof ModelFileNotFoundError) {
    return new ModelLoadError(`${name} was not found on the Hugging Face Hub (${raw}): check the id and --revision, or pass a local folder with --model DIR`);
  }
  return new ModelLoadError(`could not load ${name}: ${raw}`);
}

/** Our WordPiece tokenizer over the model's tokenizer.json (refused unless WordPiece), and the longest sequence it allows. */
function wordPieceTokenizer(hfTokenizer: any, shape: EncoderShape, id: string): { tokenizer: WordPieceTokenizer; maxLength: number } {
  const tokenizerJson = hfTokenizer._tokenizerJSON as TokenizerJson | undefined;
  if (!tokenizerJson) throw new ModelLoadError(`${id}: this version of Transformers.js does not expose tokenizer.json; ctxembed needs it to align tokens`);
  const tc = hfTokenizer._tokenizerConfig ?? {};
  const tokenizer = new WordPieceTokenizer(tokenizerJson, { cls: tc.cls_token ?? '[CLS]', sep: tc.sep_token ?? '[SEP]', pad: tc.pad_token ?? '[PAD]' }, id);
  const modelMax = Number(tc.model_max_length);
  const maxLength = Number.isFinite(modelMax) && modelMax > 0 && modelMax < shape.maxPositions ? modelMax : shape.maxPositions;
  return { tokenizer, maxLength };
}

/**
 * Reads the ONNX graph and finds its hidden states; a graph that is no BERT-family encoder is a ModelLoadError.
 * The decoded proto comes back too, so that the load's selectStates need not decode the file again.
 */
function analyzeGraph(onnxPath: string, numLayers: number, id: string): { states: HiddenStates; proto: onnx.ModelProto } {
  try {
    const proto = readOnnx(onnxPath);
    return { states: findHiddenStates(proto.graph!, numLayers), proto };
  } catch (err) {
    if (err instanceof GraphStructureError) throw new ModelLoadError(`${id}: ${err.message}`);
    throw new ModelLoadError(`${id}: cannot read ${onnxPath} as an ONNX model (${(err as Error).message})`);
  }
}

export async function loadContextualModel(options: ModelOptions = {}): Promise<ContextualModel> {
  const requested = options.model ?? DEFAULT_MODEL;
  const dtype = options.dtype ?? 'fp32';
  if (!(dtype in DTYPE_FILES)) throw new ModelLoadError(`--dtype must be fp32 or q8, got ${dtype}`);
  const offline = isOffline(options);
  const local = looksLikePath(requested);
  const id = local ? path.resolve(requested.replace(/^~(?=$|\/)/, process.env.HOME ?? '~')) : requested;
  const revision = local ? null : options.revision ?? DEFAULT_REVISION;
  // A local folder is checked before anything is loaded; its ONNX file is the one that runs.
  const localOnnx = local ? checkLocalFolder(id, dtype) : null;
  if (local) {
    // Transformers.js reads a path that is no hub id (owner/name) as a path; an absolute one never is.
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new ModelLoadError(`--model ${id} is neither an existing folder nor a hub id (owner/name)`);
    // Offline, Transformers.js reads its cache only when local files are allowed and local_files_only is set
    // (refusing remote models outright is refused as "both local and remote models are disabled").
    env.allowLocalModels = offline;
    env.allowRemoteModels = true;
  }
  if (options.cacheDir) env.cacheDir = path.resolve(options.cacheDir);
  const src: Source = { id, dtype, revision, local, offline, cacheDir: env.cacheDir ?? '(Transformers.js default cache)' };
  const hub = local ? {} : { revision: revision!, local_files_only: offline };

  // onnxruntime's own default counts physical cores, one on a 2-vCPU machine: half the throughput.
  // Memory patterns are cached per input shape, and batch shapes change every run: off.
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    enableMemPattern: false,
  };
  let shape: EncoderShape;
  let tokenizer: WordPieceTokenizer;
  let maxLength: number;
  let hfModel: any;
  try {
    // The config and tokenizer first: an unsupported model is refused before its weights are fetched.
    const config = await AutoConfig.from_pretrained(id, hub);
    shape = encoderShape(config as unknown as Record<string, unknown>, id);
    ({ tokenizer, maxLength } = wordPieceTokenizer(await AutoTokenizer.from_pretrained(id, hub), shape, id));
    // The config loaded above, so that Transformers.js does not read config.json again.
    hfModel = await AutoModel.from_pretrained(id, { ...hub, config, dtype, device: 'cpu', session_options: sessionOptions } as any);
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    throw describeLoadFailure(err, src);
  }
  const onnxPath = localOnnx ?? cachedPath(env.cacheDir ?? '', id, revision!, path.join('onnx', DTYPE_FILES[dtype]));
  const session: InferenceSession | undefined = hfModel.sessions?.model;
  if (!session) throw new ModelLoadError(`${id}: Transformers.js created no encoder session for this model`);
  if (localOnnx === null && !fs.existsSync(onnxPath)) {
    await session.release();
    throw new ModelLoadError(`${id}: the ONNX file Transformers.js loaded is not at ${onnxPath}; ctxembed reads the graph from Transformers.js' file cache (set --cache-dir, not a custom cache)`);
  }
  let states: HiddenStates;
  let proto: onnx.ModelProto;
  try {
    ({ states, proto } = analyzeGraph(onnxPath, shape.numLayers, id));
  } catch (err) {
    await session.release();
    throw err;
  }

  const encoder = new BertEncoder(session, tokenizer.padId, id);
  const model: ContextualModel = {
    id,
    revision,
    local,
    onnxPath,
    dtype,
    modelType: shape.modelType,
    tokenizer,
    encoder,
    maxLength,
    hiddenSize: shape.hiddenSize,
    numLayers: shape.numLayers,
    states,
    sessionOptions,
    // The encoder's session is the model's only resource (layer exposure may have replaced Transformers.js' own).
    dispose: () => encoder.session.release(),
  };
  // The last layer by default; a head export (fill-mask) is cut down to the encoder here, from the
  // proto already decoded (which is not kept: the model holds no reference to it).
  await selectStates(model, [shape.numLayers], proto);
  return model;
}
