/**
 * The batch job's speed and memory: `embedFolder` (sentence rows into a temp folder) against a
 * naive loop over the same files with Transformers.js `pipeline('feature-extraction')` (each
 * file cut into sentences with `segmentSentences`, batches of 8 sentences, mean pooling), each
 * side in its own child process so that its peak RSS is its own; then the vectors compared.
 *
 *   npx ts-node --transpile-only scripts/bench-folder.ts [--docs DIR] [--files N] [--max-chars N]
 *     [--model DIR] [--level sentence] [--batch-tokens N] [--threads N] [--format npy|jsonl]
 *     [--base-files 3] [--base-max-chars 4000] [--stream 100,10000]
 *     [--only compare,base,stream,sweep] [--sweep-batch-tokens 1024,2048,4096] [--sweep-threads 1,2,0]
 *
 * Phases:
 * - compare: over --docs (default ../shared/docs; --files / --max-chars take the first N files,
 *   each cut to N characters) with --model (default: a generated 4-layer, 256-wide model);
 * - base: the same comparison with a generated bert-base-sized model over --base-files files cut
 *   to --base-max-chars characters (that model runs ~400 tokens/s on 2 cores);
 * - stream: peak RSS of embedFolder over 100 vs 10,000 small synthetic documents (256-wide model);
 * - sweep (not by default): ours alone over the compare documents for each --batch-tokens and
 *   threads (0: onnxruntime's default), with where the time goes.
 *
 * Tokens counted are the sentences' tokens ([CLS]/[SEP] and padding excluded). Padding ratio:
 * positions run (batch x width) over real positions (special tokens included). Files that are not
 * UTF-8 are read as windows-1252 on both sides.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBenchModel, loadFeatureExtractor, meterOrt, now, OrtMeter, ROOT, timeCalls, timeSinks } from './bench-common';
import { loadContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { readNpy } from '../src/store/npy';
import { Level, OutputFormat } from '../src/store/rows';
import { META_FILE, JSONL_FILE, NPY_FILE } from '../src/store/writers';
import { readDocument } from '../src/text/readers';
import { segmentSentences } from '../src/text/sentences';
import { listSources } from '../src/text/sources';

const FALLBACK = 'windows-1252';
const NAIVE_BATCH = 8;

interface Args {
  docs: string;
  files: number;
  maxChars: number;
  model: string | null;
  levels: Level[];
  batchTokens: number | undefined;
  threads: number | undefined;
  format: OutputFormat;
  baseFiles: number;
  baseMaxChars: number;
  stream: number[];
  only: Set<string>;
  sweepBatchTokens: number[];
  sweepThreads: number[];
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    docs: path.join(ROOT, '..', 'shared', 'docs'),
    files: Infinity,
    maxChars: Infinity,
    model: null,
    levels: ['sentence'],
    batchTokens: undefined,
    threads: undefined,
    format: 'npy',
    baseFiles: 3,
    baseMaxChars: 4000,
    stream: [100, 10_000],
    only: new Set(['compare', 'base', 'stream']),
    sweepBatchTokens: [1024, 2048, 4096],
    sweepThreads: [1, 2, 0],
    keep: false,
  };
  const list = (v: string) => v.split(',').map(Number);
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--docs': a.docs = path.resolve(v); i++; break;
      case '--files': a.files = Number(v); i++; break;
      case '--max-chars': a.maxChars = Number(v); i++; break;
      case '--model': a.model = path.resolve(v); i++; break;
      case '--level': a.levels = v.split(',') as Level[]; i++; break;
      case '--batch-tokens': a.batchTokens = Number(v); i++; break;
      case '--threads': a.threads = Number(v) || undefined; i++; break;
      case '--format': a.format = v as OutputFormat; i++; break;
      case '--base-files': a.baseFiles = Number(v); i++; break;
      case '--base-max-chars': a.baseMaxChars = Number(v); i++; break;
      case '--stream': a.stream = list(v); i++; break;
      case '--only': a.only = new Set(v.split(',')); i++; break;
      case '--sweep-batch-tokens': a.sweepBatchTokens = list(v); i++; break;
      case '--sweep-threads': a.sweepThreads = list(v); i++; break;
      case '--keep': a.keep = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Workers: one side each, in a child process.

interface OursJob {
  kind: 'ours';
  docs: string;
  model: string;
  out: string;
  levels: Level[];
  format: OutputFormat;
  batchTokens?: number;
  threads?: number;
  result: string;
}

interface NaiveJob {
  kind: 'naive';
  docs: string;
  model: string;
  /** Vectors (float32, row after row), keys (`source\tindex` lines) and lengths go here. */
  out: string;
  threads?: number;
  result: string;
}

type Job = OursJob | NaiveJob;

interface SideResult {
  docs: number;
  skipped: number;
  failed: number;
  sentences: number;
  /** Text tokens, special tokens excluded. */
  tokens: number;
  seconds: number;
  loadSeconds: number;
  /** RSS once the modules are loaded, before the model. */
  startRssMB: number;
  peakRssMB: number;
  batches: number;
  /** Positions run (batch x width) and real positions (special tokens included). */
  padded: number;
  real: number;
  ortSeconds: number;
  /** Where the time went, seconds (ours: measured per stage; the rest is what is left). */
  breakdown: Record<string, number>;
  dim: number;
  truncated?: number;
  /** Peaks of process.memoryUsage() sampled as files complete, MB (ours only). */
  memory?: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
}

const rssMB = () => process.memoryUsage().rss / 1048576;
const peakMB = () => process.resourceUsage().maxRSS / 1024;

async function runOurs(job: OursJob): Promise<SideResult> {
  const startRssMB = rssMB();
  const t0 = now();
  const model = await loadContextualModel({ model: job.model, threads: job.threads });
  const loadSeconds = now() - t0;
  const maxLength = model.maxLength;
  // Warm-up run, not counted.
  await model.encoder.run([Int32Array.from([model.tokenizer.clsId, 1996, 2003, model.tokenizer.sepId])]);

  const breakdown: Record<string, number> = {};
  // Module exports are read at call time by the compiled CommonJS, so wrapping them here times the calls in src/.
  timeCalls(require('../src/text/readers'), 'readDocument', breakdown, 'read + decode files');
  timeCalls(require('../src/text/sentences'), 'segmentSentences', breakdown, 'segment sentences');
  timeCalls(model.tokenizer, 'tokenize', breakdown, 'tokenize');
  timeCalls(require('../src/contextual/batching'), 'planBatches', breakdown, 'plan batches');
  timeCalls(require('../src/pooling/layers'), 'combineLayers', breakdown, 'pool (combine layers + mean)');
  timeCalls(require('../src/pooling/sequence'), 'poolSequence', breakdown, 'pool (combine layers + mean)');
  timeSinks(breakdown, 'write rows');
  const ort: OrtMeter = { runs: 0, seconds: 0 };
  let batches = 0;
  let padded = 0;
  let real = 0;
  const encoder = model.encoder;
  const run = encoder.run.bind(encoder);
  breakdown['encoder feeds (ids to int64)'] = 0;
  encoder.run = (sequences: Int32Array[]) => {
    meterOrt(encoder.session, ort); // the session in use (prepareModel may swap it)
    let width = 0;
    for (const s of sequences) {
      width = Math.max(width, s.length);
      real += s.length;
    }
    padded += width * sequences.length;
    batches++;
    const t = now();
    const p = run(sequences); // builds the feeds synchronously, then awaits onnxruntime
    breakdown['encoder feeds (ids to int64)'] += now() - t;
    return p;
  };

  const memory = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  let sampled = 0;
  const sample = () => {
    const u = process.memoryUsage();
    for (const k of Object.keys(memory) as (keyof typeof memory)[]) memory[k] = Math.max(memory[k], u[k] / 1048576);
  };
  const t1 = now();
  const summary = await embedFolder([job.docs], model, {
    onProgress: () => {
      if (now() - sampled > 0.25) {
        sample();
        sampled = now();
      }
    },
    out: job.out,
    format: job.format,
    levels: job.levels,
    fallbackEncoding: FALLBACK,
    batchTokens: job.batchTokens,
    overwrite: true,
    maxLength,
  });
  const seconds = now() - t1;
  sample();
  breakdown['onnxruntime run'] = ort.seconds;
  const counted = Object.values(breakdown).reduce((s, x) => s + x, 0);
  breakdown['other (scatter, sha256, manifest, generators)'] = seconds - counted;
  await model.dispose();
  return {
    docs: summary.done,
    skipped: summary.skipped,
    failed: summary.failed,
    sentences: summary.rows,
    tokens: summary.tokens,
    seconds,
    loadSeconds,
    startRssMB,
    peakRssMB: peakMB(),
    batches,
    padded,
    real,
    ortSeconds: ort.seconds,
    breakdown,
    dim: model.hiddenSize,
    memory,
  };
}

async function runNaive(job: NaiveJob): Promise<SideResult> {
  const startRssMB = rssMB();
  const t0 = now();
  const sessionOptions = job.threads ? { intraOpNumThreads: job.threads, interOpNumThreads: 1 } : {};
  const extractor: any = await loadFeatureExtractor(job.model, sessionOptions);
  const loadSeconds = now() - t0;
  const session = extractor.model.sessions.model;
  const maxLength = Number(extractor.tokenizer.model_max_length) || 512;
  await extractor(['the warm up'], { pooling: 'mean' });

  // Count padding and lengths from the feeds the pipeline hands onnxruntime.
  const ort = meterOrt(session);
  let lengths: number[] = [];
  let batches = 0;
  let padded = 0;
  const sessionRun = session.run.bind(session);
  session.run = (feeds: any, ...rest: unknown[]) => {
    const [b, w] = feeds.attention_mask.dims as number[];
    const mask = feeds.attention_mask.data as BigInt64Array;
    for (let i = 0; i < b; i++) {
      let n = 0;
      for (let j = 0; j < w; j++) n += Number(mask[i * w + j]);
      lengths.push(n);
    }
    padded += b * w;
    batches++;
    return sessionRun(feeds, ...rest);
  };

  fs.mkdirSync(job.out, { recursive: true });
  const vectors = fs.openSync(path.join(job.out, 'vectors.f32'), 'w');
  const keys: string[] = [];
  const allLengths: number[] = [];
  let docs = 0;
  let skipped = 0;
  let dim = 0;
  let writeSeconds = 0;

  const t1 = now();
  for (const { path: file, source } of listSources([job.docs])) {
    const read = readDocument(file, { fallbackEncoding: FALLBACK });
    if ('skip' in read) {
      skipped++;
      continue;
    }
    const text = read.text;
    const spans = segmentSentences(text);
    const sentences = Array.from(spans.starts, (s, i) => text.slice(s, spans.ends[i]));
    for (let i = 0; i < sentences.length; i += NAIVE_BATCH) {
      const batch = sentences.slice(i, i + NAIVE_BATCH);
      lengths = [];
      const out = await extractor(batch, { pooling: 'mean' });
      const tw = now();
      dim = out.dims[1];
      const data = out.data as Float32Array;
      fs.writeSync(vectors, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      batch.forEach((_, b) => keys.push(`${source}\t${i + b}`));
      allLengths.push(...lengths);
      writeSeconds += now() - tw;
    }
    docs++;
  }
  const seconds = now() - t1;
  fs.closeSync(vectors);
  fs.writeFileSync(path.join(job.out, 'keys.tsv'), keys.join('\n'));
  fs.writeFileSync(path.join(job.out, 'lengths.json'), JSON.stringify(allLengths));
  const real = allLengths.reduce((s, n) => s + n, 0);
  await extractor.dispose();
  return {
    docs,
    skipped,
    failed: 0,
    sentences: keys.length,
    tokens: real - 2 * allLengths.length,
    seconds,
    loadSeconds,
    startRssMB,
    peakRssMB: peakMB(),
    batches,
    padded,
    real,
    ortSeconds: ort.seconds,
    breakdown: { 'onnxruntime run': ort.seconds, 'collect vectors': writeSeconds, 'tokenize, pool, read, segment (pipeline + loop)': seconds - ort.seconds - writeSeconds },
    dim,
    truncated: allLengths.filter((n) => n >= maxLength).length,
  };
}

async function worker(jobFile: string): Promise<void> {
  const job = JSON.parse(fs.readFileSync(jobFile, 'utf8')) as Job;
  const result = job.kind === 'ours' ? await runOurs(job) : await runNaive(job);
  fs.writeFileSync(job.result, JSON.stringify(result));
}

/** Runs a job in a fresh Node process (ts-node, transpile only) and returns its result. */
async function spawnJob(job: Job, tmp: string): Promise<SideResult> {
  const jobFile = path.join(tmp, `job-${process.hrtime.bigint()}.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--worker', jobFile], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT });
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`${job.kind} worker exited with ${code}`);
  return JSON.parse(fs.readFileSync(job.result, 'utf8')) as SideResult;
}

// ---------------------------------------------------------------------------------------------
// The orchestrating process.

/** The first `files` files of `docs`, each cut to `maxChars` characters at whitespace, copied (as UTF-8) into `dest`; `docs` itself when no cut is asked for. */
function selectDocs(docs: string, files: number, maxChars: number, dest: string): string {
  if (!Number.isFinite(files) && !Number.isFinite(maxChars)) return docs;
  for (const { path: file, source } of listSources([docs]).slice(0, Number.isFinite(files) ? files : undefined)) {
    const read = readDocument(file, { fallbackEncoding: FALLBACK });
    if ('skip' in read) continue;
    let text = read.text;
    if (text.length > maxChars) {
      const cut = text.lastIndexOf(' ', maxChars);
      text = text.slice(0, cut > maxChars / 2 ? cut : maxChars);
    }
    const out = path.join(dest, source);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
  }
  return dest;
}

interface Agreement {
  compared: number;
  maxDiff: number;
  /** Sentences the pipeline truncated (ours windows them), left out of maxDiff. */
  truncated: number;
  over: number;
  worst: string;
  missing: number;
}

function readOurRows(out: string, format: OutputFormat): Map<string, Float32Array> {
  const rows = new Map<string, Float32Array>();
  if (format === 'npy') {
    const { dim, data } = readNpy(path.join(out, NPY_FILE));
    const meta = fs.readFileSync(path.join(out, META_FILE), 'utf8').split('\n').filter(Boolean);
    meta.forEach((line, r) => {
      const row = JSON.parse(line);
      if (row.level === 'sentence') rows.set(`${row.source}\t${row.index}`, data.subarray(r * dim, (r + 1) * dim));
    });
  } else {
    for (const line of fs.readFileSync(path.join(out, JSONL_FILE), 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line);
      if (row.level === 'sentence') rows.set(`${row.source}\t${row.index}`, Float32Array.from(row.vector));
    }
  }
  return rows;
}

function compareVectors(oursOut: string, format: OutputFormat, naiveOut: string, maxLength: number): Agreement {
  const ours = readOurRows(oursOut, format);
  const keys = fs.readFileSync(path.join(naiveOut, 'keys.tsv'), 'utf8').split('\n').filter(Boolean);
  const lengths = JSON.parse(fs.readFileSync(path.join(naiveOut, 'lengths.json'), 'utf8')) as number[];
  const buf = fs.readFileSync(path.join(naiveOut, 'vectors.f32'));
  const naive = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const dim = naive.length / keys.length;
  const a: Agreement = { compared: 0, maxDiff: 0, truncated: 0, over: 0, worst: '', missing: 0 };
  keys.forEach((key, r) => {
    const mine = ours.get(key);
    if (!mine) {
      a.missing++;
      return;
    }
    if (lengths[r] >= maxLength) {
      a.truncated++;
      return;
    }
    let d = 0;
    for (let k = 0; k < dim; k++) d = Math.max(d, Math.abs(mine[k] - naive[r * dim + k]) || 0);
    a.compared++;
    if (d > 1e-5) a.over++;
    if (d > a.maxDiff) {
      a.maxDiff = d;
      a.worst = key.replace('\t', ' #');
    }
  });
  a.missing += Math.max(0, ours.size - keys.length);
  return a;
}

const mb = (x: number) => x.toFixed(0);
const rate = (r: SideResult) => r.tokens / r.seconds;

interface Row {
  label: string;
  r: SideResult;
  ratio?: number;
}

function printTable(rows: Row[]): void {
  console.log('| run | docs | sentences | tokens | seconds | docs/s | tokens/s | ours/naive tokens/s | batches | padded/real | onnxruntime s | peak RSS MB (at start) | model load s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { label, r, ratio } of rows) {
    console.log(
      `| ${label} | ${r.docs} | ${r.sentences} | ${r.tokens} | ${r.seconds.toFixed(1)} | ${(r.docs / r.seconds).toFixed(2)} | ${rate(r).toFixed(0)} | ${ratio === undefined ? '' : `${ratio.toFixed(2)}x`} | ${r.batches} | ${(r.padded / r.real).toFixed(3)} | ${r.ortSeconds.toFixed(1)} (${((100 * r.ortSeconds) / r.seconds).toFixed(0)}%) | ${mb(r.peakRssMB)} (${mb(r.startRssMB)}) | ${r.loadSeconds.toFixed(1)} |`,
    );
  }
}

function printBreakdown(label: string, r: SideResult): void {
  const parts = Object.entries(r.breakdown).sort((x, y) => y[1] - x[1]);
  console.log(`${label}: ${parts.map(([k, s]) => `${k} ${s.toFixed(2)} s (${((100 * s) / r.seconds).toFixed(0)}%)`).join('; ')}`);
}

async function compare(label: string, docs: string, model: string, args: Args, tmp: string): Promise<{ ours: SideResult; naive: SideResult; agreement: Agreement }> {
  const modelName = path.relative(ROOT, model) || model;
  console.log(`\n== ${label}: ${docs}, model ${modelName} ==`);
  const oursOut = path.join(tmp, `${label}-ours`);
  const naiveOut = path.join(tmp, `${label}-naive`);
  const ours = await spawnJob({ kind: 'ours', docs, model, out: oursOut, levels: args.levels, format: args.format, batchTokens: args.batchTokens, threads: args.threads, result: path.join(tmp, `${label}-ours.json`) }, tmp);
  console.log(`  ours: ${ours.docs} docs, ${ours.tokens} tokens in ${ours.seconds.toFixed(1)} s = ${rate(ours).toFixed(0)} tokens/s, peak RSS ${mb(ours.peakRssMB)} MB`);
  const naive = await spawnJob({ kind: 'naive', docs, model, out: naiveOut, threads: args.threads, result: path.join(tmp, `${label}-naive.json`) }, tmp);
  console.log(`  naive: ${naive.docs} docs, ${naive.tokens} tokens in ${naive.seconds.toFixed(1)} s = ${rate(naive).toFixed(0)} tokens/s, peak RSS ${mb(naive.peakRssMB)} MB`);
  const maxLength = JSON.parse(fs.readFileSync(path.join(model, 'config.json'), 'utf8')).max_position_embeddings ?? 512;
  const agreement = args.levels.includes('sentence') ? compareVectors(oursOut, args.format, naiveOut, maxLength) : { compared: 0, maxDiff: NaN, truncated: 0, over: 0, worst: '', missing: 0 };
  return { ours, naive, agreement };
}

/** `count` small documents (3-5 sentences of 6-17 common words), seeded. */
function writeSynthetic(dir: string, count: number): void {
  const words = (
    'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three'
  ).split(' ');
  let seed = 12345;
  const rnd = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
  fs.mkdirSync(dir, { recursive: true });
  for (let d = 0; d < count; d++) {
    const sentences: string[] = [];
    for (let s = 3 + rnd(3); s > 0; s--) {
      const w = Array.from({ length: 6 + rnd(12) }, () => words[rnd(words.length)]);
      w[0] = w[0][0].toUpperCase() + w[0].slice(1);
      sentences.push(`${w.join(' ')}.`);
    }
    const sub = path.join(dir, String(Math.floor(d / 1000)).padStart(2, '0'));
    if (d % 1000 === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `doc${String(d).padStart(5, '0')}.txt`), `${sentences.join(' ')}\n`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-bench-folder-'));
  console.log(`bench-folder: ${os.cpus().length} CPUs, Node ${process.version}, temp ${tmp}; ours: --level ${args.levels.join(',')} --format ${args.format} --batch-tokens ${args.batchTokens ?? 'default (4096)'} --threads ${args.threads ?? 'default'}`);
  const results: Row[] = [];
  const notes: string[] = [];
  try {
    const small = args.model ?? ensureBenchModel('small');
    let compareDocs: string | null = null;
    if (args.only.has('compare') || args.only.has('sweep')) compareDocs = selectDocs(args.docs, args.files, args.maxChars, path.join(tmp, 'docs'));

    if (args.only.has('compare')) {
      const { ours, naive, agreement } = await compare('compare', compareDocs!, small, args, tmp);
      const name = args.model ? path.basename(args.model) : '256x4';
      results.push({ label: `ours (embedFolder), ${name}`, r: ours, ratio: rate(ours) / rate(naive) }, { label: `naive pipeline, batches of 8, ${name}`, r: naive });
      notes.push(`${name}: ours vs pipeline vectors: ${agreement.compared} sentences compared, max |diff| ${agreement.maxDiff.toExponential(2)}${agreement.worst ? ` (at ${agreement.worst})` : ''}, ${agreement.over} over 1e-5, ${agreement.truncated} left out (truncated by the pipeline at 512 tokens), ${agreement.missing} unmatched`);
      printBreakdown(`  ours, ${name}`, ours);
      printBreakdown(`  naive, ${name}`, naive);
    }

    if (args.only.has('base')) {
      const base = ensureBenchModel('base');
      const docs = selectDocs(args.docs, args.baseFiles, args.baseMaxChars, path.join(tmp, 'base-docs'));
      const { ours, naive, agreement } = await compare('base', docs, base, args, tmp);
      results.push({ label: 'ours (embedFolder), bert-base dims', r: ours, ratio: rate(ours) / rate(naive) }, { label: 'naive pipeline, batches of 8, bert-base dims', r: naive });
      notes.push(`bert-base dims: ours vs pipeline vectors: ${agreement.compared} sentences compared, max |diff| ${agreement.maxDiff.toExponential(2)}${agreement.worst ? ` (at ${agreement.worst})` : ''}, ${agreement.over} over 1e-5, ${agreement.truncated} left out, ${agreement.missing} unmatched`);
      printBreakdown('  ours, bert-base dims', ours);
    }

    const stream: Row[] = [];
    if (args.only.has('stream')) {
      for (const n of args.stream) {
        const dir = path.join(tmp, `synthetic-${n}`);
        writeSynthetic(dir, n);
        console.log(`\n== stream: ${n} synthetic documents ==`);
        const r = await spawnJob({ kind: 'ours', docs: dir, model: small, out: path.join(tmp, `synthetic-${n}-out`), levels: args.levels, format: args.format, batchTokens: args.batchTokens, threads: args.threads, result: path.join(tmp, `synthetic-${n}.json`) }, tmp);
        console.log(`  ${r.docs} docs, ${r.tokens} tokens in ${r.seconds.toFixed(1)} s, peak RSS ${mb(r.peakRssMB)} MB`);
        stream.push({ label: `ours, ${n} synthetic docs, 256x4`, r });
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(path.join(tmp, `synthetic-${n}-out`), { recursive: true, force: true });
      }
    }

    const sweep: Row[] = [];
    if (args.only.has('sweep')) {
      for (const threads of args.sweepThreads) {
        for (const bt of args.sweepBatchTokens) {
          const label = `ours, --batch-tokens ${bt}, threads ${threads || 'default'}`;
          console.log(`\n== sweep: ${label} ==`);
          const r = await spawnJob({ kind: 'ours', docs: compareDocs!, model: small, out: path.join(tmp, 'sweep-out'), levels: args.levels, format: args.format, batchTokens: bt, threads: threads || undefined, result: path.join(tmp, 'sweep.json') }, tmp);
          sweep.push({ label, r });
          printBreakdown(`  ${label}`, r);
        }
      }
    }

    console.log('');
    if (results.length) printTable(results);
    for (const n of notes) console.log(n);
    if (stream.length) {
      console.log('');
      printTable(stream);
      const [first, last] = [stream[0], stream[stream.length - 1]];
      for (const { label, r } of stream) {
        const m = r.memory!;
        console.log(`${label}: peak RSS ${mb(r.peakRssMB)} MB; sampled peaks: V8 heap total ${mb(m.heapTotal)} MB (used ${mb(m.heapUsed)}), external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)}); rest (onnxruntime arena, code, model weights) ~${mb(r.peakRssMB - m.heapTotal - m.external)} MB`);
      }
      console.log(`streaming bound: peak RSS ${mb(last.r.peakRssMB)} MB for ${last.r.docs} documents vs ${mb(first.r.peakRssMB)} MB for ${first.r.docs} (${(last.r.peakRssMB / first.r.peakRssMB).toFixed(2)}x; growth ${mb(last.r.peakRssMB - first.r.peakRssMB)} MB)`);
    }
    if (sweep.length) {
      console.log('');
      printTable(sweep);
      for (const s of sweep) printBreakdown(s.label, s.r);
    }
    console.log('\ntargets: ours >= 1.5x the naive loop in tokens/s with the same vectors (max |diff| <= ~1e-5); peak RSS < 1.5 GB with bert-base dimensions; 10,000 documents no more memory than 100');
  } finally {
    if (args.keep) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--worker') {
  worker(process.argv[3]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
