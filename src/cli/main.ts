/** The `ctxembed` command line: thin yargs commands over the library. */
import yargs from 'yargs';
import { CtxembedError } from '../errors';
import { indexCommand } from './build-index';
import { compareCommand } from './compare';
import { convertCommand } from './convert';
import { distillCommand } from './distill';
import { embedCommand } from './embed';
import { evalCommand } from './eval';
import { quantizeCommand } from './quantize';
import { queryCommand } from './query';
import { runCommand } from './run';
import { trainCommand } from './train';
import { workerCommand } from './worker';

export const COMMANDS = [embedCommand, workerCommand, queryCommand, indexCommand, convertCommand, quantizeCommand, trainCommand, evalCommand, distillCommand, compareCommand, runCommand];

export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose');
  try {
    await yargs(argv)
      .scriptName('ctxembed')
      .usage('$0 <command> [options]\n\nContextual and static word and sentence embeddings.')
      .command(COMMANDS as any)
      .option('verbose', { type: 'boolean', describe: 'Print stack traces with errors', global: true })
      .demandCommand(1, 'Name a command: see ctxembed --help')
      .strict()
      .recommendCommands()
      .help()
      .alias('h', 'help')
      .version()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .exitProcess(false)
      .fail((msg, err) => {
        // yargs reports what its parser refused (a bare `--layers`: "Not enough arguments following") as a YError.
        if (err && err.name !== 'YError') throw err;
        throw new ParseError(msg);
      })
      .parseAsync();
  } catch (err) {
    process.exitCode = reportError(err, verbose);
  }
}

/** A yargs parse failure (unknown option, missing argument): exit 2 with the message and a pointer to --help. */
class ParseError extends CtxembedError {
  constructor(message: string) {
    super(`${message}\nRun 'ctxembed --help' for usage.`, 2);
  }
}

function reportError(err: unknown, verbose: boolean): number {
  if (err instanceof CtxembedError) {
    console.error(`ctxembed: ${err.message}`);
    if (verbose && err.stack) console.error(err.stack);
    return err.exitCode;
  }
  const e = err as Error;
  console.error(`ctxembed: unexpected error: ${e?.message ?? String(err)}`);
  if (verbose && e?.stack) console.error(e.stack);
  else console.error('(run again with --verbose for the stack trace)');
  return 1;
}
