import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors';
import { trainWord2VecCommand } from './train-word2vec';
import { trainGloVeCommand } from './train-glove';

/** One subcommand per static model; each registers itself here. */
export const TRAIN_COMMANDS: CommandModule[] = [trainWord2VecCommand, trainGloVeCommand];

export const trainCommand: CommandModule = {
  command: 'train <model>',
  describe: 'Train static word vectors on a corpus',
  builder: (y: Argv) => y.command(TRAIN_COMMANDS as any).demandCommand(1, 'Name a model to train: see ctxembed train --help'),
  handler: (argv: any) => {
    throw new UsageError(`unknown model to train: ${argv.model} (choose from ${TRAIN_COMMANDS.map((c) => String(c.command).split(' ')[0]).join(', ')})`);
  },
};
