import type { Argv, CommandModule } from 'yargs';
import { evaluateAnalogies } from '../compare/analogy';
import { evaluateWordSimilarity } from '../compare/word-similarity';
import { resolveVectors } from '../static/pretrained';

export const evalCommand: CommandModule = {
  command: 'eval',
  describe: 'Evaluate static vectors on word similarity (Spearman, Pearson) and analogies (3CosAdd), as gensim does',
  builder: (y: Argv) =>
    y
      .option('vectors', { type: 'string', demandOption: true, describe: 'Vectors file (word2vec text or binary, or GloVe text; detected) or a built-in name: glove:6B-100d' })
      .option('wordsim', { type: 'string', array: true, default: [] as string[], describe: 'Word-similarity file, w1<TAB>w2<TAB>score (repeatable)' })
      .option('analogy', { type: 'string', describe: 'Analogy questions (questions-words.txt format)' })
      .option('restrict-vocab', { type: 'number', default: 300000, describe: 'Only the first N words of the file count (gensim: 300,000)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as JSON' })
      .example('$0 eval --vectors vectors.vec --wordsim EN-WS-353-ALL.txt --wordsim EN-SIMLEX-999.txt --analogy questions-words.txt', '')
      .check((argv) => {
        if ((argv.wordsim as string[]).length === 0 && !argv.analogy) throw new Error('Give --wordsim and/or --analogy');
        return true;
      }),
  handler: (argv: any) => {
    const kv = resolveVectors(argv.vectors);
    const lookup = { restrictVocab: argv['restrict-vocab'] };
    const wordsim = (argv.wordsim as string[]).map((f) => evaluateWordSimilarity(kv, f, lookup));
    const analogy = argv.analogy ? evaluateAnalogies(kv, argv.analogy, lookup) : undefined;
    if (argv.json) {
      console.log(JSON.stringify({ vectors: argv.vectors, wordsim, analogy }, null, 2));
      return;
    }
    console.log(`${argv.vectors}: ${kv.size} words × ${kv.dim}`);
    for (const w of wordsim) console.log(`${w.dataset}: spearman ${w.spearman.toFixed(4)}  pearson ${w.pearson.toFixed(4)}  (${w.pairs} pairs, ${w.oov} with unknown words skipped)`);
    if (analogy) {
      for (const s of analogy.sections) console.log(`  ${s.section}: ${(100 * s.accuracy).toFixed(1)}% (${s.correct}/${s.total})`);
      console.log(`${analogy.dataset}: accuracy ${(100 * analogy.accuracy).toFixed(2)}% (${analogy.correct}/${analogy.total}; ${analogy.oov} questions with unknown words skipped)`);
    }
  },
};
