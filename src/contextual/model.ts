/**
 * Loads a BERT-family model, from a hub id or a local folder in the Hugging Face layout, through
 * Transformers.js (AutoTokenizer, AutoModel) on onnxruntime-node.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelLoadError } from '../errors';
import { BertEncoder } from './encoder';
import { TokenizerJson, WordPieceTokenizer } from './tokenizer';

export const DEFAULT_MODEL = 'Xenova/bert-base-uncased';
export type ModelDtype = 'fp32' | 'q8';
const DTYPE_FILES: Record<ModelDtype, string> = { fp32: 'model.onnx', q8: 'model_quantized.onnx' };

export interface ModelOptions {
  /** Hub id (`Xenova/bert-base-uncased`) or a local folder with config.json, tokenizer.json, onnx/model.onnx. */
  model?: string;
  dtype?: ModelDtype;
  /** Forbid the network; also set by HF_HUB_OFFLINE=1. */
  offline?: boolean;
  cacheDir?: string;
  /** onnxruntime intra-op threads (default: every CPU Node sees). */
  threads?: number;
}

export interface ContextualModel {
  /** What the user named: a hub id, or the folder's absolute path. */
  id: string;
  local: boolean;
  /** Absolute path of the ONNX file that runs (for a hub model, its cached copy). */
  onnxPath: string | null;
  dtype: ModelDtype;
  tokenizer: WordPieceTokenizer;
  encoder: BertEncoder;
  /** Longest sequence the model takes, special tokens included. */
  maxLength: number;
  hiddenSize: number;
  numLayers: number;
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
    throw new ModelLoadError(`model folder ${dir} has no onnx/${DTYPE_FILES[dtype]} for --dtype ${dtype}; present: ${present.join(', ') || 'none'}`);
  }
  return file;
}

/** One line on what was tried and what to do, from whatever Transformers.js or onnxruntime threw. */
function describeLoadFailure(err: unknown, model: string, local: boolean, offline: boolean, cacheDir: string): ModelLoadError {
  const raw = String((err as Error)?.message ?? err).split('\n')[0];
  if (local) return new ModelLoadError(`could not load model from ${model}: ${raw}`);
  if (offline) {
    return new ModelLoadError(`model ${model} is not in the cache (${cacheDir}) and the network is off (--offline or HF_HUB_OFFLINE=1): download it once on a networked machine, or pass a local folder with --model DIR`);
  }
  return new ModelLoadError(`could not load model ${model} from the Hugging Face Hub (${raw}): check the network or the id, or pass a local folder with --model DIR`);
}

export async function loadContextualModel(options: ModelOptions = {}): Promise<ContextualModel> {
  const requested = options.model ?? DEFAULT_MODEL;
  const dtype = options.dtype ?? 'fp32';
  if (!(dtype in DTYPE_FILES)) throw new ModelLoadError(`--dtype must be fp32 or q8, got ${dtype}`);
  const offline = isOffline(options);
  const local = looksLikePath(requested);
  const id = local ? path.resolve(requested.replace(/^~(?=$|\/)/, process.env.HOME ?? '~')) : requested;
  let onnxPath: string | null = null;
  if (local) {
    onnxPath = checkLocalFolder(id, dtype);
    // Transformers.js reads a path that is no hub id (owner/name) as a path; an absolute one never is.
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw new ModelLoadError(`--model ${id} is neither an existing folder nor a hub id (owner/name)`);
    env.allowLocalModels = false;
    env.allowRemoteModels = !offline;
  }
  if (options.cacheDir) env.cacheDir = path.resolve(options.cacheDir);
  const cacheDir = env.cacheDir ?? '(Transformers.js default cache)';

  // onnxruntime's own default counts physical cores, one on a 2-vCPU machine: half the throughput.
  // Memory patterns are cached per input shape, and batch shapes change every run: off.
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    enableMemPattern: false,
  };
  let hfTokenizer: any;
  let hfModel: any;
  try {
    hfTokenizer = await AutoTokenizer.from_pretrained(id);
    hfModel = await AutoModel.from_pretrained(id, { dtype, device: 'cpu', session_options: sessionOptions } as any);
  } catch (err) {
    throw describeLoadFailure(err, id, local, offline, cacheDir);
  }
  if (!local) onnxPath = path.join(env.cacheDir ?? '', id, 'onnx', DTYPE_FILES[dtype]);

  const config = hfModel.config ?? {};
  const tokenizerJson = hfTokenizer._tokenizerJSON as TokenizerJson | undefined;
  if (!tokenizerJson) throw new ModelLoadError(`${id}: this version of Transformers.js does not expose tokenizer.json; ctxembed needs it to align tokens`);
  const tc = hfTokenizer._tokenizerConfig ?? {};
  const tokenizer = new WordPieceTokenizer(
    tokenizerJson,
    { cls: tc.cls_token ?? '[CLS]', sep: tc.sep_token ?? '[SEP]', pad: tc.pad_token ?? '[PAD]' },
    id,
  );
  const session = hfModel.sessions?.model;
  if (!session) throw new ModelLoadError(`${id}: Transformers.js created no encoder session for this model`);
  const modelMax = Number(tc.model_max_length);
  const positions = Number(config.max_position_embeddings ?? 512);
  const maxLength = Number.isFinite(modelMax) && modelMax > 0 && modelMax < positions ? modelMax : positions;
  const encoder = new BertEncoder(session, tokenizer.padId, id);
  return {
    id,
    local,
    onnxPath,
    dtype,
    tokenizer,
    encoder,
    maxLength,
    hiddenSize: Number(config.hidden_size),
    numLayers: Number(config.num_hidden_layers),
    sessionOptions,
    // The encoder's session is the model's only resource (layer exposure may have replaced Transformers.js' own).
    dispose: () => encoder.session.release(),
  };
}
