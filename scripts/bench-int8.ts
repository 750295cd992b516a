/**
 * int8 against fp32, in one run:
 * - speed: the embed pipeline at sentence level over a slice of ../shared/docs on a
 *   bert-base-sized BertModel exported by PyTorch: fp32, our `ctxembed quantize` output (per
 *   tensor and per channel), the same graph with onnxruntime's fused com.microsoft
 *   DynamicQuantizeMatMul instead of DynamicQuantizeLinear + MatMulInteger, and the
 *   onnxruntime-named reference made by scripts/make-hub-fixtures.py; the documents go in chunks,
 *   each chunk through every model in turn (the order rotating), so all meet the same machine load;
 *   a chunk of 8 fills about one batch of the folder job's 4,096 tokens (int8 gains less on
 *   smaller batches);
 * - agreement: sentence vectors of ours vs the reference, and of int8 vs fp32 (cosine);
 * - fidelity on the PyTorch-export fixtures (fixtures/hub): cosine of int8 token and sentence
 *   vectors to PyTorch's fp32 states, every layer, per tensor and per channel;
 * - file sizes and quantization time;
 * - probe deltas: MR classification and hard word senses (../shared/eval), every layer, fp32 vs our
 *   q8 of the 4-layer 256-wide fixture (random weights: what quantization error alone does to a
 *   probe; `--no-probes` skips them).
 *
 *   npx ts-node --transpile-only scripts/bench-int8.ts [--docs 48] [--chunk 8] [--chars 2500] [--rounds 3] [--threads N] [--no-probes]
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { ContextualModel, loadContextualModel, ModelDtype } from '../src/contextual/model';
import { quantizeModelFolder, QUANTIZED_FILE } from '../src/contextual/quantize-folder';
import { embed, embedDocuments, prepareModel } from '../src/embed';
import { poolSequence } from '../src/pooling/sequence';
import { cosine } from '../src/static/keyed-vectors';
import { listSources } from '../src/text/sources';
import { probeClassification } from '../src/eval/classification';
import { ProbeResult } from '../src/eval/probe/probe';
import { probeWsd } from '../src/eval/wsd';
import { ensureBenchModel, ensureHubBenchModels, now, ROOT } from './bench-common';

interface Args {
  docs: number;
  /** Documents per chunk: each chunk runs through every model in turn. */
  chunk: number;
  chars: number;
  rounds: number;
  threads?: number;
  probes: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { docs: 48, chunk: 8, chars: 2500, rounds: 3, probes: true };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--no-probes') {
      a.probes = false;
      i--;
      continue;
    }
    const v = Number(argv[i + 1]);
    if (argv[i] === '--docs') a.docs = v;
    else if (argv[i] === '--chars') a.chars = v;
    else if (argv[i] === '--chunk') a.chunk = v;
    else if (argv[i] === '--rounds') a.rounds = v;
    else if (argv[i] === '--threads') a.threads = v;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

/** Every n-th document of ../shared/docs (sorted), cut to `chars` characters. */
function docSlice(count: number, chars: number): { source: string; text: string }[] {
  const root = path.join(ROOT, '..', 'shared', 'docs');
  const files = listSources([root], {}).filter((f) => f.path.endsWith('.txt'));
  const step = Math.max(1, Math.floor(files.length / count));
  return files
    .filter((_, i) => i % step === 0)
    .slice(0, count)
    .map((f) => ({ source: f.source, text: fs.readFileSync(f.path, 'latin1').slice(0, chars) }));
}

/** The same quantized graph with onnxruntime's fused contrib op for each DynamicQuantizeLinear + MatMulInteger + Cast + Mul + Mul. */
function toDynamicQuantizeMatMul(src: string, out: string): void {
  fs.cpSync(src, out, { recursive: true });
  const file = path.join(out, QUANTIZED_FILE);
  const model = onnx.ModelProto.decode(fs.readFileSync(file));
  const g = model.graph!;
  const byOutput = new Map(g.node!.flatMap((n) => n.output!.map((o) => [o, n] as const)));
  const fused: onnx.INodeProto[] = [];
  const drop = new Set<onnx.INodeProto>();
  for (const mm of g.node!.filter((n) => n.opType === 'MatMulInteger')) {
    const [xq, wq, , wzp] = mm.input!;
    const dql = byOutput.get(xq)!;
    const cast = g.node!.find((n) => n.opType === 'Cast' && n.input![0] === mm.output![0])!;
    const outMul = g.node!.find((n) => n.opType === 'Mul' && n.input![0] === cast.output![0])!;
    const scalesMul = byOutput.get(outMul.input![1])!;
    const wScale = scalesMul.input![1];
    [mm, cast, outMul, scalesMul].forEach((n) => drop.add(n));
    fused.push({ opType: 'DynamicQuantizeMatMul', domain: 'com.microsoft', name: `${mm.name}_fused`, input: [dql.input![0], wq, wScale, wzp], output: [outMul.output![0]] });
  }
  const keep = g.node!.filter((n) => !drop.has(n) && n.opType !== 'DynamicQuantizeLinear');
  // Each fused node just before the first node that reads its output.
  const nodes: onnx.INodeProto[] = [];
  const pending = new Map(fused.map((f) => [f.output![0], f]));
  for (const n of keep) {
    for (const i of n.input!) {
      const f = pending.get(i);
      if (f) {
        nodes.push(f);
        pending.delete(i);
      }
    }
    nodes.push(n);
  }
  nodes.push(...pending.values());
  g.node = nodes;
  model.opsetImport!.push({ domain: 'com.microsoft', version: 1 });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

const mb = (file: string) => (fs.statSync(file).size / 1048576).toFixed(1);


function stats(xs: number[]): string {
  return `mean ${(xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(4)}, min ${Math.min(...xs).toFixed(4)}`;
}

async function runPipeline(model: ContextualModel, docs: { source: string; text: string }[]): Promise<{ seconds: number; tokens: number; vectors: Float32Array[] }> {
  const t0 = now();
  let tokens = 0;
  const vectors: Float32Array[] = [];
  for await (const step of embedDocuments(docs, model, { levels: ['sentence'] })) {
    tokens += step.tokens;
    for (const r of step.rows) vectors.push(r.vector);
  }
  return { seconds: now() - t0, tokens, vectors };
}

/** Cosine of int8 token and sentence vectors to PyTorch's fp32 states, over every layer of every fixture export. */
async function fixtureFidelity(perChannel: boolean): Promise<{ tokens: number[]; sentences: number[] }> {
  const hub = path.join(ROOT, 'fixtures', 'hub');
  const tokens: number[] = [];
  const sentences: number[] = [];
  for (const name of fs.readdirSync(hub).sort()) {
    // A model folder of its own: the fixture's files, with our q8 in place of its onnx/model_quantized.onnx.
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bench-int8-'));
    await quantizeModelFolder(path.join(hub, name), { out: dir, perChannel });
    const ref = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
    const model = await loadContextualModel({ model: dir, dtype: 'q8' });
    const dim = model.hiddenSize;
    for (let layer = 0; layer <= model.numLayers; layer++) {
      const r = await embed([ref.texts[0].text], { model, layers: String(layer), levels: ['token', 'sentence'] });
      const doc = ref.texts[0].states[layer];
      r.tokens.forEach((t, k) => tokens.push(cosine(t.vector, doc.slice((k + 1) * dim, (k + 2) * dim))));
      r.sentences.forEach((s, j) => {
        // PyTorch's mean over every row, [CLS] and [SEP] included, as sentence pooling 'mean' takes it.
        const mean = poolSequence(Float32Array.from(ref.texts[j + 1].states[layer] as number[]), dim, 'mean');
        sentences.push(cosine(s.vector, mean));
      });
    }
    await model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { tokens, sentences };
}

/** Each layer's probe accuracy, fp32 against our q8, on one dataset. */
async function probeDeltas(fp32: ContextualModel, q8: ContextualModel, name: string, probe: (m: ContextualModel) => Promise<ProbeResult>): Promise<void> {
  const [a, b] = [await probe(fp32), await probe(q8)];
  const rows = a.scores.filter((s) => s.classifier === 'logistic-regression');
  const accuracy = (r: ProbeResult, s: (typeof rows)[number]) => 100 * r.scores.find((t) => t.classifier === s.classifier && t.features === s.features && t.layer === s.layer)!.accuracy;
  const cells = rows.map((s) => `L${s.layer} ${accuracy(a, s).toFixed(1)} / ${accuracy(b, s).toFixed(1)} (${(accuracy(b, s) - accuracy(a, s)).toFixed(1)})`);
  console.log(`probe ${name}, ${rows[0].features} features, logistic regression, fp32 / q8 (delta) accuracy: ${cells.join('; ')}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { bert: fp32Dir } = ensureHubBenchModels(['bert']);
  const root = path.dirname(fp32Dir);
  const timed: Record<string, number> = {};
  const variants: { name: string; dir: string; dtype: ModelDtype }[] = [{ name: 'fp32', dir: fp32Dir, dtype: 'fp32' }];
  for (const perChannel of [false, true]) {
    const out = path.join(root, perChannel ? 'bert-ours-q8-per-channel' : 'bert-ours-q8');
    const t0 = now();
    await quantizeModelFolder(fp32Dir, { out, perChannel });
    timed[out] = now() - t0;
    variants.push({ name: `ours q8${perChannel ? ', per channel' : ''}`, dir: out, dtype: 'q8' });
  }
  const fusedDir = path.join(root, 'bert-ours-q8-dqmatmul');
  fs.rmSync(fusedDir, { recursive: true, force: true });
  toDynamicQuantizeMatMul(variants[1].dir, fusedDir);
  variants.push({ name: 'ours q8, DynamicQuantizeMatMul', dir: fusedDir, dtype: 'q8' });
  variants.push({ name: 'reference q8 (onnxruntime-named)', dir: fp32Dir, dtype: 'q8' });

  const docs = docSlice(args.docs, args.chars);
  const models: ContextualModel[] = [];
  for (const v of variants) {
    const m = await loadContextualModel({ model: v.dir, dtype: v.dtype, threads: args.threads });
    await prepareModel(m, {});
    await runPipeline(m, docs.slice(0, 2)); // warm-up
    models.push(m);
  }
  // Paired: each chunk of documents through every model in turn, the order rotating, so all meet the same load.
  const chunks = Array.from({ length: Math.ceil(docs.length / args.chunk) }, (_, c) => docs.slice(c * args.chunk, (c + 1) * args.chunk));
  const seconds = variants.map(() => 0);
  let tokens = 0;
  let vectors: Float32Array[][] = [];
  for (let round = 0; round < args.rounds; round++) {
    const before = [...seconds];
    vectors = variants.map(() => []);
    tokens = 0;
    for (let c = 0; c < chunks.length; c++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (c + k) % variants.length;
        const r = await runPipeline(models[i], chunks[c]);
        seconds[i] += r.seconds;
        vectors[i].push(...r.vectors);
        if (i === 0) tokens += r.tokens;
      }
    }
    console.log(`  round ${round + 1}: ${variants.map((v, i) => `${v.name} ${(tokens / (seconds[i] - before[i])).toFixed(0)}`).join('; ')} tokens/s`);
  }
  for (const m of models) await m.dispose();
  const rate = seconds.map((s) => (tokens * args.rounds) / s);
  console.log(`\n${docs.length} documents of ../shared/docs (first ${args.chars} characters) in chunks of ${args.chunk}, sentence level: ${vectors[0].length} sentences, ${tokens} tokens; ${args.rounds} rounds\n`);
  console.log('| model | file MB | tokens/s | vs fp32 | sentence cosine to fp32 |');
  console.log('|---|---:|---:|---:|---|');
  variants.forEach((v, i) => {
    const file = path.join(v.dir, 'onnx', v.dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx');
    const cos = vectors[i].map((x, j) => cosine(x, vectors[0][j]));
    console.log(`| ${v.name} | ${mb(file)} | ${rate[i].toFixed(0)} | ${(rate[i] / rate[0]).toFixed(2)}x | ${i === 0 ? '' : stats(cos)} |`);
  });
  const ours = vectors[1];
  const reference = vectors[vectors.length - 1];
  console.log(`\nours vs reference q8: speed ${(rate[1] / rate[rate.length - 1]).toFixed(3)}x; sentence vectors cosine ${stats(ours.map((x, j) => cosine(x, reference[j])))}`);
  console.log(`quantization time (bert-base): per tensor ${timed[variants[1].dir].toFixed(1)} s, per channel ${timed[variants[2].dir].toFixed(1)} s`);
  for (const perChannel of [false, true]) {
    const f = await fixtureFidelity(perChannel);
    console.log(`fidelity on fixtures/hub (every export, every layer), ${perChannel ? 'per channel' : 'per tensor'}: tokens ${stats(f.tokens)}; sentences ${stats(f.sentences)}`);
  }
  const evalDir = path.join(ROOT, '..', 'shared', 'eval');
  if (args.probes && fs.existsSync(evalDir)) {
    const fp32 = ensureBenchModel('small');
    const q8Dir = path.join(root, 'small-ours-q8');
    await quantizeModelFolder(fp32, { out: q8Dir });
    const [a, b] = [await loadContextualModel({ model: fp32, threads: args.threads }), await loadContextualModel({ model: q8Dir, dtype: 'q8', threads: args.threads })];
    await probeDeltas(a, b, 'MR (10 folds)', (m) => probeClassification(m, path.join(evalDir, 'sentence', 'MR.tsv'), { poolings: ['mean'] }));
    await probeDeltas(a, b, 'hard (5 folds)', (m) => probeWsd(m, path.join(evalDir, 'wsd', 'hard.tsv')));
    await a.dispose();
    await b.dispose();
  }
  console.log('targets: ours q8 >= 2.5x fp32; ours within 5% of the reference and cosine >= 0.999 to it');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
