/**
 * Trains Word2Vec with ours and with gensim (same settings and threads) on ../shared/corpus/mix.tok.txt
 * and evaluates both with the same code (ours) on ../shared/eval: words/s and scores side by side.
 *
 *   npx ts-node --transpile-only scripts/bench-word2vec.ts [--arch skipgram|cbow|both] [--threads 2] [--epochs 5]
 *
 * Words/s for both is the corpus words in the vocabulary times epochs over the training time
 * (vocabulary passes excluded), so the two rates share a numerator. CPU s is the process time of
 * all threads while training: on a shared machine, words per CPU second compares the two more
 * fairly than wall-clock rates do.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { evaluateAnalogies } from '../src/eval/analogy';
import { evaluateWordSimilarity } from '../src/eval/word-similarity';
import { loadVectors, saveVectors } from '../src/static/formats';
import { Architecture } from '../src/static/word2vec/args';
import { trainWord2Vec } from '../src/static/word2vec/train';

const SHARED = path.resolve(__dirname, '..', '..', 'shared');

const GENSIM = `
import sys, json, time, logging
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
corpus, out, sg, threads, epochs, alpha = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
m = Word2Vec(vector_size=100, window=5, min_count=5, negative=5, hs=0, sample=1e-3, sg=sg, alpha=alpha, workers=threads, seed=1)
sentences = LineSentence(corpus)
m.build_vocab(sentences)
t, cpu = time.time(), time.process_time()
m.train(sentences, total_examples=m.corpus_count, epochs=epochs)
seconds, cpu = time.time() - t, time.process_time() - cpu
m.wv.save_word2vec_format(out, binary=True)
print(json.dumps({'seconds': seconds, 'cpu': cpu, 'vocab': len(m.wv)}))
`;

interface Scores {
  ws353: number;
  simlex: number;
  analogy: number;
}

function evaluate(file: string): Scores {
  const kv = loadVectors(file);
  const ev = path.join(SHARED, 'eval');
  return {
    ws353: evaluateWordSimilarity(kv, path.join(ev, 'word-sim', 'EN-WS-353-ALL.txt')).spearman,
    simlex: evaluateWordSimilarity(kv, path.join(ev, 'word-sim', 'EN-SIMLEX-999.txt')).spearman,
    analogy: evaluateAnalogies(kv, path.join(ev, 'analogy', 'questions-words.txt')).accuracy,
  };
}

async function main(): Promise<void> {
  const argv = yargs(hideBin(process.argv))
    .option('arch', { choices: ['skipgram', 'cbow', 'both'] as const, default: 'both' as const })
    .option('threads', { type: 'number', default: 2 })
    .option('epochs', { type: 'number', default: 5 })
    .option('corpus', { type: 'string', default: path.join(SHARED, 'corpus', 'mix.tok.txt') })
    .option('gensim', { type: 'boolean', default: true, describe: 'Also train gensim (--no-gensim: ours only)' })
    .strict()
    .parseSync();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-w2v-'));
  const archs: Architecture[] = argv.arch === 'both' ? ['skipgram', 'cbow'] : [argv.arch];
  const rows: string[] = [];
  for (const arch of archs) {
    const alpha = arch === 'cbow' ? 0.05 : 0.025;
    console.error(`[${arch}] ours: training…`);
    const ours = await trainWord2Vec(argv.corpus, { arch, alpha, threads: argv.threads, epochs: argv.epochs, tokenizer: 'whitespace', seed: 1 });
    const oursCpu = ours.cpuSeconds;
    const oursFile = path.join(work, `ours-${arch}.bin`);
    saveVectors(ours.vectors, oursFile, { format: 'word2vec-binary' });
    const oursRate = ours.words / ours.seconds;
    const oursScores = evaluate(oursFile);
    rows.push(row(`ours ${arch}`, ours.seconds, oursCpu, oursRate, oursScores));
    console.error(rows[rows.length - 1]);
    if (!argv.gensim) continue;
    console.error(`[${arch}] gensim: training…`);
    const gensimFile = path.join(work, `gensim-${arch}.bin`);
    const r = spawnSync('/usr/bin/python3', ['-c', GENSIM, argv.corpus, gensimFile, arch === 'skipgram' ? '1' : '0', String(argv.threads), String(argv.epochs), String(alpha)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`gensim failed (exit ${r.status})`);
    const g = JSON.parse(r.stdout) as { seconds: number; cpu: number; vocab: number };
    const gensimRate = ours.words / g.seconds;
    const gensimScores = evaluate(gensimFile);
    rows.push(row(`gensim ${arch}`, g.seconds, g.cpu, gensimRate, gensimScores));
    rows.push(`  ours/gensim: ${(oursRate / gensimRate).toFixed(2)}x words/s, ${(g.cpu / oursCpu).toFixed(2)}x words per CPU s; Δ WS-353 ${(oursScores.ws353 - gensimScores.ws353).toFixed(3)}, Δ SimLex ${(oursScores.simlex - gensimScores.simlex).toFixed(3)}, Δ analogy ${(100 * (oursScores.analogy - gensimScores.analogy)).toFixed(1)} points (vocabularies: ${ours.vocab.size} vs ${g.vocab})`);
    console.error(rows.slice(-2).join('\n'));
  }
  console.log(`\nWord2Vec on ${argv.corpus}, ${argv.threads} threads, ${argv.epochs} epochs, dim 100, window 5, negative 5, sample 1e-3\n`);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log('model              train s    CPU s      words/s   WS-353   SimLex  analogy');
  console.log(rows.join('\n'));
  fs.rmSync(work, { recursive: true, force: true });
}

function row(name: string, seconds: number, cpu: number, rate: number, s: Scores): string {
  return `${name.padEnd(16)} ${seconds.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(8)} ${Math.round(rate).toString().padStart(12)}   ${s.ws353.toFixed(3)}    ${s.simlex.toFixed(3)}   ${(100 * s.analogy).toFixed(1)}%`;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
