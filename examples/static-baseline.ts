/**
 * A static baseline: train Word2Vec on a corpus, save it in word2vec format, evaluate it.
 *   npx ts-node examples/static-baseline.ts [CORPUS] [WORDSIM]
 */
import * as os from 'os';
import * as path from 'path';
import { evaluateWordSimilarity, loadVectors, saveVectors, trainWord2Vec } from '../src/index';

async function main() {
  const root = path.join(__dirname, '..');
  const [corpus = path.join(root, 'fixtures', 'glove', 'brown-800.txt'), wordsim = path.join(root, 'fixtures', 'wordsim-small.txt')] = process.argv.slice(2);
  const { vectors } = await trainWord2Vec(corpus, { arch: 'skipgram', dim: 50, minCount: 2, epochs: 5, seed: 1, threads: 1, tokenizer: 'whitespace' });
  const file = path.join(os.tmpdir(), 'ctxembed-example.vec');
  saveVectors(vectors, file);
  const reloaded = loadVectors(file);
  console.log(`${reloaded.words.length} words x ${reloaded.dim}, saved to ${file}`);
  const r = evaluateWordSimilarity(reloaded, wordsim);
  console.log(`${path.basename(wordsim)}: spearman ${r.spearman.toFixed(3)} over ${r.pairs} pairs (${r.oov} skipped)`);
  console.log(`nearest to "county": ${reloaded.mostSimilar('county', 5).map((n) => n.word).join(', ')}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
