import type { Argv, CommandModule } from 'yargs';
import { queryIndex } from '../query';
import { LEVELS } from '../store/rows';

export const queryCommand: CommandModule = {
  command: 'query <text>',
  describe: 'Nearest sentences or documents of an embedded folder (cosine; a lance table through its ANN index)',
  builder: (y: Argv) =>
    y
      .positional('text', { type: 'string', describe: 'The query text' })
      .option('index', { type: 'string', demandOption: true, describe: 'An output folder of ctxembed embed (its manifest names the model and pooling)' })
      .option('k', { type: 'number', default: 10, describe: 'How many results' })
      .option('level', { choices: LEVELS.filter((l) => l === 'sentence' || l === 'document'), describe: 'Search sentence or document rows (default: sentence when present)' })
      .option('where', { type: 'string', requiresArg: true, describe: "An SQL filter on the rows' fields, e.g. \"source LIKE 'news/%'\" (--format lance)" })
      .option('exact', { type: 'boolean', default: false, describe: 'Compare with every row, not through the ANN index' })
      .option('refine', { type: 'number', requiresArg: true, describe: 'Re-rank N × k candidates of the ANN index by exact cosine' })
      .option('nprobes', { type: 'number', requiresArg: true, describe: "IVF partitions the ANN index searches (LanceDB's default: 20); more find more of the true neighbours" })
      .option('model', { type: 'string', describe: "The model, when not where the index's manifest says (a moved folder); checked against the model files' sha256 it records" })
      .option('offline', { type: 'boolean', default: false, describe: 'Never use the network (also HF_HUB_OFFLINE=1)' })
      .option('cache-dir', { type: 'string', describe: 'Where hub models are cached' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the hits as JSON' })
      .example('$0 query --index out/ "interest rates rose" --k 5', 'the five nearest sentences')
      .example(`$0 query --index out/ "interest rates rose" --where "source LIKE 'news/%'" --refine 10`, 'among the news only, candidates re-ranked exactly')
      .example('$0 query --index out/ --model ./models/bert "interest rates rose"', 'with the model folder moved since the index was made'),
  handler: async (argv: any) => {
    const hits = await queryIndex(argv.index, argv.text, {
      k: argv.k,
      level: argv.level,
      where: argv.where,
      exact: argv.exact,
      refine: argv.refine,
      nprobes: argv.nprobes,
      model: argv.model,
      offline: argv.offline,
      cacheDir: argv.cacheDir,
    });
    if (argv.json) console.log(JSON.stringify(hits.map((h) => ({ score: h.score, ...h.row }))));
    else for (const h of hits) console.log(`${h.score.toFixed(4)}\t${h.row.source}:${h.row.start}-${h.row.end}\t${h.row.text}`);
  },
};
