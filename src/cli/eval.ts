import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors';
import { evaluateAnalogies } from '../eval/analogy';
import { nearestNeighbours } from '../eval/neighbours';
import { evaluateWordSimilarity } from '../eval/word-similarity';
import { resolveVectors } from '../static/pretrained';

const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a');

export const evalCommand: CommandModule = {
  command: 'eval',
  describe: 'Evaluate static vectors on word similarity (Spearman, Pearson) and analogies (3CosAdd, 3CosMul), as gensim does; nearest neighbours of chosen words',
  builder: (y: Argv) =>
    y
      .option('vectors', { type: 'string', demandOption: true, describe: 'Vectors file (word2vec text or binary, or GloVe text; detected) or a built-in name: glove:6B-100d' })
      .option('wordsim', { type: 'string', array: true, default: [] as string[], describe: 'Word-similarity file, w1<TAB>w2<TAB>score (repeatable)' })
      .option('analogy', { type: 'string', describe: 'Analogy questions (questions-words.txt format)' })
      .option('neighbours', { type: 'string', describe: 'Comma-separated words whose nearest neighbours to list, e.g. king,bank' })
      .option('topn', { type: 'number', default: 10, describe: 'Neighbours per word' })
      .option('restrict-vocab', { type: 'number', default: 300000, describe: 'Only the first N words of the file count (gensim: 300,000)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the results as JSON' })
      .example('$0 eval --vectors vectors.vec --wordsim EN-WS-353-ALL.txt --wordsim EN-SIMLEX-999.txt --analogy questions-words.txt', '')
      .example('$0 eval --vectors glove:6B-100d --neighbours king,bank --topn 5', '')
      .check((argv) => {
        if ((argv.wordsim as string[]).length === 0 && !argv.analogy && !argv.neighbours) throw new UsageError('Give --wordsim, --analogy and/or --neighbours');
        if (!Number.isInteger(argv.topn) || (argv.topn as number) < 1) throw new UsageError('--topn must be a positive integer');
        return true;
      }),
  handler: (argv: any) => {
    const kv = resolveVectors(argv.vectors, { onWarning: (m) => console.error(`ctxembed: warning: ${m}`) });
    const lookup = { restrictVocab: argv['restrict-vocab'] };
    const wordsim = (argv.wordsim as string[]).map((f) => evaluateWordSimilarity(kv, f, lookup));
    const analogy = argv.analogy ? evaluateAnalogies(kv, argv.analogy, lookup) : undefined;
    const asked = argv.neighbours ? (argv.neighbours as string).split(',').map((w) => w.trim()).filter((w) => w.length > 0) : [];
    const neighbours = asked.length > 0 ? nearestNeighbours(kv, asked, { ...lookup, topn: argv.topn }) : undefined;
    if (argv.json) {
      console.log(JSON.stringify({ vectors: argv.vectors, wordsim, analogy, neighbours }, null, 2));
      return;
    }
    console.log(`${argv.vectors}: ${kv.size} words × ${kv.dim}`);
    for (const w of wordsim) {
      console.log(`${w.dataset}: spearman ${w.spearman.toFixed(4)}  pearson ${w.pearson.toFixed(4)}  coverage ${percent(w.pairs, w.pairs + w.oov)} (${w.pairs} pairs scored, ${w.oov} with unknown words skipped)`);
    }
    if (analogy) {
      for (const s of analogy.sections) console.log(`  ${s.section}: 3CosAdd ${percent(s.correct, s.total)} (${s.correct}/${s.total})  3CosMul ${percent(s.cosmulCorrect, s.total)} (${s.cosmulCorrect}/${s.total})`);
      const asked = analogy.total + analogy.oov;
      console.log(
        `${analogy.dataset}: 3CosAdd ${(100 * analogy.accuracy).toFixed(2)}% (${analogy.correct}/${analogy.total})  3CosMul ${(100 * analogy.cosmulAccuracy).toFixed(2)}% (${analogy.cosmulCorrect}/${analogy.total})  coverage ${percent(analogy.total, asked)} (${analogy.oov} questions with unknown words skipped)`,
      );
    }
    for (const word of asked) {
      const found = neighbours![word];
      console.log(found ? `${word}: ${found.map((n) => `${n.word} ${n.similarity.toFixed(3)}`).join(', ')}` : `${word}: not in the vocabulary`);
    }
  },
};
