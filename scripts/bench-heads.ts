/**
 * A fill-mask export (BertForMaskedLM: logits only, as Xenova/bert-base-uncased's main revision)
 * against the feature-extraction export (BertModel) of the same bert-base-sized encoder, both made
 * by PyTorch: ctxembed cuts the fill-mask graph down to the encoder, so both must run at the same
 * speed and give the same vectors. A third run keeps the head in the graph (the last layer added
 * as an output beside logits, fetched alone) to show what cutting it saves.
 *
 *   npx ts-node --transpile-only scripts/bench-heads.ts [--files 1] [--rounds 3] [--chunk 1000] [--threads N]
 *
 * The models are exported once into .cache/bench-models/hub-base (needs /usr/bin/python3 with
 * torch and onnx). The sentences go through in chunks of about --chunk tokens, each chunk through
 * every graph in turn (the order rotating from chunk to chunk), so that all of them meet the same
 * machine load; each graph's rate is its tokens over its summed time, over --rounds passes.
 */
import { InferenceSession } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { contextualize, TokenStates } from '../src/contextual/contextualize';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { readOnnx } from '../src/contextual/session';
import { ensureHubBenchModels, now, stateUnionSentences } from './bench-common';

function parseArgs(argv: string[]): { files: number; rounds: number; chunk: number; threads?: number } {
  const a: { files: number; rounds: number; chunk: number; threads?: number } = { files: 1, rounds: 3, chunk: 1000 };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--files') a.files = Number(argv[i + 1]);
    else if (argv[i] === '--rounds') a.rounds = Number(argv[i + 1]);
    else if (argv[i] === '--chunk') a.chunk = Number(argv[i + 1]);
    else if (argv[i] === '--threads') a.threads = Number(argv[i + 1]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return a;
}

async function run(model: ContextualModel, units: string[]): Promise<{ seconds: number; states: TokenStates[] }> {
  const t0 = now();
  const states: TokenStates[] = [];
  for await (const { states: s } of contextualize(units, (u) => u, model)) states.push(s);
  return { seconds: now() - t0, states };
}

/** The fill-mask model with its whole graph in the session: the last layer added beside logits. */
async function withHead(model: ContextualModel): Promise<void> {
  const proto = readOnnx(model.onnxPath);
  const last = model.states.tensors[model.numLayers];
  proto.graph!.output!.push({ name: last, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  const session = await InferenceSession.create(onnx.ModelProto.encode(proto).finish(), model.sessionOptions);
  await model.encoder.session.release();
  model.encoder.useSession(session, [last]);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dirs = ensureHubBenchModels(['bert', 'bert-mlm']);
  const load = async (dir: string) => {
    const t0 = now();
    const model = await loadContextualModel({ model: dir, threads: args.threads });
    return { model, seconds: now() - t0 };
  };
  const runs = [
    { name: 'BertModel (feature-extraction export)', label: 'BertModel', ...(await load(dirs.bert)) },
    { name: 'BertForMaskedLM (fill-mask export), head cut off', label: 'fill-mask', ...(await load(dirs['bert-mlm'])) },
    { name: 'BertForMaskedLM, head kept in the graph', label: 'fill-mask+head', ...(await load(dirs['bert-mlm'])) },
  ];
  await withHead(runs[2].model);
  const { units, tokens, files } = stateUnionSentences(runs[0].model, args.files);
  console.log(`${files.join(', ')}: ${units.length} sentences, ${tokens} tokens; ${args.rounds} rounds`);
  for (const r of runs) await run(r.model, units.slice(0, 8)); // warm-up
  const chunks: string[][] = [[]];
  let inChunk = 0;
  for (const u of units) {
    const n = runs[0].model.tokenizer.tokenize(u).ids.length;
    if (inChunk + n > args.chunk && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      inChunk = 0;
    }
    chunks[chunks.length - 1].push(u);
    inChunk += n;
  }
  const seconds = runs.map(() => 0);
  let states: TokenStates[][] = [];
  for (let round = 0; round < args.rounds; round++) {
    states = runs.map(() => []);
    const before = [...seconds];
    for (let c = 0; c < chunks.length; c++) {
      for (let k = 0; k < runs.length; k++) {
        const i = (c + k) % runs.length;
        const r = await run(runs[i].model, chunks[c]);
        seconds[i] += r.seconds;
        states[i].push(...r.states);
      }
    }
    console.log(`  round ${round + 1}: ${runs.map((r, i) => `${r.label} ${(tokens / (seconds[i] - before[i])).toFixed(0)}`).join(', ')} tokens/s`);
  }
  let maxDiff = 0;
  states[0].forEach((s, j) => {
    const a = s.layers[0];
    const b = states[1][j].layers[0];
    for (let k = 0; k < a.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
  });
  const rate = seconds.map((s) => (tokens * args.rounds) / s);
  console.log(`\n${chunks.length} chunks of about ${args.chunk} tokens, every graph in turn`);
  console.log('| graph | load s | tokens/s | vs BertModel |');
  console.log('|---|---:|---:|---:|');
  runs.forEach((r, i) => console.log(`| ${r.name} | ${r.seconds.toFixed(1)} | ${rate[i].toFixed(0)} | ${(rate[i] / rate[0]).toFixed(3)}x |`));
  console.log('');
  console.log(`vectors, fill-mask (head cut) vs BertModel, same encoder weights: max |diff| ${maxDiff.toExponential(2)}`);
  console.log('target: the fill-mask graph within 5% of the BertModel graph');
  for (const r of runs) await r.model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
