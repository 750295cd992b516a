import * as path from 'path';
import type { Argv, CommandModule } from 'yargs';
import { distillStatic } from '../analysis/distill';
import { WORD_SPLITTERS } from '../analysis/word-states';
import { loadContextualModel } from '../contextual/model';
import { WORD_POOLINGS, WordPooling } from '../pooling/words';
import { saveVectors } from '../static/formats';
import { modelOptionsFrom, windowOptionsFrom, withModelOptions, withWindowOptions } from './options';

/** `v.vec` for one layer; `v.L4.vec`, `v.L12.vec`… for several. */
export function layerFile(out: string, layer: number, several: boolean): string {
  if (!several) return out;
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}.L${layer}${ext}`;
}

export const distillCommand: CommandModule = {
  command: 'distill',
  describe: "Static word vectors from a contextual model: each word's contextual vectors averaged over its occurrences in a corpus",
  builder: (y: Argv) =>
    withWindowOptions(withModelOptions(y))
      .option('corpus', { type: 'string', array: true, demandOption: true, describe: 'Text files or folders (walked recursively); one sentence (context) a line' })
      .option('out', { type: 'string', demandOption: true, describe: 'Vectors file to write (word2vec text format); with several layers, one file per layer: v.L4.vec…' })
      // nargs: 1 takes the next argument as the value even when it begins with '-' (--layers -4,-3,-2,-1).
      .option('layers', { type: 'string', nargs: 1, default: '-1', describe: "Hidden states: -1 (last), a list such as 0,6,12, or 'all' (0 is the embeddings); one file each" })
      .option('min-count', { type: 'number', default: 5, describe: 'Leave out words with fewer occurrences' })
      .option('max-contexts', { type: 'number', default: 100, describe: 'Occurrences averaged per word (the first ones in the corpus)' })
      .option('word-pooling', { choices: WORD_POOLINGS, default: 'mean' as WordPooling, describe: "Subword pieces to a word's vector" })
      .option('tokenizer', { choices: WORD_SPLITTERS, default: 'bert', describe: "Words: BERT's word segmentation (lowercased for uncased models), or a static trainer's tokenizer, to match its vocabulary" })
      .option('binary', { type: 'boolean', default: false, describe: 'Write the word2vec binary format' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No summary on stderr' })
      .example('$0 distill --model ./bert --corpus corpus.txt --out bert.vec', 'the last layer')
      .example('$0 distill --model ./bert --corpus corpus/ --layers 0,6,12 --out bert.vec', 'bert.L0.vec, bert.L6.vec, bert.L12.vec')
      .check((argv) => {
        for (const name of ['min-count', 'max-contexts']) {
          const v = argv[name] as number;
          if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
        }
        return true;
      }),
  handler: async (argv: any) => {
    const model = await loadContextualModel(modelOptionsFrom(argv));
    try {
      const started = Date.now();
      const layers = await distillStatic(model, argv.corpus, {
        ...windowOptionsFrom(argv),
        layers: argv.layers, minCount: argv['min-count'], maxContexts: argv['max-contexts'], wordPooling: argv['word-pooling'], tokenizer: argv.tokenizer,
      });
      for (const { layer, vectors } of layers) {
        const file = layerFile(argv.out, layer, layers.length > 1);
        saveVectors(vectors, file, { format: argv.binary ? 'word2vec-binary' : 'word2vec' });
        if (!argv.quiet) console.error(`layer ${layer}: ${vectors.size} words × ${vectors.dim} → ${file}`);
      }
      if (!argv.quiet) console.error(`distilled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await model.dispose();
    }
  },
};
