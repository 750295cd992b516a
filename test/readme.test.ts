/**
 * Every `npx ctxembed …` command of README.md (its sh blocks and inline code) runs here as written,
 * through bin/ctxembed.js (what npx runs), each in a fresh folder where the paths it names are
 * fixtures; its output is checked for more than the exit code.
 *
 * COMMANDS has one entry per README command, keyed by the command exactly as written there (line
 * continuations joined, a trailing `# comment` dropped). An entry says what stands in for the files
 * the command names (`files`), any change to its arguments (`replace`, `append`, with `why`), and
 * checks what it printed and wrote. The first test fails when a README command has no entry, or an
 * entry's command left the README: a README edit comes with its test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { evaluateWordSimilarity } from '../src/eval/word-similarity';
import { loadVectors, saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { loadPretrainedGloVe } from '../src/static/pretrained';
import { readManifest } from '../src/store/manifest';
import { readNpy } from '../src/store/npy';
import { CliResult, ctxembed, lines, readJsonl, startCtxembed } from './cli';
import { FIXTURES_DIR, ROOT, SHARED, fixtureModel, sharedAvailable, tmpDir } from './fixtures';
import { groupPrecision, writeGroupCorpus } from './group-corpus';
import { readTable, readTables } from './lance';
import { expectSameOutput, singleRun, startWorker, stopWorkers } from './queue';
import { redisAvailable, startRedis } from './redis';

// glove:6B-100d converted once into the repository's cache, shared with glove-pretrained.test.ts.
const CACHE = path.join(ROOT, '.cache', 'ctxembed');
process.env.CTXEMBED_CACHE = CACHE;

const README = path.join(ROOT, 'README.md');
const TINY = fixtureModel('tiny');
const BROWN = path.join(FIXTURES_DIR, 'glove', 'brown-800.txt');
const DOCS = path.join(FIXTURES_DIR, 'docs');
const COMPARE = path.join(FIXTURES_DIR, 'compare');

/** The `npx ctxembed …` commands of the README: in its sh blocks, then in inline code, in order. */
export function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const [, block] of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    for (const line of block.replace(/\\\n\s*/g, '').split('\n')) {
      const at = line.indexOf('npx ctxembed ');
      if (at >= 0) commands.push(line.slice(at).replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim());
    }
  }
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, command] of prose.matchAll(/`(npx ctxembed [^`]+)`/g)) commands.push(command.replace(/\s+/g, ' ').trim());
  return commands;
}

/** Shell words: whitespace-separated, '…' and "…" quoted (all the README uses). */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

// Word-similarity and analogy datasets: ../shared's where present, else the fixtures'. The full
// questions-words.txt (19,544 questions) takes some 15 minutes against 300,000 GloVe words, so its
// first 3 questions of each section stand in for it.
const sharedEval = sharedAvailable('eval');
const WS353 = sharedEval ? path.join(SHARED, 'eval', 'word-sim', 'EN-WS-353-ALL.txt') : path.join(COMPARE, 'wordsim.txt');
const SIMLEX = sharedEval ? path.join(SHARED, 'eval', 'word-sim', 'EN-SIMLEX-999.txt') : path.join(FIXTURES_DIR, 'wordsim-small.txt');
function writeQuestions(file: string): void {
  if (!sharedEval) return fs.copyFileSync(path.join(COMPARE, 'analogy.txt'), file);
  const out: string[] = [];
  let inSection = 0;
  for (const line of fs.readFileSync(path.join(SHARED, 'eval', 'analogy', 'questions-words.txt'), 'utf8').split('\n')) {
    if (line.startsWith(':')) inSection = 0;
    else if (inSection++ >= 3) continue;
    if (line.trim()) out.push(line);
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}
const DATASETS = { 'EN-WS-353-ALL.txt': WS353, 'EN-SIMLEX-999.txt': SIMLEX, 'questions-words.txt': writeQuestions };

/** Every 10th line of a shared probe dataset (each class keeps its share), else a fixture dataset. */
function probeDataset(shared: string, fixture: string) {
  return (file: string) => {
    if (!sharedEval) return fs.copyFileSync(fixture, file);
    fs.writeFileSync(file, lines(fs.readFileSync(path.join(SHARED, 'eval', shared), 'utf8')).filter((_, i) => i % 10 === 0).join('\n') + '\n');
  };
}
const REVIEWS = path.join(FIXTURES_DIR, 'probe', 'reviews.tsv');
const LINE_SENSES = path.join(FIXTURES_DIR, 'probe', 'line-senses.tsv');
const PROBE_DATASETS = {
  'w2v.vec': path.join(COMPARE, 'static.vec'),
  'MR.tsv': probeDataset('sentence/MR.tsv', REVIEWS),
  'SUBJ.tsv': probeDataset('sentence/SUBJ.tsv', REVIEWS),
  'hard.tsv': probeDataset('wsd/hard.tsv', LINE_SENSES),
  'line.tsv': probeDataset('wsd/line.tsv', LINE_SENSES),
};

/** GloVe 6B's 30,000 most frequent words, standing for "vectors.vec" / "vectors.bin" of eval's examples. */
let gloveHead: KeyedVectors | undefined;
function writeGloveHead(format: 'word2vec' | 'word2vec-binary') {
  return (file: string) => {
    if (!gloveHead) {
      const all = loadPretrainedGloVe();
      gloveHead = new KeyedVectors(all.words.slice(0, 30000), all.dim, all.vectors.slice(0, 30000 * all.dim));
    }
    saveVectors(gloveHead, file, { format });
  };
}

/** `docs/`: fixtures/docs (news/markets.txt, news/weather.txt, notes/garden.md) plus drafts/plan.md, for --exclude. */
function writeDocs(dir: string): void {
  fs.cpSync(DOCS, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'drafts'));
  fs.writeFileSync(path.join(dir, 'drafts', 'plan.md'), 'A draft that --exclude keeps out.\n');
}

/**
 * `docs/` for the LanceDB commands: the fixture documents plus 40 files of 8 sentences under news/
 * and notes/ (332 sentence rows: IVF-PQ trains on 256 at least).
 */
function writeLanceDocs(dir: string): void {
  fs.cpSync(DOCS, dir, { recursive: true });
  const topics = ['rates', 'prices', 'wages', 'rain', 'rivers', 'gardens', 'bridges', 'schools'];
  for (let f = 0; f < 40; f++) {
    const sentences = Array.from({ length: 8 }, (_, i) => `Report ${f * 8 + i} says ${topics[(f + i) % 8]} changed ${i % 3 ? 'slowly' : 'quickly'} this week.`);
    fs.writeFileSync(path.join(dir, f % 2 ? 'notes' : 'news', `report-${f}.txt`), sentences.join(' '));
  }
}

/** The vector indexes of a lance output's table at its committed version, read with LanceDB. */
async function tableIndexes(out: string, level: string): Promise<string[]> {
  const lancedb = await import('@lancedb/lancedb');
  const db = await lancedb.connect(out);
  const table = await db.openTable(level);
  try {
    await table.checkout(readManifest(out)!.committed.tables![level].version);
    return (await table.listIndices()).filter((i) => i.columns.includes('vector')).map((i) => i.indexType);
  } finally {
    table.close();
    db.close();
  }
}

/** Query hits printed as `score, source:start-end, text`, each checked against its file. */
function checkHits(r: Ran, count: number) {
  expect(r.code).toBe(0);
  const hits = lines(r.stdout).map((l) => /^(\d\.\d{4})\t(\S+):(\d+)-(\d+)\t(.+)$/.exec(l)!);
  expect(hits.every(Boolean)).toBe(true);
  expect(hits).toHaveLength(count);
  const scores = hits.map((h) => Number(h[1]));
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  for (const [, , source, start, end, text] of hits) expect(fs.readFileSync(r.at(`docs/${source}`), 'utf8').slice(Number(start), Number(end))).toBe(text);
  return hits.map(([, score, source, , , text]) => ({ score: Number(score), source, text }));
}

interface Ran extends CliResult {
  cwd: string;
  /** A path in the command's folder. */
  at(p: string): string;
}

interface ReadmeCommand {
  /** Paths the command names, made in its folder before it runs: a fixture (linked), or a writer. */
  files?: Record<string, string | ((file: string) => void)>;
  /** Arguments run instead of the README's, [as written, as run]; `why` says why. */
  replace?: [string, string][];
  append?: string[];
  why?: string;
  /** Runs in the folder of the command before it (whose outputs it reads), not a fresh one. */
  continues?: boolean;
  /** Needs a Redis: skipped with a message where redis-server is not installed. */
  redis?: boolean;
  /** Runs the command with what it needs around it (a Redis, workers, a coordinator) instead of on its own to its end. */
  run?: (args: string[], cwd: string) => Promise<CliResult>;
  check: (r: Ran) => void | Promise<void>;
}

const MODEL_NOTE = 'the default model is a hub id (no network in tests): the fixture model instead';
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** A ctxembed eval text report: the header line and each dataset's Spearman. */
function evalReport(r: Ran, vectors: string, words: number) {
  expect(r.code).toBe(0);
  const out = lines(r.stdout);
  expect(out[0]).toBe(`${vectors}: ${words} words × 100`);
  const spearman = (dataset: string) => Number(new RegExp(`^${dataset}: spearman (-?\\d\\.\\d{4})  pearson -?\\d\\.\\d{4}  coverage`, 'm').exec(r.stdout)![1]);
  const analogy = /^questions-words\.txt: 3CosAdd (\d+\.\d\d)% \((\d+)\/(\d+)\)  3CosMul (\d+\.\d\d)%/m.exec(r.stdout);
  return { spearman, analogy: analogy && { add: Number(analogy[1]) / 100, total: Number(analogy[3]), mul: Number(analogy[4]) / 100 } };
}

/** The README's figures for glove:6B-100d, from its comment `# WordSim-353 0.533, SimLex-999 0.298, analogy 0.635`. */
function readmeGloveFigures(): { ws: number; simlex: number; analogy: number } {
  const m = /# WordSim-353 (\d\.\d+), SimLex-999 (\d\.\d+), analogy (\d\.\d+)/.exec(fs.readFileSync(README, 'utf8'))!;
  return { ws: Number(m[1]), simlex: Number(m[2]), analogy: Number(m[3]) };
}

function checkGroupVectors(file: string): KeyedVectors {
  const kv = loadVectors(file);
  expect([kv.size, kv.dim]).toEqual([40, 100]);
  expect(groupPrecision(kv)).toBeGreaterThan(0.9);
  return kv;
}

/** Words of the Brown fixture seen at least 5 times (the trainers' default --min-count) and their counts, counted here by hand. */
function brownVocabulary(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of fs.readFileSync(BROWN, 'utf8').split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return new Map([...counts].filter(([, c]) => c >= 5));
}

function epochCosts(stderr: string): number[] {
  return [...stderr.matchAll(/^epoch \d+\/25: cost (\S+)/gm)].map((m) => Number(m[1]));
}

function checkEmbedFolder(r: Ran, sources: string[]) {
  expect(r.code).toBe(0);
  const manifest = readManifest(r.at('out'))!;
  expect(Object.keys(manifest.files).sort()).toEqual(sources);
  for (const f of Object.values(manifest.files)) expect(f.status).toBe('done');
  return manifest;
}

const ALL_DOCS = ['news/markets.txt', 'news/weather.txt', 'notes/garden.md'];
/** `docs/` as the fixture documents, and the fixture model for the default one. */
const ON_DOCS = { files: { 'docs/': DOCS }, append: ['--model', TINY], why: MODEL_NOTE };

/** The README's Redis, queue-host:6379: one of the test's own, for the length of `fn`. */
const QUEUE_HOST = 'redis://queue-host:6379';
async function withRedis(args: string[], fn: (args: string[], url: string) => Promise<CliResult>): Promise<CliResult> {
  const redis = await startRedis();
  try {
    return await fn(args.map((a) => (a === QUEUE_HOST ? redis.url : a)), redis.url);
  } finally {
    await redis.stop();
  }
}

export const COMMANDS: Record<string, ReadmeCommand> = {
  'npx ctxembed embed <folder> --out <dir>': {
    files: { 'docs/': DOCS },
    replace: [['<folder>', 'docs/'], ['<dir>', 'out/']],
    append: ['--model', TINY],
    why: `placeholders filled in; ${MODEL_NOTE}`,
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      const rows = readJsonl(r.at('out/embeddings.jsonl'));
      // default level: token, one row per WordPiece token with the model's 32-d vector
      expect(new Set(rows.map((x) => x.level))).toEqual(new Set(['token']));
      expect(rows.length).toBeGreaterThan(80);
      expect(rows.every((x) => x.vector.length === 32)).toBe(true);
      expect(rows.find((x) => x.source === 'news/markets.txt' && x.index === 0).text).toBe('stocks');
    },
  },
  'npx ctxembed embed notes.txt --model ./models/bert --level token --out out/': {
    files: { 'notes.txt': path.join(DOCS, 'news', 'markets.txt'), 'models/bert': TINY },
    check: (r) => {
      checkEmbedFolder(r, ['notes.txt']);
      const rows = readJsonl(r.at('out/embeddings.jsonl'));
      const text = fs.readFileSync(r.at('notes.txt'), 'utf8');
      expect(rows.slice(0, 3).map((x) => x.text)).toEqual(['stocks', 'rose', 'on']);
      expect(text.slice(rows[1].start, rows[1].end)).toBe('rose');
      expect(rows.every((x) => x.source === 'notes.txt' && x.vector.length === 32)).toBe(true);
    },
  },
  'npx ctxembed embed docs/ --out out/ --format npy --level sentence --level document': {
    ...ON_DOCS,
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      const meta = readJsonl(r.at('out/meta.jsonl'));
      const npy = readNpy(r.at('out/vectors.npy'));
      expect([npy.rows, npy.dim]).toEqual([meta.length, 32]);
      expect(meta.filter((m) => m.level === 'document').map((m) => m.source).sort()).toEqual(ALL_DOCS);
      const sentences = meta.filter((m) => m.level === 'sentence');
      expect(sentences.length).toBeGreaterThanOrEqual(8);
      expect(sentences[0]).toMatchObject({ source: 'news/markets.txt', text: 'Stocks rose on Tuesday as investors weighed new figures on inflation.' });
      expect(meta.some((m) => 'vector' in m)).toBe(false);
    },
  },
  'npx ctxembed embed docs/ --out out/ --format lance --level sentence': {
    ...ON_DOCS,
    check: async (r) => {
      const manifest = checkEmbedFolder(r, ALL_DOCS);
      expect(fs.readdirSync(r.at('out')).sort()).toEqual(['__manifest', 'manifest.json', 'sentence.lance']);
      const rows = await readTable(r.at('out'), 'sentence');
      expect(rows).toHaveLength(manifest.committed.rows);
      expect(rows[0].fields).toEqual({ source: 'news/markets.txt', level: 'sentence', index: 0, text: 'Stocks rose on Tuesday as investors weighed new figures on inflation.', start: 0, end: 69 });
      expect(rows.every((x, i) => x.row === i && x.vector.length === 32)).toBe(true);
    },
  },
  "npx ctxembed embed docs/ --out out/ --include '**/*.md' --exclude 'drafts/**'": {
    files: { 'docs/': writeDocs },
    append: ['--model', TINY],
    why: `${MODEL_NOTE}; docs/ has a drafts/plan.md for --exclude to leave out`,
    check: (r) => {
      checkEmbedFolder(r, ['notes/garden.md']);
      expect(new Set(readJsonl(r.at('out/embeddings.jsonl')).map((x) => x.source))).toEqual(new Set(['notes/garden.md']));
    },
  },
  'npx ctxembed embed docs/ --out out/ --level word --layers -4,-3,-2,-1 --layer-agg concat --normalize': {
    files: { 'docs/': DOCS },
    append: ['--model', fixtureModel('tiny-12-layers')],
    why: `${MODEL_NOTE}; four of its layers: the 12-layer fixture`,
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      const rows = readJsonl(r.at('out/embeddings.jsonl'));
      expect(new Set(rows.map((x) => x.level))).toEqual(new Set(['word']));
      for (const x of rows) {
        expect(x.vector).toHaveLength(4 * 32);
        expect(norm(x.vector)).toBeCloseTo(1, 5);
      }
    },
  },
  'npx ctxembed embed docs/ --out out/ --sync': {
    files: {
      'docs/': DOCS,
      // out/ as an earlier run left it, over the documents and a file deleted since
      'out/': (dir) => {
        const earlier = tmpDir('readme-sync');
        fs.cpSync(DOCS, earlier, { recursive: true });
        fs.writeFileSync(path.join(earlier, 'old.txt'), 'A file deleted since it was embedded.');
        expect(ctxembed(['embed', earlier, '--out', dir, '--model', TINY]).code).toBe(0);
      },
    },
    append: ['--model', TINY],
    why: `${MODEL_NOTE}; out/ holds an earlier run's rows of a file deleted since`,
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      expect(r.stderr).toContain('ctxembed: no longer among the inputs: old.txt (rows dropped)');
      expect(r.stderr).toMatch(/^finished: 0 done, 3 already done/m);
      expect(r.stderr).toMatch(/^--sync: 1 gone since embedded: \d+ rows dropped$/m);
      const rows = readJsonl(r.at('out/embeddings.jsonl'));
      expect(new Set(rows.map((x) => x.source))).toEqual(new Set(ALL_DOCS));
    },
  },
  'npx ctxembed embed docs/ --out out/ --level sentence': {
    ...ON_DOCS,
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      expect(new Set(readJsonl(r.at('out/embeddings.jsonl')).map((x) => x.level))).toEqual(new Set(['sentence']));
    },
  },
  'npx ctxembed embed docs/ --model ./bert-base-uncased --offline --out out/': {
    files: { 'docs/': DOCS, 'bert-base-uncased': TINY },
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      expect(readJsonl(r.at('out/embeddings.jsonl')).every((x) => x.level === 'token' && x.vector.length === 32)).toBe(true);
    },
  },
  'npx ctxembed embed /mnt/shared/docs --out /mnt/shared/out --level sentence --format npy --queue redis://queue-host:6379': {
    files: { 'docs/': DOCS },
    replace: [['/mnt/shared/docs', 'docs/'], ['/mnt/shared/out', 'out/']],
    append: ['--model', TINY, '--job-size', '20'],
    why: `${MODEL_NOTE}; the shared folder is the test's own, queue-host:6379 a Redis of the test's own with two workers; jobs of 20 tokens' worth (a file each)`,
    redis: true,
    run: (args, cwd) =>
      withRedis(args, async (withUrl, url) => {
        const workers = [startWorker(url), startWorker(url)];
        try {
          return await startCtxembed(withUrl, { cwd }).done;
        } finally {
          await stopWorkers(workers);
        }
      }),
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      expect(r.stderr).toMatch(/^ctxembed: 3 jobs of about 20 tokens' worth of files: 0 merged before, 0 done and waiting to be merged, 3 in the queue at redis:\/\/127\.0\.0\.1:\d+$/m);
      expect(r.stderr).toMatch(/^finished: 3 done, 0 skipped, 0 failed of 3 files; \d+ rows in out\/ \(\d+ tokens in [\d.]+ s; 3 jobs on [12] workers?\)$/m);
      // the rows of a one-machine run, one vectors.npy and meta.jsonl
      expectSameOutput(r.at('out'), singleRun(['embed', r.at('docs'), '--level', 'sentence', '--format', 'npy', '--model', TINY]));
    },
  },
  'npx ctxembed worker --queue redis://queue-host:6379 --threads 4': {
    files: { 'docs/': DOCS },
    why: "queue-host:6379 is a Redis of the test's own; a coordinator runs beside the worker, which is stopped with SIGTERM (as by systemctl stop) once the run is done",
    redis: true,
    run: (args, cwd) =>
      withRedis(args, async (withUrl, url) => {
        const worker = startCtxembed(withUrl, { cwd });
        const coordinator = await startCtxembed(['embed', 'docs/', '--out', 'out/', '--level', 'sentence', '--model', TINY, '--queue', url, '--job-size', '20', '--quiet'], { cwd }).done;
        expect(coordinator.stderr).toMatch(/^finished: 3 done, 0 skipped, 0 failed of 3 files; .*3 jobs on 1 worker\)$/m);
        worker.child.kill('SIGTERM');
        return worker.done;
      }),
    check: (r) => {
      checkEmbedFolder(r, ALL_DOCS);
      const said = lines(r.stderr);
      expect(said[0]).toMatch(/^ctxembed worker: \S+:\d+: waiting for jobs at redis:\/\/127\.0\.0\.1:\d+$/);
      // a line as each job starts and one as it is done, with its files
      expect(said.filter((l) => /^ctxembed worker: job \S+: started, 1 files$/.test(l))).toHaveLength(3);
      expect(said.filter((l) => /^ctxembed worker: job \S+: done in [\d.]+ s: 1 done, 0 skipped, 0 failed; \d+ rows, \d+ tokens\/s$/.test(l))).toHaveLength(3);
      expect(said.slice(-2)).toEqual([
        'ctxembed worker: SIGTERM: committing the jobs in flight and handing them back (Ctrl-C again to quit at once)',
        expect.stringMatching(/^ctxembed worker: \S+:\d+ stopped after 3 jobs \(\d+ rows, \d+ tokens\)$/),
      ]);
    },
  },
  'npx ctxembed query --index out/ "interest rates rose" --k 5': {
    continues: true,
    check: (r) => {
      expect(r.code).toBe(0);
      // score, source:start-end, text, tab-separated
      const hits = lines(r.stdout).map((l) => /^(\d\.\d{4})\t(\S+):(\d+)-(\d+)\t(.+)$/.exec(l)!);
      expect(hits.every(Boolean)).toBe(true);
      expect(hits).toHaveLength(5);
      const scores = hits.map((h) => Number(h[1]));
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const [, , source, start, end, text] of hits) {
        expect(ALL_DOCS).toContain(source);
        expect(fs.readFileSync(r.at(`docs/${source}`), 'utf8').slice(Number(start), Number(end))).toBe(text);
      }
    },
  },
  'npx ctxembed query --index out/ --model ./models/bert "interest rates rose"': {
    continues: true,
    // the model folder the index names, copied elsewhere: the same files, so the same hits
    files: { 'models/bert': (dir) => fs.cpSync(TINY, dir, { recursive: true }) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(ctxembed(['query', '--index', r.at('out'), 'interest rates rose']).stdout);
      expect(lines(r.stdout).length).toBeGreaterThanOrEqual(8);
    },
  },
  'npx ctxembed embed docs/ --out out/ --format lance --level sentence --level document': {
    files: { 'docs/': writeLanceDocs },
    append: ['--model', TINY],
    why: `${MODEL_NOTE}; docs/ holds 332 sentences, for IVF-PQ to train on`,
    check: (r) => {
      expect(r.code).toBe(0);
      const m = readManifest(r.at('out'))!;
      expect(Object.keys(m.files)).toHaveLength(43);
      expect(Object.fromEntries(Object.entries(m.committed.tables!).map(([l, t]) => [l, t.rows]))).toEqual({ sentence: 12 + 320, document: 43 });
    },
  },
  'npx ctxembed index --index out/': {
    continues: true,
    check: async (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^indexed sentence: ivf_pq over 332 rows in \d+\.\d s, \d+\.\d MB$/m);
      expect(await tableIndexes(r.at('out'), 'sentence')).toEqual(['IvfPq']);
    },
  },
  'npx ctxembed query --index out/ "interest rates rose" --where "source LIKE \'news/%\'" --refine 10': {
    continues: true,
    check: (r) => {
      const hits = checkHits(r, 10);
      expect(hits.every((h) => h.source.startsWith('news/'))).toBe(true);
      // re-ranked exactly: the exact search's hits and scores
      expect(r.stdout).toBe(ctxembed(['query', '--index', r.at('out'), 'interest rates rose', '--where', "source LIKE 'news/%'", '--exact'], { cwd: r.cwd }).stdout);
    },
  },
  'npx ctxembed query --index out/ "interest rates rose" --exact': {
    continues: true,
    check: (r) => {
      checkHits(r, 10);
      // the streamed exact scan of the same rows as vectors.npy
      const npy = tmpDir('readme-lance-npy');
      expect(ctxembed(['convert', '--from', r.at('out'), '--to', npy, '--overwrite', '--quiet']).code).toBe(0);
      const scanned = ctxembed(['query', '--index', npy, 'interest rates rose'], { cwd: r.cwd });
      expect(lines(r.stdout).map((l) => l.split('\t')[1])).toEqual(lines(scanned.stdout).map((l) => l.split('\t')[1]));
      lines(r.stdout).forEach((l, i) => expect(Math.abs(Number(l.split('\t')[0]) - Number(lines(scanned.stdout)[i].split('\t')[0]))).toBeLessThanOrEqual(0.0001));
    },
  },
  'npx ctxembed index --index out/ --level document --kind ivf_hnsw_sq --partitions 4': {
    continues: true,
    check: async (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^indexed document: ivf_hnsw_sq over 43 rows in /m);
      expect(await tableIndexes(r.at('out'), 'document')).toEqual(['IvfHnswSq']);
      expect(await tableIndexes(r.at('out'), 'sentence')).toEqual(['IvfPq']);
    },
  },
  'npx ctxembed convert --from out/ --to out-npy/': {
    continues: true,
    check: async (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^converted 375 rows from lance to npy in \d+\.\d s: out-npy\/$/m);
      const meta = readJsonl(r.at('out-npy/meta.jsonl'));
      const npy = readNpy(r.at('out-npy/vectors.npy'));
      const rows = await readTables(r.at('out'));
      expect(meta).toEqual(rows.map((x) => x.fields));
      expect(Array.from(npy.data.subarray(0, 32))).toEqual(rows[0].vector);
      expect(readManifest(r.at('out-npy'))!.options.format).toBe('npy');
    },
  },
  'npx ctxembed quantize --model ./models/bert': {
    files: { 'models/bert': (dir) => fs.cpSync(fixtureModel('tiny-12-layers'), dir, { recursive: true }) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^wrote \S*models\/bert\/onnx\/model_quantized\.onnx: 72 MatMul\/Gemm quantized to int8; \d\.\d MB → \d\.\d MB$/m);
      const graph = onnx.ModelProto.decode(fs.readFileSync(r.at('models/bert/onnx/model_quantized.onnx'))).graph!;
      expect(graph.node!.filter((n) => n.opType === 'MatMulInteger')).toHaveLength(72);
    },
  },
  'npx ctxembed embed docs/ --model ./models/bert --dtype q8 --out out/': {
    continues: true,
    files: { 'docs/': DOCS },
    check: (r) => {
      const manifest = checkEmbedFolder(r, ALL_DOCS);
      expect(manifest.model.dtype).toBe('q8');
      const rows = readJsonl(r.at('out/embeddings.jsonl'));
      expect(rows.length).toBeGreaterThan(80);
      expect(rows.every((x) => x.level === 'token' && x.vector.length === 32)).toBe(true);
    },
  },
  "npx ctxembed quantize --model ./models/bert --out ./models/bert-q8 --per-channel --exclude '/encoder/layer.11/**'": {
    files: { 'models/bert': (dir) => fs.cpSync(fixtureModel('tiny-12-layers'), dir, { recursive: true }) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^wrote \S*models\/bert-q8\/onnx\/model_quantized\.onnx: 66 MatMul\/Gemm quantized to int8, 6 left float32;/m);
      expect(fs.existsSync(r.at('models/bert/onnx/model_quantized.onnx'))).toBe(false);
      expect(fs.readdirSync(r.at('models/bert-q8')).sort()).toEqual(fs.readdirSync(r.at('models/bert')).sort());
      const graph = onnx.ModelProto.decode(fs.readFileSync(r.at('models/bert-q8/onnx/model_quantized.onnx'))).graph!;
      const float = graph.node!.filter((n) => n.opType === 'MatMul' && graph.initializer!.some((t) => t.name === n.input![1]));
      expect(float.map((n) => n.name).every((n) => n!.startsWith('/encoder/layer.11/'))).toBe(true);
      // per channel: one scale per output column
      const weight = graph.node!.find((n) => n.opType === 'MatMulInteger')!.input![1].replace(/_quantized$/, '');
      const scale = graph.initializer!.find((t) => t.name === `${weight}_scale`)!;
      expect(scale.dims!.map(Number)).toEqual([32]);
    },
  },
  'npx ctxembed train word2vec --corpus corpus/ --out vectors.vec': {
    files: { 'corpus/': (dir) => (fs.mkdirSync(dir), writeGroupCorpus(path.join(dir, 'groups.txt'), 3000)) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^trained 40 words × 100 on \d+ words in .*; wrote vectors\.vec$/m);
      expect(fs.readFileSync(r.at('vectors.vec'), 'utf8').split('\n')[0]).toBe('40 100');
      checkGroupVectors(r.at('vectors.vec'));
    },
  },
  'npx ctxembed train word2vec --corpus text.tok.txt --tokenizer whitespace --arch skipgram --threads 4 --binary --out vectors.bin': {
    files: { 'text.tok.txt': BROWN },
    check: (r) => {
      expect(r.code).toBe(0);
      const kv = loadVectors(r.at('vectors.bin'));
      const vocabulary = brownVocabulary();
      expect(new Set(kv.words)).toEqual(new Set(vocabulary.keys()));
      expect(kv.words[0]).toBe([...vocabulary].sort((a, b) => b[1] - a[1])[0][0]); // most frequent first
      expect(kv.dim).toBe(100);
      // input vectors start within ±1/dim
      expect(kv.vectors.filter((v) => Math.abs(v) > 0.05).length).toBeGreaterThan(kv.vectors.length / 10);
    },
  },
  'npx ctxembed train glove --corpus corpus/ --out vectors.vec': {
    files: { 'corpus/': (dir) => (fs.mkdirSync(dir), writeGroupCorpus(path.join(dir, 'groups.txt'), 3000)) },
    check: (r) => {
      expect(r.code).toBe(0);
      const costs = epochCosts(r.stderr);
      expect(costs).toHaveLength(25);
      expect(costs[0]).toBeGreaterThan(0.1);
      expect(costs[24]).toBeLessThan(0.05 * costs[0]);
      const kv = checkGroupVectors(r.at('vectors.vec'));
      // initial W + W~ lies within ±1/dim
      expect(kv.vectors.filter((v) => Math.abs(v) > 0.1).length).toBeGreaterThan(kv.vectors.length / 4);
    },
  },
  'npx ctxembed train glove --corpus text.tok.txt --tokenizer whitespace --threads 2 --glove-format --out vectors.txt': {
    files: { 'text.tok.txt': BROWN },
    check: (r) => {
      expect(r.code).toBe(0);
      const costs = epochCosts(r.stderr);
      expect(costs).toHaveLength(25);
      expect(costs[24]).toBeLessThan(0.8 * costs[0]);
      const first = fs.readFileSync(r.at('vectors.txt'), 'utf8').split('\n')[0].split(' ');
      expect(first).toHaveLength(101); // GloVe's text format: no header
      expect(new Set(loadVectors(r.at('vectors.txt')).words)).toEqual(new Set(brownVocabulary().keys()));
    },
  },
  'npx ctxembed eval --vectors glove:6B-100d --wordsim EN-WS-353-ALL.txt --wordsim EN-SIMLEX-999.txt --analogy questions-words.txt': {
    files: DATASETS,
    check: (r) => {
      const report = evalReport(r, 'glove:6B-100d', 341479);
      const figures = readmeGloveFigures();
      if (sharedEval) {
        // printed to 4 decimals, the README's to 3
        expect(Math.abs(report.spearman('EN-WS-353-ALL.txt') - figures.ws)).toBeLessThanOrEqual(0.00051);
        expect(Math.abs(report.spearman('EN-SIMLEX-999.txt') - figures.simlex)).toBeLessThanOrEqual(0.00051);
        expect(report.analogy!.total).toBeGreaterThan(35);
      } else expect(report.spearman('EN-WS-353-ALL.txt')).toBeGreaterThan(0.3);
      expect(Math.abs(report.analogy!.add - figures.analogy)).toBeLessThan(0.25);
    },
  },
  'npx ctxembed eval --vectors vectors.vec --wordsim EN-WS-353-ALL.txt --wordsim EN-SIMLEX-999.txt --analogy questions-words.txt': {
    files: { ...DATASETS, 'vectors.vec': writeGloveHead('word2vec') },
    check: (r) => {
      const report = evalReport(r, 'vectors.vec', 30000);
      // the same Spearman as the library on the same vectors and pairs
      const want = evaluateWordSimilarity(gloveHead!, r.at('EN-WS-353-ALL.txt'), { restrictVocab: 300000 });
      expect(report.spearman('EN-WS-353-ALL.txt')).toBeCloseTo(want.spearman, 4);
      expect(report.analogy!.add).toBeGreaterThan(0.3);
    },
  },
  'npx ctxembed eval --vectors vectors.bin --analogy questions-words.txt --json': {
    files: { 'questions-words.txt': writeQuestions, 'vectors.bin': writeGloveHead('word2vec-binary') },
    check: (r) => {
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.vectors).toBe('vectors.bin');
      expect(json.analogy.total + json.analogy.oov).toBe(lines(fs.readFileSync(r.at('questions-words.txt'), 'utf8')).filter((l) => !l.startsWith(':')).length);
      expect(json.analogy.accuracy).toBeGreaterThan(0.3);
      expect(json.analogy.sections.reduce((s: number, x: { total: number }) => s + x.total, 0)).toBe(json.analogy.total);
    },
  },
  'npx ctxembed eval --vectors glove:6B-100d --neighbours king,bank --topn 5': {
    check: (r) => {
      expect(r.code).toBe(0);
      const out = lines(r.stdout);
      expect(out[0]).toBe('glove:6B-100d: 341479 words × 100');
      const neighbours = (word: string) => {
        const line = out.find((l) => l.startsWith(`${word}: `))!;
        return line.slice(word.length + 2).split(', ').map((n) => ({ word: n.split(' ')[0], similarity: Number(n.split(' ')[1]) }));
      };
      const king = neighbours('king');
      expect(king).toHaveLength(5);
      expect(king.map((n) => n.word)).toEqual(expect.arrayContaining(['prince', 'queen']));
      expect(king.map((n) => n.similarity)).toEqual([...king.map((n) => n.similarity)].sort((a, b) => b - a));
      expect(neighbours('bank').map((n) => n.word)).toContain('banks');
    },
  },
  'npx ctxembed distill --model ./bert --corpus corpus.txt --out bert.vec': {
    files: { bert: TINY, 'corpus.txt': path.join(COMPARE, 'corpus.txt') },
    check: (r) => {
      expect(r.code).toBe(0);
      const kv = loadVectors(r.at('bert.vec'));
      expect(kv.dim).toBe(32);
      // lowercased, most frequent first, each seen at least 5 times
      expect(kv.words.slice(0, 2)).toEqual(['the', '.']);
      expect(kv.words).toContain('bank');
    },
  },
  'npx ctxembed distill --model ./bert --corpus corpus/ --layers 0,6,12 --min-count 5 --max-contexts 100 --binary --out bert.bin': {
    files: { bert: fixtureModel('tiny-12-layers'), 'corpus/corpus.txt': path.join(COMPARE, 'corpus.txt') },
    why: './bert is the 12-layer fixture model, so that layers 6 and 12 exist',
    check: (r) => {
      expect(r.code).toBe(0);
      const layers = ['bert.L0.bin', 'bert.L6.bin', 'bert.L12.bin'].map((f) => {
        expect(r.stderr).toContain(f);
        return loadVectors(r.at(f));
      });
      expect(layers.map((kv) => kv.dim)).toEqual([32, 32, 32]);
      expect(layers[1].words).toEqual(layers[0].words);
      expect(layers[2].vector('bank')).not.toEqual(layers[0].vector('bank'));
    },
  },
  'npx ctxembed eval --vectors bert.L12.bin --wordsim EN-WS-353-ALL.txt --analogy questions-words.txt': {
    continues: true,
    files: DATASETS,
    check: (r) => {
      expect(r.code).toBe(0);
      const out = lines(r.stdout);
      expect(out[0]).toMatch(/^bert\.L12\.bin: \d+ words × 32$/);
      expect(out.find((l) => l.startsWith('EN-WS-353-ALL.txt: spearman'))).toMatch(/coverage \d+\.\d%/);
      expect(r.stdout).toMatch(/^questions-words\.txt: 3CosAdd /m);
    },
  },
  'npx ctxembed compare --model Xenova/bert-base-uncased --static glove:6B-100d --static w2v.vec --corpus corpus.txt --wordsim EN-WS-353-ALL.txt --wordsim EN-SIMLEX-999.txt --analogy questions-words.txt --senses fixtures/senses-bank.tsv --out report/': {
    files: { ...DATASETS, 'w2v.vec': path.join(COMPARE, 'static.vec'), 'corpus.txt': path.join(COMPARE, 'corpus.txt'), 'fixtures/senses-bank.tsv': path.join(FIXTURES_DIR, 'senses-bank.tsv') },
    replace: [['Xenova/bert-base-uncased', TINY]],
    why: 'a hub model (no network in tests): the fixture model instead',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^\d+ embeddings compared; report: report\/index\.html/m);
      const report = JSON.parse(fs.readFileSync(r.at('report/report.json'), 'utf8'));
      const names = report.embeddings.map((e: { name: string }) => e.name);
      expect(names.slice(0, 2)).toEqual(['glove:6B-100d', 'w2v.vec']);
      // distilled and isolated vectors at each of the fixture's layers 0, 1, 2
      expect(report.embeddings.filter((e: { kind: string }) => e.kind === 'distilled')).toHaveLength(3);
      expect(report.embeddings.filter((e: { kind: string }) => e.kind === 'isolated')).toHaveLength(3);
      expect(report.contextuality).toHaveLength(3);
      expect(report.polysemy.word).toBe('bank');
      expect(fs.readFileSync(r.at('report/index.html'), 'utf8')).toContain('glove:6B-100d');
    },
  },
  'npx ctxembed compare --static glove:6B-100d --static w2v.vec --wordsim EN-WS-353-ALL.txt --out report/': {
    files: { 'EN-WS-353-ALL.txt': WS353, 'w2v.vec': path.join(COMPARE, 'static.vec') },
    check: (r) => {
      expect(r.code).toBe(0);
      const report = JSON.parse(fs.readFileSync(r.at('report/report.json'), 'utf8'));
      expect(report.embeddings.map((e: { name: string }) => e.name)).toEqual(['glove:6B-100d', 'w2v.vec']);
      const glove = report.embeddings[0].wordsim[0].spearman;
      if (sharedEval) expect(Math.abs(glove - readmeGloveFigures().ws)).toBeLessThanOrEqual(0.0005);
      else expect(glove).toBeGreaterThan(0.3);
    },
  },
  'npx ctxembed compare --static glove:6B-100d --static w2v.vec --model Xenova/bert-base-uncased --classify MR.tsv --classify SUBJ.tsv --wsd hard.tsv --wsd line.tsv --out report/': {
    files: PROBE_DATASETS,
    replace: [['Xenova/bert-base-uncased', TINY]],
    why: `a hub model (no network in tests): the fixture model instead; ${sharedEval ? 'every 10th line of the shared datasets' : 'the fixture datasets'}, to stay quick`,
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^12 downstream probes; report: report\/index\.html/m);
      const report = JSON.parse(fs.readFileSync(r.at('report/report.json'), 'utf8'));
      expect(report.downstream.map((p: { embedding: string; task: string }) => `${p.embedding} ${p.task}`)).toEqual(
        ['glove:6B-100d', 'w2v.vec', 'tiny'].flatMap((e) => [`${e} classification`, `${e} classification`, `${e} wsd`, `${e} wsd`]),
      );
      const [gloveMR, , , gloveLine] = report.downstream;
      // the most frequent sense of line.tsv, from the file: what a static vector scores
      const senses = lines(fs.readFileSync(r.at('line.tsv'), 'utf8')).map((l) => l.split('\t')[1]);
      const top = Math.max(...[...new Set(senses)].map((x) => senses.filter((y) => y === x).length));
      expect(gloveLine.scores[0]).toMatchObject({ features: 'target', classifier: 'most-frequent' });
      expect(gloveLine.scores[0].accuracy).toBeCloseTo(top / senses.length, 2);
      expect(gloveMR.scores.map((x: { features: string }) => x.features)).toEqual(['mean', 'sif']);
      if (sharedEval) expect(gloveMR.scores[0].accuracy).toBeGreaterThan(0.6);
      // the model: mean and cls at each of the fixture's layers 0, 1, 2
      expect(report.downstream[8].scores).toHaveLength(6);
      expect(fs.readFileSync(r.at('report/index.html'), 'utf8')).toContain('<section id="downstream"><h2>Downstream</h2>');
    },
  },
  'npx ctxembed run pipelines/compare-static-dynamic.yaml --out runs/compare': {
    files: { pipelines: path.join(ROOT, 'pipelines'), fixtures: FIXTURES_DIR, '.cache/fixture-models': path.dirname(TINY) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^compare-static-dynamic: 5 steps ran, 0 cached; results in runs\/compare\/results\.csv$/m);
      const results = JSON.parse(fs.readFileSync(r.at('runs/compare/results.json'), 'utf8'));
      expect(new Set(results.map((x: { step: string }) => x.step))).toEqual(new Set(['scores', 'report']));
      expect(fs.existsSync(r.at('runs/compare/report/index.html'))).toBe(true);
    },
  },
  'npx ctxembed run pipelines/folder-index.yaml': {
    files: { pipelines: path.join(ROOT, 'pipelines'), fixtures: FIXTURES_DIR, '.cache/fixture-models': path.dirname(TINY) },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^folder-index: \d+ steps ran, 0 cached; results in runs\/folder-index\/results\.csv$/m);
      expect(lines(fs.readFileSync(r.at('runs/folder-index/results.csv'), 'utf8')).length).toBeGreaterThan(1);
    },
  },
  'npx ctxembed run pipelines/folder-index.yaml --out /tmp/run': {
    files: { pipelines: path.join(ROOT, 'pipelines'), fixtures: FIXTURES_DIR, '.cache/fixture-models': path.dirname(TINY) },
    replace: [['/tmp/run', 'tmp-run']],
    why: 'a folder of the test instead of the shared /tmp/run',
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/results in tmp-run\/results\.csv$/m);
      expect(fs.existsSync(r.at('tmp-run/results.json'))).toBe(true);
      expect(fs.existsSync(r.at('runs'))).toBe(false);
    },
  },
};

const commands = readmeCommands(fs.readFileSync(README, 'utf8'));
const root = tmpDir('readme');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test('every README command has an entry here, and every entry is a README command', () => {
  expect(commands.length).toBeGreaterThan(20);
  expect({ withoutEntry: commands.filter((c) => !(c in COMMANDS)), notInReadme: Object.keys(COMMANDS).filter((c) => !commands.includes(c)) }).toEqual({ withoutEntry: [], notInReadme: [] });
});

function prepare(dir: string, files: ReadmeCommand['files'] = {}): void {
  for (const [name, source] of Object.entries(files)) {
    const target = path.join(dir, name);
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof source === 'function') source(target);
    else fs.symlinkSync(source, target.replace(/\/$/, ''));
  }
}

let previous = '';
describe.each(commands.filter((c) => c in COMMANDS).map((c, i) => [c, i] as const))('%s', (command, i) => {
  const entry = COMMANDS[command];
  test(entry.why ? `runs (${entry.why})` : 'runs as written', async () => {
    if (entry.redis && !redisAvailable()) return;
    if (entry.continues && !previous) throw new Error('this command reads the outputs of the one before it, which did not run');
    const cwd = entry.continues ? previous : path.join(root, String(i));
    if (!entry.continues) fs.mkdirSync(cwd);
    previous = cwd;
    prepare(cwd, entry.files);
    let args = shellWords(command).slice(2);
    for (const [from, to] of entry.replace ?? []) args = args.map((a) => (a === from ? to : a));
    args.push(...(entry.append ?? []));
    const r = entry.run ? await entry.run(args, cwd) : ctxembed(args, { cwd, env: { CTXEMBED_CACHE: CACHE }, timeout: 300000 });
    const ran: Ran = { ...r, cwd, at: (p) => path.join(cwd, p) };
    try {
      await entry.check(ran);
    } catch (err) {
      (err as Error).message += `\n\nran: ctxembed ${args.join(' ')}\nin: ${cwd}\nexit: ${r.code}\nstderr:\n${r.stderr.slice(-2000)}`;
      throw err;
    }
  });
});
