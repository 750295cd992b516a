import { SingleBar } from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { TOKENIZERS } from '../static/corpus';
import { ensureWritableFile } from '../files';
import { saveVectors } from '../static/formats';
import { ARCHITECTURES, TrainingProgress, WORD2VEC_DEFAULTS as D } from '../static/word2vec/args';
import { trainWord2Vec } from '../static/word2vec/train';

export const trainWord2VecCommand: CommandModule = {
  command: 'word2vec',
  describe: 'Word2Vec: skip-gram or CBOW, negative sampling or hierarchical softmax (defaults as word2vec.c)',
  builder: (y: Argv) =>
    y
      .option('corpus', { type: 'string', array: true, demandOption: true, describe: 'Text files or folders (walked recursively); one sentence a line' })
      .option('out', { type: 'string', demandOption: true, describe: 'Vectors file to write (word2vec text format)' })
      .option('binary', { type: 'boolean', default: false, describe: 'Write the word2vec binary format' })
      .option('arch', { choices: ARCHITECTURES, default: D.arch, describe: 'Architecture' })
      .option('dim', { type: 'number', default: D.dim, describe: 'Vector dimensions' })
      .option('window', { type: 'number', default: D.window, describe: 'Context words each side (shrunk at random per word)' })
      .option('min-count', { type: 'number', default: D.minCount, describe: 'Drop words seen fewer times' })
      .option('max-vocab', { type: 'number', describe: 'Keep at most this many words, the most frequent' })
      .option('negative', { type: 'number', default: D.negative, describe: 'Negative samples (0: none)' })
      .option('hs', { type: 'boolean', default: D.hs, describe: 'Hierarchical softmax' })
      .option('sample', { type: 'number', default: D.sample, describe: 'Subsampling threshold for frequent words (0: none)' })
      .option('epochs', { type: 'number', default: D.epochs, describe: 'Passes over the corpus' })
      .option('alpha', { type: 'number', describe: 'Starting learning rate (default 0.025 skip-gram, 0.05 CBOW), decayed linearly' })
      .option('seed', { type: 'number', default: D.seed, describe: 'Random seed (a run with --threads 1 is reproducible)' })
      .option('threads', { type: 'number', default: D.threads, describe: 'Training threads' })
      .option('tokenizer', { choices: TOKENIZERS, default: D.tokenizer, describe: 'default: lowercase words; whitespace: pre-tokenized text as is' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' })
      .example('$0 train word2vec --corpus corpus/ --out vectors.vec', 'CBOW, 100 dimensions')
      .example('$0 train word2vec --corpus text.tok.txt --tokenizer whitespace --arch skipgram --threads 4 --binary --out vectors.bin', 'skip-gram on a pre-tokenized corpus'),
  handler: async (argv: any) => {
    ensureWritableFile(argv.out);
    const progress = argv.quiet ? undefined : progressReporter();
    const result = await trainWord2Vec(argv.corpus, {
      arch: argv.arch, dim: argv.dim, window: argv.window, minCount: argv['min-count'], maxVocab: argv['max-vocab'],
      negative: argv.negative, hs: argv.hs, sample: argv.sample, epochs: argv.epochs, alpha: argv.alpha,
      seed: argv.seed, threads: argv.threads, tokenizer: argv.tokenizer, onProgress: progress?.update,
    });
    progress?.stop();
    saveVectors(result.vectors, argv.out, { format: argv.binary ? 'word2vec-binary' : 'word2vec' });
    if (!argv.quiet) {
      console.error(`trained ${result.vocab.size} words × ${argv.dim} on ${result.words} words in ${result.seconds.toFixed(1)} s (${Math.round(result.words / result.seconds)} words/s); wrote ${argv.out}`);
    }
  },
};

/** A progress bar on a terminal; a line every 10 s otherwise (logs, CI). */
function progressReporter(): { update: (p: TrainingProgress) => void; stop: () => void } {
  const rate = (p: TrainingProgress) => Math.round(p.words / Math.max(p.seconds, 1e-3));
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: 'training |{bar}| {percentage}% | {words} words/s | alpha {alpha} | ETA {eta}s', stream: process.stderr, hideCursor: true });
    let started = false;
    return {
      update: (p) => {
        const payload = { words: rate(p), alpha: p.alpha.toFixed(5) };
        if (!started) bar.start(p.totalWords, p.words, payload);
        else bar.update(p.words, payload);
        started = true;
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = -Infinity;
  return {
    update: (p) => {
      if (p.seconds - last < 10 && p.words < p.totalWords) return;
      last = p.seconds;
      console.error(`training: ${((100 * p.words) / p.totalWords).toFixed(1)}% ${p.words}/${p.totalWords} words, ${rate(p)} words/s, alpha ${p.alpha.toFixed(5)}`);
    },
    stop: () => undefined,
  };
}
