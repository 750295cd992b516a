/**
 * Encoder throughput: ctxembed's contextual stage (length-bucketed batches under a token budget)
 * against Transformers.js `pipeline('feature-extraction')` in fixed batches of 8 sentences, and
 * raw onnxruntime-node on full unpadded 64 x 32 batches (the ceiling), on the same sentences.
 *
 *   npx ts-node --transpile-only scripts/bench-encode.ts [--model DIR] [--files 3] [--max-tokens N]
 *     [--batch-tokens 2048,8192] [--threads N]
 *
 * Without --model, a bert-base-sized fixture is generated once into .cache/bench-models/base.
 * Tokens counted are the texts' tokens ([CLS]/[SEP] and padding excluded); for the raw ceiling,
 * every position of the 64 x 32 batch.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { planBatches } from '../src/contextual/batching';
import { contextualize, TokenStates } from '../src/contextual/contextualize';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { ensureBenchModel, loadFeatureExtractor, now, stateUnionSentences } from './bench-common';

interface Args {
  model: string | null;
  files: number;
  maxTokens: number;
  batchTokens: number[];
  threads: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { model: null, files: 3, maxTokens: Infinity, batchTokens: [2048, 8192], threads: undefined };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--model': a.model = v; i++; break;
      case '--files': a.files = Number(v); i++; break;
      case '--max-tokens': a.maxTokens = Number(v); i++; break;
      case '--batch-tokens': a.batchTokens = v.split(',').map(Number); i++; break;
      case '--threads': a.threads = Number(v); i++; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

function benchModel(args: Args): string {
  return args.model ? path.resolve(args.model) : ensureBenchModel('base');
}

async function runOurs(model: ContextualModel, units: string[], batchTokens: number): Promise<{ seconds: number; states: TokenStates[] }> {
  // warm-up
  for await (const _ of contextualize(units.slice(0, 4), (s) => s, model, { batchTokens })) void _;
  const t0 = now();
  const states: TokenStates[] = [];
  for await (const { states: s } of contextualize(units, (s) => s, model, { batchTokens })) states.push(s);
  return { seconds: now() - t0, states };
}

function padding(model: ContextualModel, units: string[], batchTokens: number): { ratio: number; batches: number } {
  // Generations of 8 x batchTokens, as contextualize forms them (no sentence here needs windows).
  const lengths = units.map((u) => model.tokenizer.tokenize(u).ids.length + 2);
  let real = 0;
  let padded = 0;
  let batches = 0;
  for (let i = 0; i < lengths.length; ) {
    const gen: number[] = [];
    let sum = 0;
    while (i < lengths.length && sum < batchTokens * 8) {
      gen.push(lengths[i]);
      sum += lengths[i++];
    }
    for (const b of planBatches(gen, batchTokens)) {
      const width = Math.max(...b.map((j) => gen[j]));
      padded += width * b.length;
      real += b.reduce((s, j) => s + gen[j], 0);
      batches++;
    }
  }
  return { ratio: padded / real, batches };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = benchModel(args);
  const model = await loadContextualModel({ model: dir, threads: args.threads });
  const { units, tokens, files } = stateUnionSentences(model, args.files, args.maxTokens);
  console.log(`model ${dir} (hidden ${model.hiddenSize}, ${model.numLayers} layers); ${files.join(', ')}: ${units.length} sentences, ${tokens} tokens`);

  const t0 = now();
  for (const u of units) model.tokenizer.tokenize(u);
  const tokenizeSeconds = now() - t0;

  const rows: { name: string; tokens: number; seconds: number; note?: string }[] = [];
  let ourStates: TokenStates[] = [];
  for (const bt of args.batchTokens) {
    const r = await runOurs(model, units, bt);
    const p = padding(model, units, bt);
    rows.push({ name: `ours, --batch-tokens ${bt}`, tokens, seconds: r.seconds, note: `${p.batches} batches, padded/real ${p.ratio.toFixed(3)}` });
    ourStates = r.states;
    console.log(`  ${rows[rows.length - 1].name}: ${(tokens / r.seconds).toFixed(0)} tokens/s`);
  }
  await model.dispose();

  // ORT threads: the same, with intraOpNumThreads 2.
  if (args.threads === undefined) {
    const m2 = await loadContextualModel({ model: dir, threads: 2 });
    const bt = args.batchTokens[0];
    const r = await runOurs(m2, units, bt);
    rows.push({ name: `ours, --batch-tokens ${bt}, intraOp 2`, tokens, seconds: r.seconds });
    console.log(`  ${rows[rows.length - 1].name}: ${(tokens / r.seconds).toFixed(0)} tokens/s`);
    await m2.dispose();
  }

  // Transformers.js pipeline, fixed batches of 8 sentences.
  const extractor: any = await loadFeatureExtractor(dir);
  await extractor(units.slice(0, 8), { pooling: 'none' });
  const t1 = now();
  let maxDiff = 0;
  let compared = 0;
  for (let i = 0; i < units.length; i += 8) {
    const batch = units.slice(i, i + 8);
    const out = await extractor(batch, { pooling: 'none' });
    const [, width, d] = out.dims as number[];
    const data = out.data as Float32Array;
    if (i < 200) {
      batch.forEach((_, b) => {
        const ours = ourStates[i + b];
        const n = ours.tokens.ids.length;
        for (let k = 0; k < n * d; k++) {
          const diff = Math.abs(ours.layers[0][k] - data[(b * width + 1) * d + k]);
          if (diff > maxDiff || Number.isNaN(diff)) maxDiff = diff;
        }
        compared++;
      });
    }
  }
  const pipeSeconds = now() - t1;
  rows.push({ name: 'Transformers.js pipeline, batches of 8', tokens, seconds: pipeSeconds });
  console.log(`  ${rows[rows.length - 1].name}: ${(tokens / pipeSeconds).toFixed(0)} tokens/s`);
  await extractor.dispose();

  // Raw onnxruntime-node: full 64 x 32 batches, no padding.
  const onnxPath = path.join(dir, 'onnx', 'model.onnx');
  const rawRuns: [string, InferenceSession.SessionOptions][] = [['default threads', {}], ['intraOp 2', { intraOpNumThreads: 2, interOpNumThreads: 1 }]];
  for (const [label, opts] of rawRuns) {
    const session = await InferenceSession.create(onnxPath, opts);
    const B = 64;
    const S = 32;
    const ids = new BigInt64Array(B * S);
    let seed = 1;
    for (let i = 0; i < ids.length; i++) ids[i] = BigInt(1000 + ((seed = (seed * 16807) % 2147483647) % 28000));
    for (let b = 0; b < B; b++) {
      ids[b * S] = 101n;
      ids[b * S + S - 1] = 102n;
    }
    const feeds = {
      input_ids: new Tensor('int64', ids, [B, S]),
      attention_mask: new Tensor('int64', new BigInt64Array(B * S).fill(1n), [B, S]),
      token_type_ids: new Tensor('int64', new BigInt64Array(B * S), [B, S]),
    };
    await session.run(feeds);
    const reps = Math.max(2, Math.min(10, Math.ceil(tokens / (B * S) / 3)));
    const t2 = now();
    for (let r = 0; r < reps; r++) await session.run(feeds);
    const s = now() - t2;
    rows.push({ name: `raw onnxruntime 64x32, ${label}`, tokens: reps * B * S, seconds: s });
    console.log(`  ${rows[rows.length - 1].name}: ${((reps * B * S) / s).toFixed(0)} tokens/s`);
    await session.release();
  }

  const naive = rows.find((r) => r.name.startsWith('Transformers.js'))!;
  const ceiling = rows.find((r) => r.name.startsWith('raw') && r.name.includes('default'))!;
  const rate = (r: { tokens: number; seconds: number }) => r.tokens / r.seconds;
  console.log('');
  console.log(`| run | tokens | seconds | tokens/s | vs pipeline | vs ceiling | notes |`);
  console.log(`|---|---:|---:|---:|---:|---:|---|`);
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.tokens} | ${r.seconds.toFixed(1)} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(naive)).toFixed(2)}x | ${(rate(r) / rate(ceiling)).toFixed(2)}x | ${r.note ?? ''} |`);
  }
  console.log('');
  console.log(`tokenization (ours, all sentences): ${tokenizeSeconds.toFixed(2)} s = ${((tokenizeSeconds / rows[0].seconds) * 100).toFixed(1)}% of the first run`);
  console.log(`agreement: ours vs pipeline (unpooled, ${compared} sentences): max |diff| ${maxDiff.toExponential(2)}`);
  console.log('targets: ours >= 1.5x the pipeline, and >= 0.9x the raw ceiling');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
