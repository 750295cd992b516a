/**
 * Retrieval at scale: LanceDB's ANN search against today's exact streamed scan, and what the lance
 * store costs an embed run. Every measured side runs in a child process of its own, so that its
 * peak RSS is its own (they run through ts-node, as this script: its ~100 MB are in every figure;
 * "baseline" is a child's RSS once the modules are loaded).
 *
 *   npx ts-node --transpile-only scripts/bench-query.ts [--rows 1000000] [--dim 384] [--cluster-size 10]
 *     [--queries 200] [--scan-queries 10] [--refine 0,10] [--nprobes 20,50] [--kind ivf_pq] [--partitions N]
 *     [--docs ../shared/docs] [--include 'inaugural/**,state_union/**'] [--model DIR] [--rounds 3]
 *     [--only synthetic,folder,embed] [--dir .cache/bench-query] [--keep] [--reuse]
 *
 * - synthetic: --rows unit vectors of --dim floats in planted clusters of --cluster-size rows
 *   (row i in cluster i mod rows/size: each row its cluster's random centre plus Gaussian noise of
 *   norm 0.6, normalized: cosine ~0.73 within a cluster, ~0 ± 0.05 across), written as an npy output folder
 *   (vectors.npy + meta.jsonl + manifest; sources `p<k>/f<n>.txt`, 100 rows a file), converted to
 *   lance (the lance sink's peak RSS at 1M rows), indexed (`ctxembed index`'s code: build time, size
 *   on disk). Queries: --queries rows drawn at random, each plus noise of norm 0.3 (its row and its
 *   cluster are the planted neighbours). Truth: the exact top 10 of each, computed here over
 *   vectors.npy. Then, per side: ANN through the index for each --nprobes and --refine (0: none),
 *   recall@10 against the truth (a hit tying with the 10th counts), latency
 *   median and p95; LanceDB's exact search (--exact) and today's exact streamed scan of the npy
 *   folder over --scan-queries queries (each reads every row), their latency and agreement.
 * - folder: the sentence rows of the embed phase's lance output, indexed with --kind, 200 of its
 *   own rows as queries: recall@10 and latency of ANN vs exact.
 * - embed: --docs (files matching --include) embedded at sentence level with --model (default: the
 *   generated 4-layer, 256-wide model) as npy and as lance, alternating, --rounds times: tokens/s
 *   and peak RSS of each run.
 *
 * The data goes to --dir (default .cache/bench-query, git-ignored; some 3.3 GB at 1M x 384) and is
 * removed at the end unless --keep; --reuse takes the synthetic folders, index and exact top 10s a
 * kept run left (of the same size), to try other search settings.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ensureBenchModel, now, ROOT, timeSinks } from './bench-common';
import { loadContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { openIndex, SearchOptions } from '../src/query';
import { seededRandom } from '../src/random';
import { convertOutputs } from '../src/store/convert';
import { indexFolder, IndexKind } from '../src/store/lance-index';
import { FileEntry, Manifest, readManifest, writeManifest } from '../src/store/manifest';
import { NPY_HEADER_BYTES } from '../src/store/npy';
import { EmbeddingRow, OutputFormat } from '../src/store/rows';
import { readChunks } from '../src/files';
import { openSink } from '../src/store/writers';

interface Args {
  rows: number;
  dim: number;
  clusterSize: number;
  queries: number;
  scanQueries: number;
  refine: number[];
  nprobes: number[];
  kind: IndexKind;
  partitions: number | undefined;
  docs: string;
  include: string[];
  model: string | null;
  rounds: number;
  only: Set<string>;
  dir: string;
  keep: boolean;
  reuse: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    rows: 1_000_000,
    dim: 384,
    clusterSize: 10,
    queries: 200,
    scanQueries: 10,
    refine: [0, 10],
    nprobes: [20, 50],
    kind: 'ivf_pq',
    partitions: undefined,
    docs: path.join(ROOT, '..', 'shared', 'docs'),
    include: ['inaugural/**', 'state_union/**'],
    model: null,
    rounds: 3,
    only: new Set(['synthetic', 'embed', 'folder']),
    dir: path.join(ROOT, '.cache', 'bench-query'),
    keep: false,
    reuse: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--rows': a.rows = Number(v); i++; break;
      case '--dim': a.dim = Number(v); i++; break;
      case '--cluster-size': a.clusterSize = Number(v); i++; break;
      case '--queries': a.queries = Number(v); i++; break;
      case '--scan-queries': a.scanQueries = Number(v); i++; break;
      case '--refine': a.refine = v.split(',').map(Number); i++; break;
      case '--nprobes': a.nprobes = v.split(',').map(Number); i++; break;
      case '--kind': a.kind = v as IndexKind; i++; break;
      case '--partitions': a.partitions = Number(v); i++; break;
      case '--docs': a.docs = path.resolve(v); i++; break;
      case '--include': a.include = v.split(','); i++; break;
      case '--model': a.model = path.resolve(v); i++; break;
      case '--rounds': a.rounds = Number(v); i++; break;
      case '--only': a.only = new Set(v.split(',')); i++; break;
      case '--dir': a.dir = path.resolve(v); i++; break;
      case '--keep': a.keep = true; break;
      case '--reuse': a.reuse = a.keep = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

const MB = 1048576;
const peakMB = () => process.resourceUsage().maxRSS / 1024;
const rssMB = () => process.memoryUsage().rss / MB;

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `v` (in place) plus Gaussian noise of expected norm `noise`, then normalized. */
function perturb(v: Float32Array, noise: number, random: () => number): Float32Array {
  const s = noise / Math.sqrt(v.length);
  let n = 0;
  for (let d = 0; d < v.length; d++) {
    v[d] += s * gaussian(random);
    n += v[d] * v[d];
  }
  n = Math.sqrt(n);
  for (let d = 0; d < v.length; d++) v[d] /= n;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Workers: each side in a child process.

type Job =
  | { kind: 'generate'; out: string; rows: number; dim: number; clusterSize: number; result: string }
  | { kind: 'convert'; from: string; to: string; result: string }
  | { kind: 'index'; dir: string; index: IndexKind; partitions?: number; result: string }
  | { kind: 'search'; dir: string; queries: string; count: number; options: SearchOptions[]; result: string }
  | { kind: 'embed'; docs: string; include: string[]; model: string; out: string; format: OutputFormat; result: string };

interface WorkerResult {
  baselineMB: number;
  peakMB: number;
  seconds: number;
  [key: string]: unknown;
}

/** An npy output folder of `rows` synthetic rows, written through the npy sink in 100-row files. */
async function generate(job: Extract<Job, { kind: 'generate' }>): Promise<Record<string, unknown>> {
  const random = seededRandom(42);
  const clusters = Math.ceil(job.rows / job.clusterSize);
  const centres = new Float32Array(clusters * job.dim);
  for (let c = 0; c < clusters; c++) perturb(centres.subarray(c * job.dim, (c + 1) * job.dim), 1, random);
  const sink = await openSink(job.out, 'npy');
  const files: Record<string, FileEntry> = {};
  const v = new Float32Array(job.dim);
  for (let i = 0; i < job.rows; i++) {
    const c = i % clusters;
    v.set(centres.subarray(c * job.dim, (c + 1) * job.dim));
    perturb(v, 0.6, random);
    const f = Math.floor(i / 100);
    const source = `p${f % 10}/f${f}.txt`;
    const row: EmbeddingRow = { source, level: 'sentence', index: i % 100, text: `row ${i} of cluster ${c}`, start: (i % 100) * 30, end: (i % 100) * 30 + 29 };
    await sink.write(row, v);
    if (i % 100 === 99 || i === job.rows - 1) {
      files[source] = { size: 3000, sha256: '-', status: 'done', rows: [f * 100, i + 1] };
      sink.endFile();
    }
  }
  const committed = await sink.commit();
  await sink.close();
  const manifest: Manifest = {
    tool: 'ctxembed',
    version: 1,
    model: { id: 'synthetic', revision: '-', dtype: 'fp32' },
    options: { levels: ['sentence'], format: 'npy' },
    committed,
    files,
    updated: '',
  };
  writeManifest(job.out, manifest);
  return { rows: committed.rows };
}

/** Each side's queries through one opened index (a service's view: the table and its index stay loaded). */
async function search(job: Extract<Job, { kind: 'search' }>): Promise<Record<string, unknown>> {
  const buf = fs.readFileSync(job.queries);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const t = now();
  const index = await openIndex(job.dir);
  const openSeconds = now() - t;
  const dim = index.manifest.committed.dim;
  const sides = [];
  try {
    for (const options of job.options) {
      const latencies: number[] = [];
      const hits: string[][] = [];
      // Warm-up, not counted: the first searches load the index and the data pages.
      for (let q = 0; q < Math.min(5, job.count); q++) await index.search(all.subarray(q * dim, (q + 1) * dim), { k: 10, ...options });
      for (let q = 0; q < job.count; q++) {
        const t = now();
        const found = await index.search(all.subarray(q * dim, (q + 1) * dim), { k: 10, ...options });
        latencies.push((now() - t) * 1000);
        hits.push(found.map((h) => `${h.row.source}#${h.row.index}`));
      }
      sides.push({ options, latencies, hits });
    }
  } finally {
    index.close();
  }
  return { sides, openSeconds };
}

async function embedRun(job: Extract<Job, { kind: 'embed' }>): Promise<Record<string, unknown>> {
  const model = await loadContextualModel({ model: job.model });
  const store: Record<string, number> = {};
  timeSinks(store, 'seconds');
  try {
    const t = now();
    const s = await embedFolder([job.docs], model, { out: job.out, format: job.format, levels: ['sentence'], include: job.include, fallbackEncoding: 'windows-1252', overwrite: true, indexRows: Infinity });
    return { rows: s.rows, tokens: s.tokens, embedSeconds: now() - t, storeSeconds: store.seconds };
  } finally {
    await model.dispose();
  }
}

async function worker(jobFile: string): Promise<void> {
  const job: Job = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
  const baselineMB = rssMB();
  const t = now();
  let extra: Record<string, unknown>;
  switch (job.kind) {
    case 'generate': extra = await generate(job); break;
    case 'convert': extra = { ...(await convertOutputs(job.from, job.to, { indexRows: Infinity })) }; break;
    case 'index': extra = { ...(await indexFolder(job.dir, { kind: job.index, partitions: job.partitions })) }; break;
    case 'search': extra = await search(job); break;
    case 'embed': extra = await embedRun(job); break;
  }
  const result: WorkerResult = { baselineMB, peakMB: peakMB(), seconds: now() - t, ...extra };
  fs.writeFileSync(job.result, JSON.stringify(result));
}

let jobs = 0;
/** A job as the parent describes it: each kind without the result file. */
type JobSpec = Job extends unknown ? (Job extends infer J ? (J extends unknown ? Omit<J, 'result'> : never) : never) : never;

async function inChild(args: Args, job: JobSpec): Promise<WorkerResult> {
  const file = path.join(args.dir, `job-${++jobs}.json`);
  const result = `${file}.result`;
  fs.writeFileSync(file, JSON.stringify({ ...job, result }));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--worker', file], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${job.kind} worker exited with ${code}`))));
  });
  return JSON.parse(fs.readFileSync(result, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Measures.

/**
 * The exact nearest rows of each query over an npy output folder, by cosine: its top 10
 * (`source#index`) and the 10th score, all queries in one pass over vectors.npy. A hit counts
 * towards recall when it is in the top 10 or ties with it (its exact cosine at least the 10th's:
 * a folder's repeated sentences have equal vectors).
 */
class Truth {
  readonly top: { ids: string[]; kth: number }[];
  private readonly rowOf = new Map<string, number>();
  private readonly qNorms: Float64Array;

  /** @param cache a file holding the top 10 of an earlier run on the same data and queries (--reuse), written when absent */
  constructor(private readonly dir: string, private readonly queries: Float32Array, count: number, private readonly dim: number, cache?: string) {
    this.qNorms = Float64Array.from({ length: count }, (_, q) => Math.hypot(...queries.subarray(q * dim, (q + 1) * dim)));
    const lines = fs.readFileSync(path.join(dir, 'meta.jsonl'), 'utf8').split('\n');
    lines.forEach((line, r) => {
      if (!line) return;
      const m = JSON.parse(line);
      this.rowOf.set(`${m.source}#${m.index}`, r);
    });
    if (cache && fs.existsSync(cache)) {
      this.top = JSON.parse(fs.readFileSync(cache, 'utf8'));
      return;
    }
    const top = Array.from({ length: count }, () => ({ scores: new Float64Array(10).fill(-Infinity), rows: new Int32Array(10).fill(-1) }));
    let row = 0;
    let carry = Buffer.alloc(0);
    for (const chunk of readChunks(path.join(dir, 'vectors.npy'), NPY_HEADER_BYTES)) {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      const n = Math.floor(bytes.length / (dim * 4));
      const block = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n * dim * 4));
      carry = Buffer.from(bytes.subarray(n * dim * 4));
      const norms = Float64Array.from({ length: n }, (_, r) => Math.hypot(...block.subarray(r * dim, (r + 1) * dim)) || 1);
      for (let q = 0; q < count; q++) {
        const qv = queries.subarray(q * dim, (q + 1) * dim);
        const t = top[q];
        for (let r = 0; r < n; r++) {
          let dot = 0;
          for (let d = 0, o = r * dim; d < dim; d++) dot += qv[d] * block[o + d];
          const score = dot / (norms[r] * this.qNorms[q]);
          if (score > t.scores[9]) {
            let k = 9;
            for (; k > 0 && t.scores[k - 1] < score; k--) {
              t.scores[k] = t.scores[k - 1];
              t.rows[k] = t.rows[k - 1];
            }
            t.scores[k] = score;
            t.rows[k] = row + r;
          }
        }
      }
      row += n;
    }
    const id = (r: number) => {
      const m = JSON.parse(lines[r]);
      return `${m.source}#${m.index}`;
    };
    this.top = top.map((t) => ({ ids: Array.from(t.rows, id), kth: t.scores[9] }));
    if (cache) fs.writeFileSync(cache, JSON.stringify(this.top));
  }

  /** The exact cosine of query `q` and the row `id`. */
  private cosine(q: number, id: string): number {
    const v = new Float32Array(this.dim);
    const fd = fs.openSync(path.join(this.dir, 'vectors.npy'), 'r');
    fs.readSync(fd, Buffer.from(v.buffer), 0, this.dim * 4, NPY_HEADER_BYTES + this.rowOf.get(id)! * this.dim * 4);
    fs.closeSync(fd);
    let dot = 0;
    for (let d = 0; d < this.dim; d++) dot += this.queries[q * this.dim + d] * v[d];
    return dot / (this.qNorms[q] * (Math.hypot(...v) || 1));
  }

  recall(hits: string[][]): number {
    let found = 0;
    hits.forEach((h, q) => {
      for (const id of h) if (this.top[q].ids.includes(id) || this.cosine(q, id) >= this.top[q].kth - 1e-6) found++;
    });
    return found / (10 * hits.length);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Latency and recall of each search side against the truth, as table rows. */
function searchRows(label: string, r: WorkerResult, truth: Truth): string[] {
  return (r.sides as { options: SearchOptions; latencies: number[]; hits: string[][] }[]).map(({ options, latencies, hits }) => {
    const how = options.exact ? 'exact' : `ANN${options.nprobes ? `, --nprobes ${options.nprobes}` : ''}${options.refine ? `, --refine ${options.refine}` : ''}`;
    return row([`${label}: ${how}`, hits.length, truth.recall(hits).toFixed(3), median(latencies).toFixed(1), p95(latencies).toFixed(1), Math.round(r.peakMB)]);
  });
}

/** Queries: `count` rows of an npy folder drawn at random, each with noise of norm `noise` (0: the row itself). */
function drawQueries(dir: string, count: number, noise: number): Float32Array {
  const { rows, dim } = readManifest(dir)!.committed;
  const random = seededRandom(7);
  const out = new Float32Array(count * dim);
  const fd = fs.openSync(path.join(dir, 'vectors.npy'), 'r');
  for (let q = 0; q < count; q++) {
    const r = Math.floor(random() * rows);
    const v = new Float32Array(dim);
    fs.readSync(fd, Buffer.from(v.buffer), 0, dim * 4, NPY_HEADER_BYTES + r * dim * 4);
    out.set(noise > 0 ? perturb(v, noise, random) : v, q * dim);
  }
  fs.closeSync(fd);
  return out;
}

async function synthetic(args: Args, report: string[]): Promise<void> {
  const npy = path.join(args.dir, 'synthetic-npy');
  const lance = path.join(args.dir, 'synthetic-lance');
  const builds = path.join(args.dir, 'synthetic-builds.json');
  let gen: WorkerResult, conv: WorkerResult, built: WorkerResult;
  if (args.reuse && fs.existsSync(builds)) {
    [gen, conv, built] = JSON.parse(fs.readFileSync(builds, 'utf8'));
    console.log(`reusing ${npy}, ${lance} and its index`);
  } else {
    for (const d of [npy, lance]) fs.rmSync(d, { recursive: true, force: true });
    console.log(`generating ${args.rows} rows of ${args.dim} floats in clusters of ${args.clusterSize} into ${npy} ...`);
    gen = await inChild(args, { kind: 'generate', out: npy, rows: args.rows, dim: args.dim, clusterSize: args.clusterSize });
    console.log(`  ${gen.seconds.toFixed(1)} s; converting to lance ...`);
    conv = await inChild(args, { kind: 'convert', from: npy, to: lance });
    console.log(`  ${conv.seconds.toFixed(1)} s; building the ${args.kind} index ...`);
    built = await inChild(args, { kind: 'index', dir: lance, index: args.kind, partitions: args.partitions });
    fs.writeFileSync(builds, JSON.stringify([gen, conv, built]));
  }

  const queries = drawQueries(npy, args.queries, 0.3);
  const qfile = path.join(args.dir, 'queries.f32');
  fs.writeFileSync(qfile, Buffer.from(queries.buffer));
  console.log(`  ${built.seconds.toFixed(1)} s; the exact top 10 of ${args.queries} queries ...`);
  const t = now();
  const truth = new Truth(npy, queries, args.queries, args.dim, path.join(args.dir, 'synthetic-truth.json'));
  const truthSeconds = now() - t;
  console.log(`  ${truthSeconds.toFixed(1)} s; searching ...`);
  const options = args.nprobes.flatMap((nprobes) => args.refine.map((refine) => ({ nprobes, refine: refine || undefined })));
  const ann = await inChild(args, { kind: 'search', dir: lance, queries: qfile, count: args.queries, options });
  const lanceExact = await inChild(args, { kind: 'search', dir: lance, queries: qfile, count: args.scanQueries, options: [{ exact: true }] });
  const scan = await inChild(args, { kind: 'search', dir: npy, queries: qfile, count: args.scanQueries, options: [{ exact: true }] });
  const scanLatency = median((scan.sides as { latencies: number[] }[])[0].latencies);

  report.push(`### ${args.rows.toLocaleString('en')} synthetic rows, ${args.dim}-d, planted clusters of ${args.clusterSize}, ${args.kind} index${args.partitions ? ` (${args.partitions} partitions)` : ''}`, '');
  report.push(row(['search', 'queries', 'recall@10', 'median ms', 'p95 ms', 'query process peak RSS MB']), row(['---', '---:', '---:', '---:', '---:', '---:']));
  report.push(...searchRows('lance', ann, truth), ...searchRows('lance', lanceExact, truth));
  report.push(...searchRows('npy (today\'s streamed scan)', scan, truth));
  report.push('');
  for (const side of ann.sides as { options: SearchOptions; latencies: number[]; hits: string[][] }[]) {
    report.push(`- ANN${side.options.nprobes ? ` --nprobes ${side.options.nprobes}` : ''}${side.options.refine ? ` --refine ${side.options.refine}` : ''}: ${(scanLatency / median(side.latencies)).toFixed(0)}x faster than the exact streamed scan (median), recall@10 ${truth.recall(side.hits).toFixed(3)}`);
  }
  const indexBytes = folderBytes(path.join(lance, 'sentence.lance', '_indices'));
  report.push(
    `- index build (${args.kind}): ${built.seconds.toFixed(1)} s, ${(indexBytes / MB).toFixed(1)} MB on disk (LanceDB counts ${((built.bytes as number) / MB).toFixed(1)} MB); peak RSS ${Math.round(built.peakMB)} MB`,
    `- table: ${(folderBytes(path.join(lance, 'sentence.lance')) / MB - indexBytes / MB).toFixed(0)} MB; vectors.npy + meta.jsonl: ${(folderBytes(npy) / MB).toFixed(0)} MB`,
    `- writing the rows: npy sink ${gen.seconds.toFixed(1)} s (peak RSS ${Math.round(gen.peakMB)} MB, with generating them); npy → lance (convert, the lance sink) ${conv.seconds.toFixed(1)} s, peak RSS ${Math.round(conv.peakMB)} MB (baseline ${Math.round(conv.baselineMB)} MB)`,
    `- opening the table (manifest check, index load) before the searches: ${(ann.openSeconds as number).toFixed(2)} s; the exact top 10 for recall, computed here over vectors.npy: ${truthSeconds.toFixed(0)} s for ${args.queries} queries`,
    '',
  );
}

async function embedPhase(args: Args, report: string[]): Promise<string | null> {
  const model = args.model ?? ensureBenchModel('small');
  if (!fs.existsSync(args.docs)) {
    console.log(`skipping the embed phase: ${args.docs} is not present`);
    return null;
  }
  report.push(`### Embed throughput: ${args.docs} (${args.include.join(', ')}), sentence rows, ${path.basename(model)}`, '');
  report.push(row(['run', 'format', 'rows', 'tokens/s', 'seconds', 'in the sink (s)', 'sink share', 'peak RSS MB']), row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
  const rates: Record<string, number[]> = { npy: [], lance: [] };
  const shares: Record<string, number[]> = { npy: [], lance: [] };
  for (let r = 1; r <= args.rounds; r++) {
    for (const format of ['npy', 'lance'] as const) {
      const out = path.join(args.dir, `embed-${format}`);
      console.log(`embedding ${args.docs} as ${format} (round ${r}) ...`);
      const e = await inChild(args, { kind: 'embed', docs: args.docs, include: args.include, model, out, format });
      const rate = (e.tokens as number) / (e.embedSeconds as number);
      const share = (e.storeSeconds as number) / (e.embedSeconds as number);
      rates[format].push(rate);
      shares[format].push(share);
      report.push(row([r, format, e.rows as number, Math.round(rate), (e.embedSeconds as number).toFixed(1), (e.storeSeconds as number).toFixed(2), `${(100 * share).toFixed(1)}%`, Math.round(e.peakMB)]));
    }
  }
  const best = (f: string) => Math.max(...rates[f]);
  report.push(
    '',
    `- lance / npy throughput: best of ${args.rounds} ${(best('lance') / best('npy')).toFixed(3)}, median ${(median(rates.lance) / median(rates.npy)).toFixed(3)} (the machine's other load moves single runs by more than that)`,
    `- time in the sink (write, endFile, commit, close, until each resolves): median ${(100 * median(shares.npy)).toFixed(1)}% of an npy run, ${(100 * median(shares.lance)).toFixed(1)}% of a lance run`,
    '',
  );
  return path.join(args.dir, 'embed-lance');
}

async function folderPhase(args: Args, lanceOut: string | null, report: string[]): Promise<void> {
  if (!lanceOut || !fs.existsSync(lanceOut)) return;
  const npy = path.join(args.dir, 'folder-npy');
  fs.rmSync(npy, { recursive: true, force: true });
  await inChild(args, { kind: 'convert', from: lanceOut, to: npy });
  const { rows, dim } = readManifest(npy)!.committed;
  const count = Math.min(200, rows);
  const queries = drawQueries(npy, count, 0);
  const qfile = path.join(args.dir, 'folder-queries.f32');
  fs.writeFileSync(qfile, Buffer.from(queries.buffer));
  const truth = new Truth(npy, queries, count, dim);
  report.push(`### The embedded folder: ${rows} sentence rows of ${dim} floats, its own rows as queries`, '');
  report.push(row(['search', 'queries', 'recall@10', 'median ms', 'p95 ms', 'query process peak RSS MB']), row(['---', '---:', '---:', '---:', '---:', '---:']));
  const builds: string[] = [];
  for (const kind of ['ivf_pq', 'ivf_hnsw_sq'] as const) {
    const built = await inChild(args, { kind: 'index', dir: lanceOut, index: kind });
    builds.push(`${kind} ${built.seconds.toFixed(1)} s, ${((built.bytes as number) / MB).toFixed(1)} MB`);
    const nprobes = Math.max(...args.nprobes);
    const ann = await inChild(args, { kind: 'search', dir: lanceOut, queries: qfile, count, options: [{ nprobes }, { nprobes, refine: 10 }, { nprobes, refine: 50 }] });
    report.push(...searchRows(`lance, ${kind}`, ann, truth));
  }
  const exact = await inChild(args, { kind: 'search', dir: lanceOut, queries: qfile, count, options: [{ exact: true }] });
  const scan = await inChild(args, { kind: 'search', dir: npy, queries: qfile, count, options: [{ exact: true }] });
  report.push(...searchRows('lance', exact, truth), ...searchRows('npy (today\'s streamed scan)', scan, truth), '');
  report.push(`- index builds: ${builds.join('; ')}`, '');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--worker') return worker(argv[1]);
  const args = parseArgs(argv);
  fs.mkdirSync(args.dir, { recursive: true });
  const report: string[] = [];
  try {
    if (args.only.has('synthetic')) await synthetic(args, report);
    let lanceOut: string | null = path.join(args.dir, 'embed-lance');
    if (args.only.has('embed')) lanceOut = await embedPhase(args, report);
    if (args.only.has('folder')) await folderPhase(args, lanceOut, report);
  } finally {
    console.log(`\n${report.join('\n')}`);
    if (!args.keep) fs.rmSync(args.dir, { recursive: true, force: true });
    else console.log(`data kept in ${args.dir}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
