import type { Argv, CommandModule } from 'yargs';
import { runWorker } from '../queue/worker';

export const workerCommand: CommandModule = {
  command: 'worker',
  describe: 'Take jobs of queued embed runs (embed --queue) and embed them, until stopped',
  builder: (y: Argv) =>
    y
      .option('queue', { type: 'string', demandOption: true, describe: 'The Redis of the runs: redis://HOST:PORT[/DB]' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Jobs embedded at once' })
      .option('threads', { type: 'number', describe: 'onnxruntime threads (default: every CPU)' })
      .option('stall-seconds', { type: 'number', default: 30, describe: 'A worker silent this long (killed, its machine gone) has its job handed to another' })
      .option('offline', { type: 'boolean', default: false, describe: 'Never use the network for hub models (also HF_HUB_OFFLINE=1)' })
      .option('cache-dir', { type: 'string', describe: 'Where hub models are cached' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Only errors, no line per job' })
      .example('$0 worker --queue redis://queue-host:6379 --threads 2', 'one worker on this machine; start one per machine (or per few cores)'),
  handler: async (argv: any) => {
    let stop: NodeJS.Signals | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop === 'SIGINT' && signal === 'SIGINT') process.exit(130);
      stop ??= signal;
      console.error(`ctxembed worker: ${signal}: committing the jobs in flight and handing them back (Ctrl-C again to quit at once)`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const s = await runWorker({
        queue: argv.queue,
        concurrency: argv.concurrency,
        threads: argv.threads,
        stallSeconds: argv.stallSeconds,
        offline: argv.offline,
        cacheDir: argv.cacheDir,
        shouldStop: () => stop !== null,
        onLog: (line) => argv.quiet || console.error(`ctxembed worker: ${line}`),
      });
      console.error(`ctxembed worker: ${s.name} stopped after ${s.jobs} job${s.jobs === 1 ? '' : 's'} (${s.rows} rows, ${s.tokens} tokens)`);
      // A service stopped (SIGTERM) ends well; an interrupt ends as interrupts do.
      if (stop === 'SIGINT') process.exitCode = 130;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
