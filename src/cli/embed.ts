import type { Argv, CommandModule } from 'yargs';
import { loadContextualModel } from '../contextual/model';
import { embedFolder } from '../embed-folder';
import { LEVELS, Level, OUTPUT_FORMATS, OutputFormat } from '../store/rows';
import { modelOptionsFrom, poolingOptionsFrom, windowOptionsFrom, withModelOptions, withPoolingOptions, withWindowOptions } from './options';

export const embedCommand: CommandModule = {
  command: 'embed <paths..>',
  describe: 'Embed files and folders of documents with a BERT model',
  builder: (y: Argv) =>
    withPoolingOptions(withWindowOptions(withModelOptions(y)))
      .positional('paths', { type: 'string', array: true, describe: 'Files or folders (walked recursively)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder' })
      .option('level', { choices: LEVELS, default: ['token'] as Level[], array: true, describe: 'What gets a row: token, word, sentence, document (repeat for several)' })
      .option('format', { choices: OUTPUT_FORMATS, default: 'jsonl' as OutputFormat, describe: 'jsonl (embeddings.jsonl) or npy (vectors.npy + meta.jsonl)' })
      .example('$0 embed notes.txt --model ./models/bert --level token --out out/', 'one row per token, with its vector')
      .example('$0 embed docs/ --out out/ --format npy --level sentence --level document', 'sentence and document vectors as vectors.npy + meta.jsonl')
      .example('$0 embed docs/ --out out/ --level word --layers -4,-3,-2,-1 --layer-agg concat', 'word vectors from the last four layers'),
  handler: async (argv: any) => {
    const model = await loadContextualModel(modelOptionsFrom(argv));
    try {
      const summary = await embedFolder(argv.paths, model, { ...windowOptionsFrom(argv), ...poolingOptionsFrom(argv), out: argv.out, format: argv.format, levels: argv.level });
      console.error(`embedded ${summary.files} files: ${summary.rows} rows in ${summary.seconds.toFixed(1)} s`);
    } finally {
      await model.dispose();
    }
  },
};
