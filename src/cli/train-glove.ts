import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors';
import { ensureWritableFile } from '../files';
import { TOKENIZERS } from '../static/corpus';
import { saveVectors } from '../static/formats';
import { GLOVE_DEFAULTS, trainGloVe } from '../static/glove/train';

export const trainGloVeCommand: CommandModule = {
  command: 'glove',
  describe: 'GloVe: co-occurrence counts, then weighted least squares by AdaGrad (defaults as Stanford GloVe)',
  builder: (y: Argv) =>
    y
      .option('corpus', { type: 'string', array: true, demandOption: true, describe: 'Text files or folders (walked recursively); windows stay within a line' })
      .option('out', { type: 'string', demandOption: true, describe: 'Vectors file to write (word2vec text format)' })
      .option('binary', { type: 'boolean', default: false, describe: 'Write the word2vec binary format' })
      .option('glove-format', { type: 'boolean', default: false, describe: "Write GloVe's headerless text format" })
      .option('dim', { type: 'number', default: GLOVE_DEFAULTS.dim, describe: 'Vector dimensions' })
      .option('window', { type: 'number', default: GLOVE_DEFAULTS.window, describe: 'Context words each side, weighted by 1 / distance' })
      .option('min-count', { type: 'number', default: GLOVE_DEFAULTS.minCount, describe: 'Drop words seen fewer times' })
      .option('max-vocab', { type: 'number', describe: 'Keep at most this many words, the most frequent' })
      .option('memory', { type: 'number', default: GLOVE_DEFAULTS.memoryBytes / 1e9, describe: 'GB for co-occurrence counting; past it, sorted runs spill to disk' })
      .option('x-max', { type: 'number', default: GLOVE_DEFAULTS.xMax, describe: 'Weighting cut-off: f(x) = min(1, (x / x-max)^alpha)' })
      .option('alpha', { type: 'number', default: GLOVE_DEFAULTS.alpha, describe: 'Weighting exponent' })
      .option('learning-rate', { type: 'number', default: GLOVE_DEFAULTS.learningRate, describe: "AdaGrad's initial learning rate" })
      .option('epochs', { type: 'number', default: GLOVE_DEFAULTS.epochs, describe: 'Passes over the co-occurrence entries (shuffled each time)' })
      .option('threads', { type: 'number', describe: 'Training threads (default: all cores)' })
      .option('seed', { type: 'number', default: GLOVE_DEFAULTS.seed, describe: 'Random seed (a run with --threads 1 is reproducible)' })
      .option('tokenizer', { choices: TOKENIZERS, default: 'default', describe: 'default: lowercase words; whitespace: pre-tokenized text as is' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' })
      .example('$0 train glove --corpus corpus/ --out vectors.vec', '100 dimensions, window 10, 25 epochs')
      .example('$0 train glove --corpus text.tok.txt --tokenizer whitespace --threads 2 --glove-format --out vectors.txt', "GloVe's own text format"),
  handler: async (argv: any) => {
    if (argv.binary && argv.gloveFormat) throw new UsageError('--binary and --glove-format exclude each other');
    ensureWritableFile(argv.out);
    const log = argv.quiet ? () => undefined : (line: string) => console.error(line);
    const result = await trainGloVe(argv.corpus, {
      dim: argv.dim, window: argv.window, minCount: argv['min-count'], maxVocab: argv['max-vocab'], memoryBytes: argv.memory * 1e9,
      xMax: argv['x-max'], alpha: argv.alpha, learningRate: argv['learning-rate'], epochs: argv.epochs, threads: argv.threads,
      seed: argv.seed, tokenizer: argv.tokenizer,
      onPhase: (phase, s) => log(`${phase}: ${s.toFixed(1)} s`),
      onEpoch: (epoch, cost, s) => log(`epoch ${epoch}/${argv.epochs}: cost ${cost.toFixed(6)} (${s.toFixed(1)} s)`),
    });
    saveVectors(result.vectors, argv.out, { format: argv.binary ? 'word2vec-binary' : argv.gloveFormat ? 'glove' : 'word2vec' });
    log(`trained ${result.vocabulary.size} words × ${argv.dim} on ${result.entries} co-occurrence entries; wrote ${argv.out}`);
  },
};
