import type { Argv, CommandModule } from 'yargs';
import { convertOutputs } from '../store/convert';
import { OUTPUT_FORMATS, OutputFormat } from '../store/rows';
import { describeIndex, describeIndexing } from './build-index';
import { createProgress } from './progress';

export const convertCommand: CommandModule = {
  command: 'convert',
  describe: 'Move an output folder to another format without embedding again (npy or jsonl to lance, lance to npy)',
  builder: (y: Argv) =>
    y
      .option('from', { type: 'string', demandOption: true, describe: 'An output folder of ctxembed embed' })
      .option('to', { type: 'string', demandOption: true, describe: 'The folder to write' })
      .option('format', { choices: OUTPUT_FORMATS, describe: 'The format to write (default: lance, or npy from lance)' })
      .option('overwrite', { type: 'boolean', default: false, describe: 'Replace the outputs the --to folder holds' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' })
      .example('$0 convert --from out/ --to out-lance/', 'npy or jsonl outputs into LanceDB tables')
      .example('$0 convert --from out-lance/ --to out-npy/', 'and back to vectors.npy + meta.jsonl'),
  handler: async (argv: any) => {
    const progress = createProgress('rows', argv.quiet);
    const began = Date.now();
    try {
      const s = await convertOutputs(argv.from, argv.to, {
        format: argv.format as OutputFormat | undefined,
        overwrite: argv.overwrite,
        onProgress: (rows, total) => progress.update(rows, total, { rate: `${Math.round(rows / Math.max((Date.now() - began) / 1000, 1e-3))} rows/s` }),
        onIndex: (level, rows) => progress.log(describeIndexing(level, rows)),
      });
      progress.stop();
      console.error(`converted ${s.rows} rows from ${s.from} to ${s.to} in ${s.seconds.toFixed(1)} s: ${argv.to}`);
      for (const i of s.indexed) console.error(describeIndex(i));
    } finally {
      progress.stop();
    }
  },
};
