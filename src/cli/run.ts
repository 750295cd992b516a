import * as path from 'path';
import type { Argv, CommandModule } from 'yargs';
import { runPipeline } from '../pipeline/runner';
import { parsePipeline } from '../pipeline/spec';

export const runCommand: CommandModule = {
  command: 'run <spec>',
  describe: 'Run an experiment pipeline (pipelines/*.yaml); cached steps are not repeated',
  builder: (y: Argv) =>
    y
      .positional('spec', { type: 'string', describe: 'The pipeline spec (YAML)' })
      .option('out', { type: 'string', describe: 'Where step outputs and results go (default: runs/<spec name>)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Only the summary' })
      .example('$0 run pipelines/pooling-sweep.yaml', 'runs what changed since the last run, then writes runs/pooling-sweep/results.csv'),
  handler: async (argv: any) => {
    const spec = parsePipeline(argv.spec);
    const out = argv.out ?? path.join('runs', path.basename(argv.spec).replace(/\.ya?ml$/, ''));
    const run = await runPipeline(spec, { out, log: argv.quiet ? undefined : (m) => console.error(m) });
    console.error(`${spec.name}: ${run.ran.length} steps ran, ${run.cached.length} cached; results in ${path.join(out, 'results.csv')}`);
  },
};
