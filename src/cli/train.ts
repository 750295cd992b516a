import type { Argv, CommandModule } from 'yargs';
import { trainWord2VecCommand } from './train-word2vec';
import { trainGloVeCommand } from './train-glove';

/** One subcommand per static model; each registers itself here. */
export const TRAIN_COMMANDS: CommandModule[] = [trainWord2VecCommand, trainGloVeCommand];

const MODELS = TRAIN_COMMANDS.map((c) => String(c.command)).join(' or ');

export const trainCommand: CommandModule = {
  // [model] so that an unknown model also gets the message below (not "Unknown argument").
  command: 'train [model]',
  describe: `Train static word vectors on a corpus: ${MODELS}`,
  builder: (y: Argv) => y.command(TRAIN_COMMANDS as any).demandCommand(1, `name a model to train: ${MODELS} (ctxembed train <model> --help)`),
  // yargs runs a subcommand's handler, or fails with the demandCommand message: never this one.
  handler: () => undefined,
};
