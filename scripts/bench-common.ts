/**
 * Helpers shared by the benchmarks: generated bench models, a clock, the Transformers.js
 * feature-extraction pipeline on a local folder, and a meter of onnxruntime's own run time.
 */
import * as fs from 'fs';
import * as path from 'path';
import { env, pipeline } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-node';
import { FIXTURE_DEFAULTS, makeFixtureModel } from './make-fixture-model';

export const ROOT = path.resolve(__dirname, '..');

/** Seconds, monotonic. */
export const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Generated fixture sizes the benchmarks use (folders under .cache/bench-models/). */
export const BENCH_MODELS = {
  /** bert-base dimensions. */
  base: { dir: 'base', hidden: 768, layers: 12, heads: 12, intermediate: 3072 },
  /** 4 layers, 256 wide: the throughput model. */
  small: { dir: 'h256-l4', hidden: 256, layers: 4, heads: 4, intermediate: 1024 },
} as const;

export type BenchModelSize = keyof typeof BENCH_MODELS;

/** The folder of a generated bench model, generating it once if absent. */
export function ensureBenchModel(size: BenchModelSize): string {
  const { dir: name, hidden, layers, heads, intermediate } = BENCH_MODELS[size];
  const dir = path.join(ROOT, '.cache', 'bench-models', name);
  if (!fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) {
    console.log(`generating a ${layers}-layer, ${hidden}-wide fixture into ${dir} ...`);
    makeFixtureModel({ ...FIXTURE_DEFAULTS, out: dir, hidden, layers, heads, intermediate });
  }
  return dir;
}

/** Transformers.js `pipeline('feature-extraction')` on a local model folder, fp32 on the CPU. */
export async function loadFeatureExtractor(dir: string, sessionOptions: InferenceSession.SessionOptions = {}): Promise<any> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  return pipeline('feature-extraction', dir, { dtype: 'fp32', device: 'cpu', session_options: sessionOptions } as any);
}

export interface OrtMeter {
  runs: number;
  /** Seconds spent inside onnxruntime's synchronous run. */
  seconds: number;
}

/**
 * Counts the time onnxruntime-node spends in `session.run`. Its handler runs the model
 * synchronously in a setImmediate callback; one registered just before it marks the start, and
 * the handler's promise settles right after, so other work that happens while the promise is
 * pending (tokenizing the next texts, say) is not counted.
 */
export function meterOrt(session: InferenceSession, meter: OrtMeter = { runs: 0, seconds: 0 }): OrtMeter {
  const handler = (session as any).handler;
  if (!handler || typeof handler.run !== 'function' || handler.__metered) return meter;
  const run = handler.run.bind(handler);
  handler.run = (...args: unknown[]) => {
    let start = 0;
    setImmediate(() => {
      start = now();
    });
    return run(...args).then((r: unknown) => {
      meter.seconds += now() - start;
      meter.runs++;
      return r;
    });
  };
  handler.__metered = true;
  return meter;
}
