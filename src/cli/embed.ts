import type { Argv, CommandModule } from 'yargs';
import { loadContextualModel } from '../contextual/model';
import { DEFAULT_MAX_FILE_BYTES, describeFileIssue, embedFolder, EmbedFolderOptions, EmbedSummary, InputChange } from '../embed-folder';
import { InputError, UsageError } from '../errors';
import { embedFolderQueued } from '../queue/coordinator';
import { DEFAULT_JOB_TOKENS } from '../queue/plan';
import { LEVELS, Level, OUTPUT_FORMATS, OutputFormat } from '../store/rows';
import { modelOptionsFrom, poolingOptionsFrom, windowOptionsFrom, withModelOptions, withPoolingOptions, withWindowOptions } from './options';
import { describeIndex, describeIndexing } from './build-index';
import { asMegabytes, createProgress } from './progress';

export const embedCommand: CommandModule = {
  command: 'embed <paths..>',
  describe: 'Embed files and folders of documents with a BERT model (resumable)',
  builder: (y: Argv) =>
    withPoolingOptions(withWindowOptions(withModelOptions(y)))
      .positional('paths', { type: 'string', array: true, describe: 'Files or folders (walked recursively)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Output folder (rerun the same command to resume)' })
      .option('level', { choices: LEVELS, default: ['token'] as Level[], array: true, describe: 'What gets a row: token, word, sentence, document (repeat for several)' })
      .option('format', { choices: OUTPUT_FORMATS, default: 'jsonl' as OutputFormat, describe: 'jsonl (embeddings.jsonl), npy (vectors.npy + meta.jsonl) or lance (a LanceDB table per level)' })
      .option('include', { type: 'string', array: true, describe: 'Only files whose path (relative to the folder) matches one of these globs' })
      .option('exclude', { type: 'string', array: true, describe: 'Leave out files whose path matches one of these globs' })
      .option('text-field', { type: 'string', default: 'text', describe: 'Field holding the text in .json / .jsonl records' })
      .option('fallback-encoding', { type: 'string', describe: 'Read files that are not valid UTF-8 in this encoding (e.g. windows-1252) instead of skipping them' })
      .option('max-file-size', { type: 'number', default: DEFAULT_MAX_FILE_BYTES / 1048576, describe: 'Skip files larger than this many MB' })
      .option('commit-seconds', { type: 'number', describe: 'How often outputs are synced and the manifest updated (what a killed run keeps); default 1, 10 for lance' })
      .option('overwrite', { type: 'boolean', default: false, describe: 'Start over in an output folder made with other options' })
      .option('sync', { type: 'boolean', default: false, describe: 'Drop the rows of files changed or gone since they were embedded, and embed the changed ones again' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' })
      .option('queue', { type: 'string', describe: 'Spread the run over workers (ctxembed worker) through the Redis at redis://HOST:PORT[/DB]' })
      .option('job-size', { type: 'number', describe: `With --queue: about how many tokens' worth of files (by size) make a job (default ${DEFAULT_JOB_TOKENS})` })
      .example('$0 embed notes.txt --model ./models/bert --level token --out out/', 'one row per token, with its vector')
      .example('$0 embed docs/ --out out/ --format npy --level sentence --level document', 'sentence and document vectors as vectors.npy + meta.jsonl')
      .example("$0 embed docs/ --out out/ --include '**/*.md' --exclude 'drafts/**'", 'only Markdown files, not the drafts')
      .example('$0 embed docs/ --out out/ --level word --layers -4,-3,-2,-1 --layer-agg concat', 'word vectors from the last four layers')
      .example('$0 embed docs/ --out out/ --format lance --level sentence', 'a LanceDB table of sentences, indexed for ANN search once it is large')
      .example('$0 embed docs/ --out out/ --sync', 'after files were edited, deleted or renamed: drop their rows, embed the edited ones again')
      .example('$0 embed /mnt/shared/docs --out /mnt/shared/out --queue redis://queue-host:6379', 'jobs for the workers of every machine; the same command resumes'),
  handler: async (argv: any) => {
    if (argv.jobSize !== undefined && !argv.queue) throw new UsageError('--job-size goes with --queue');
    const model = await loadContextualModel(modelOptionsFrom(argv));
    const progress = createProgress('MB', argv.quiet, 10, asMegabytes);
    let stopRequested = false;
    const onSigint = () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      progress.log(`\nstopping ${argv.queue ? "once the run's waiting jobs are off the queue" : 'after the batch in flight'} (Ctrl-C again to quit at once)`);
    };
    process.on('SIGINT', onSigint);
    const began = Date.now();
    const rate = (tokens: number) => `${Math.round(tokens / Math.max((Date.now() - began) / 1000, 1e-3))} tokens/s`;
    const options: EmbedFolderOptions = {
      ...windowOptionsFrom(argv),
      ...poolingOptionsFrom(argv),
      out: argv.out,
      format: argv.format,
      levels: argv.level,
      include: argv.include,
      exclude: argv.exclude,
      textField: argv.textField,
      fallbackEncoding: argv.fallbackEncoding,
      maxFileBytes: argv.maxFileSize * 1048576,
      overwrite: argv.overwrite,
      sync: argv.sync,
      commitSeconds: argv.commitSeconds,
      shouldStop: () => stopRequested,
      onFileIssue: (source, entry) => progress.log(`ctxembed: ${describeFileIssue(source, entry)}`),
      onInputChange: (c) => progress.log(`ctxembed: ${describeChange(c)}`),
      onIndex: (level, rows) => progress.log(describeIndexing(level, rows)),
    };
    try {
      let s: EmbedSummary;
      let spread = '';
      if (argv.queue) {
        const q = await embedFolderQueued(argv.paths, model, {
          ...options,
          queue: argv.queue,
          jobTokens: argv.jobSize,
          onProgress: (p) => progress.update(p.bytes, p.bytesTotal, { files: `${p.files}/${p.filesTotal} files`, rate: rate(p.tokens), jobs: `${p.jobsDone}/${p.jobs} jobs`, workers: `${p.workers} worker${p.workers === 1 ? '' : 's'}` }),
          onLog: (line) => progress.log(`ctxembed: ${line}`),
        });
        s = q;
        spread = `; ${q.jobs} job${q.jobs === 1 ? '' : 's'} on ${q.workers} worker${q.workers === 1 ? '' : 's'}`;
      } else {
        s = await embedFolder(argv.paths, model, {
          ...options,
          onProgress: (p) => progress.update(p.bytes, p.bytesTotal, { files: `${p.files}/${p.filesTotal} files`, rate: rate(p.tokens), rows: `${p.rows} rows` }),
        });
      }
      progress.stop();
      console.error(
        `${s.stopped ? 'stopped' : 'finished'}: ${s.done} done${s.alreadyDone ? `, ${s.alreadyDone} already done` : ''}, ${s.skipped} skipped, ${s.failed} failed of ${s.files} files; ` +
          `${s.rows} rows in ${argv.out} (${s.tokens} tokens in ${s.seconds.toFixed(1)} s${spread})`,
      );
      for (const i of s.indexed) console.error(describeIndex(i));
      if (s.badLines) console.error(`${s.badLines} bad line${s.badLines > 1 ? 's' : ''} of .jsonl files left out (see above)`);
      if (s.changed || s.gone) {
        const what = [s.changed && `${s.changed} changed`, s.gone && `${s.gone} gone`].filter(Boolean).join(' and ');
        console.error(argv.sync ? `--sync: ${what} since embedded: ${s.dropped} rows dropped${s.changed ? ', the changed files embedded again' : ''}` : `${what} since embedded: their rows are of the earlier inputs (run again with --sync to update them)`);
      }
      if (s.stopped) process.exitCode = 130;
      else if (s.done + s.alreadyDone + s.changed === 0) throw new InputError(s.files === 0 ? 'no files to embed' : 'nothing could be embedded');
    } finally {
      progress.stop();
      process.off('SIGINT', onSigint);
      await model.dispose();
    }
  },
};

function describeChange(c: InputChange): string {
  if (c.kind === 'changed') return `changed since it was embedded: ${c.source}${c.dropped ? ' (rows dropped, embedded again)' : ' (its rows are of the earlier content; --sync embeds it again)'}`;
  return `no longer among the inputs: ${c.source}${c.dropped ? ' (rows dropped)' : ' (its rows stay; --sync drops them)'}`;
}
