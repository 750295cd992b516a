/**
 * `onnx/model_quantized.onnx` for a local model folder: its `onnx/model.onnx` quantized
 * (quantize.ts), checked to load in onnxruntime, written atomically — into the folder itself, or
 * into another folder that gets a copy of the model's other files, so it is a model of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InferenceSession } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import picomatch from 'picomatch';
import { InputError, ModelLoadError } from '../errors';
import { ensureWritableFolder, writeFileAtomic } from '../files';
import { QuantizeError, quantizeModel, QuantizeReport } from './quantize';

export const QUANTIZED_FILE = path.join('onnx', 'model_quantized.onnx');
const FP32_FILE = path.join('onnx', 'model.onnx');

export interface QuantizeFolderOptions {
  /** Write a complete model folder here instead of adding the file to the model's own folder. */
  out?: string;
  perChannel?: boolean;
  /** Globs of node names left in float32 (e.g. `/encoder/layer.11/**`). */
  exclude?: string[];
}

export interface QuantizedFolder extends QuantizeReport {
  file: string;
  fp32Bytes: number;
  q8Bytes: number;
}

function listFiles(dir: string, base = ''): string[] {
  return fs.readdirSync(path.join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(base, e.name);
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

export async function quantizeModelFolder(dir: string, options: QuantizeFolderOptions = {}): Promise<QuantizedFolder> {
  const source = path.join(dir, FP32_FILE);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ModelLoadError(`model folder ${dir} does not exist (ctxembed quantize takes a local folder with onnx/model.onnx)`);
  if (!fs.existsSync(source)) throw new ModelLoadError(`model folder ${dir} has no ${FP32_FILE} to quantize`);
  const out = options.out ?? dir;
  ensureWritableFolder(path.join(out, 'onnx'));

  const bytes = fs.readFileSync(source);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new InputError(`${source}: not an ONNX model (${(err as Error).message})`);
  }
  if ((model.graph?.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new InputError(`${source}: its weights are in external data files, which ctxembed quantize does not read`);
  }
  const exclude = options.exclude?.length ? picomatch(options.exclude, { dot: true }) : undefined;
  let report: QuantizeReport;
  try {
    report = quantizeModel(model, { perChannel: options.perChannel, exclude });
  } catch (err) {
    if (err instanceof QuantizeError) throw new InputError(`${source}: ${err.message}`);
    throw err;
  }
  const quantized = onnx.ModelProto.encode(model).finish();
  // Refuse to write a graph onnxruntime would not load.
  try {
    const session = await InferenceSession.create(quantized);
    await session.release();
  } catch (err) {
    throw new InputError(`${source}: the quantized graph does not load in onnxruntime (${String((err as Error).message).split('\n')[0]}); nothing was written`);
  }
  if (path.resolve(out) !== path.resolve(dir)) {
    for (const rel of listFiles(dir)) {
      if (rel === QUANTIZED_FILE) continue;
      writeFileAtomic(path.join(out, rel), fs.readFileSync(path.join(dir, rel)));
    }
  }
  const file = path.join(out, QUANTIZED_FILE);
  writeFileAtomic(file, quantized);
  return { ...report, file, fp32Bytes: bytes.length, q8Bytes: quantized.length };
}
