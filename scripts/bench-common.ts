/**
 * Helpers shared by the benchmarks: generated bench models, a clock, the Transformers.js
 * feature-extraction pipeline on a local folder, and a meter of onnxruntime's own run time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { env, pipeline } from '@huggingface/transformers';
import type { InferenceSession } from 'onnxruntime-node';
import type { ContextualModel } from '../src/contextual/model';
import { FIXTURE_DEFAULTS, makeFixtureModel } from './make-fixture-model';

export const ROOT = path.resolve(__dirname, '..');

/** Seconds, monotonic. */
export const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Replaces `obj[name]` (a module export or a method) with a version that adds its time (until it resolves) to `into[label]`. */
export function timeCalls(obj: any, name: string, into: Record<string, number>, label: string): void {
  const fn = obj[name];
  into[label] ??= 0;
  obj[name] = function (this: unknown, ...args: unknown[]) {
    const t = now();
    const counted = () => (into[label] += now() - t);
    let result;
    try {
      result = fn.apply(this, args);
    } catch (err) {
      counted();
      throw err;
    }
    if (result instanceof Promise) return result.finally(counted);
    counted();
    return result;
  };
}

/** Every row sink opened from now on adds the time of its calls to `into[label]` (module exports are read at call time by the compiled CommonJS). */
export function timeSinks(into: Record<string, number>, label: string): void {
  const writers = require('../src/store/writers');
  const openSink = writers.openSink;
  writers.openSink = async (...args: unknown[]) => {
    const sink = await openSink(...args);
    for (const m of ['write', 'endFile', 'commit', 'close']) timeCalls(sink, m, into, label);
    return sink;
  };
}

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

/**
 * bert-base-sized PyTorch exports (scripts/make-hub-fixtures.py --size base), generated once into
 * .cache/bench-models/hub-base/<kind>-opset17: needs Debian's python3-torch and python3-onnx.
 */
export function ensureHubBenchModels(kinds: string[]): Record<string, string> {
  const root = path.join(ROOT, '.cache', 'bench-models', 'hub-base');
  const dirs = Object.fromEntries(kinds.map((k) => [k, path.join(root, `${k}-opset17`)]));
  const missing = kinds.filter((k) => !fs.existsSync(path.join(dirs[k], 'onnx', 'model_quantized.onnx')));
  if (missing.length > 0) {
    console.log(`exporting bert-base-sized ${missing.join(', ')} with PyTorch into ${root} ...`);
    const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'scripts', 'make-hub-fixtures.py'), '--size', 'base', '--kinds', ...missing, '--opsets', '17', '--no-reference', '--out', root], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/make-hub-fixtures.py failed: it needs /usr/bin/python3 with torch and onnx (Debian: python3-torch python3-onnx)');
  }
  return dirs;
}

/** Sentences of the first `files` State of the Union addresses in ../shared/docs, each short enough for one window. */
export function stateUnionSentences(model: ContextualModel, files: number, maxTokens = Infinity): { units: string[]; tokens: number; files: string[] } {
  const dir = path.join(ROOT, '..', 'shared', 'docs', 'state_union');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().slice(0, files);
  const seg = new Intl.Segmenter('en', { granularity: 'sentence' });
  const units: string[] = [];
  let tokens = 0;
  outer: for (const f of names) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const { segment } of seg.segment(text)) {
      const s = segment.replace(/\s+/g, ' ').trim();
      if (!s) continue;
      const n = model.tokenizer.tokenize(s).ids.length;
      if (n === 0) continue;
      if (n + 2 > model.maxLength) continue; // a pipeline would truncate; keep comparisons exact
      if (tokens + n > maxTokens) break outer;
      units.push(s);
      tokens += n;
    }
  }
  return { units, tokens, files: names };
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
