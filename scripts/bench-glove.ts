/**
 * GloVe on ../shared/corpus/mix.tok.txt with Stanford GloVe's settings (min-count 5, window 10,
 * 100-d, 25 epochs, 2 threads): seconds per phase, peak RSS, and WordSim-353 / SimLex-999 /
 * analogy next to our Word2Vec on the same corpus and to glove:6B-100d.
 *
 *   npx ts-node --transpile-only scripts/bench-glove.ts [--epochs N] [--threads N] [--skip-word2vec] [--skip-pretrained]
 */
import * as path from 'path';
import { evaluateAnalogies } from '../src/eval/analogy';
import { evaluateWordSimilarity } from '../src/eval/word-similarity';
import { saveVectors } from '../src/static/formats';
import { trainGloVe } from '../src/static/glove/train';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { resolveVectors } from '../src/static/pretrained';
import { trainWord2Vec } from '../src/static/word2vec/train';

const SHARED = path.resolve(__dirname, '..', '..', 'shared');
const CORPUS = path.join(SHARED, 'corpus', 'mix.tok.txt');
const WORDSIM = path.join(SHARED, 'eval', 'word-sim');
const ANALOGY = path.join(SHARED, 'eval', 'analogy', 'questions-words.txt');

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const epochs = arg('epochs', 25);
const threads = arg('threads', 2);

function scores(name: string, kv: KeyedVectors): void {
  const t = Date.now();
  const ws = evaluateWordSimilarity(kv, path.join(WORDSIM, 'EN-WS-353-ALL.txt'));
  const sl = evaluateWordSimilarity(kv, path.join(WORDSIM, 'EN-SIMLEX-999.txt'));
  const an = evaluateAnalogies(kv, ANALOGY, { restrictVocab: 300000 });
  console.log(`${name.padEnd(28)} WordSim-353 ${ws.spearman.toFixed(3)}  SimLex-999 ${sl.spearman.toFixed(3)}  analogy ${an.accuracy.toFixed(3)}  (${kv.size} words; eval ${((Date.now() - t) / 1000).toFixed(0)} s)`);
}

const peakRssGB = () => (process.resourceUsage().maxRSS * 1024) / 1e9;

async function main(): Promise<void> {
  console.log(`GloVe on ${CORPUS}: min-count 5, window 10, 100-d, ${epochs} epochs, ${threads} threads`);
  const t0 = Date.now();
  const glove = await trainGloVe(CORPUS, {
    tokenizer: 'whitespace', minCount: 5, window: 10, dim: 100, epochs, threads,
    onPhase: (phase, s) => console.log(`  ${phase.padEnd(12)} ${s.toFixed(1)} s   (peak RSS so far ${peakRssGB().toFixed(2)} GB)`),
    onEpoch: (e, cost, s) => console.log(`    epoch ${String(e).padStart(2)}: cost ${cost.toFixed(6)}  ${s.toFixed(1)} s`),
  });
  const total = (Date.now() - t0) / 1000;
  console.log(`  total ${total.toFixed(1)} s; ${glove.vocabulary.size} words, ${glove.entries} entries; peak RSS ${peakRssGB().toFixed(2)} GB`);
  saveVectors(glove.vectors, path.join(require('os').tmpdir(), 'ctxembed-bench-glove.vec'));
  console.log('\nStanford GloVe (C), same corpus and settings: 1.8 + 14 + 16 + 1349 s = 1381 s; WordSim-353 0.456, SimLex-999 0.218, analogy 0.085');
  scores('ctxembed GloVe', glove.vectors);
  if (!flag('skip-word2vec')) {
    const w2v = await trainWord2Vec(CORPUS, { tokenizer: 'whitespace', minCount: 5, window: 10, dim: 100, threads });
    scores(`ctxembed Word2Vec (CBOW)`, w2v.vectors);
  }
  if (!flag('skip-pretrained')) scores('glove:6B-100d', resolveVectors('glove:6B-100d'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
