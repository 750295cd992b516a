import type { Argv, CommandModule } from 'yargs';
import { BuiltIndex, INDEX_KINDS, IndexKind, indexFolder } from '../store/lance-index';

/** `indexed sentence: ivf_pq over 123 rows in 1.2 s, 0.4 MB`. */
export function describeIndex(i: BuiltIndex): string {
  return `indexed ${i.level}: ${i.kind} over ${i.rows} rows in ${i.seconds.toFixed(1)} s, ${(i.bytes / 1048576).toFixed(1)} MB`;
}

/** `building the ANN index of the sentence table (1234 rows)...`: what a run says before it builds one. */
export function describeIndexing(level: string, rows: number): string {
  return `building the ANN index of the ${level} table (${rows} rows)...`;
}

export const indexCommand: CommandModule = {
  command: 'index',
  describe: "Build the ANN index of a lance output's sentence or document table (query then searches through it)",
  builder: (y: Argv) =>
    y
      .option('index', { type: 'string', demandOption: true, describe: 'An output folder of ctxembed embed --format lance' })
      .option('level', { choices: ['sentence', 'document'], describe: 'Which table (default: sentence when present)' })
      .option('kind', { choices: INDEX_KINDS, default: 'ivf_pq' as IndexKind, describe: 'ivf_pq (small, fast) or ivf_hnsw_sq (larger, any row count)' })
      .option('partitions', { type: 'number', describe: 'IVF partitions (default: the square root of the rows)' })
      .example('$0 index --index out/', 'an IVF-PQ index on the sentence table')
      .example('$0 index --index out/ --level document --kind ivf_hnsw_sq', 'an HNSW index on the document table'),
  handler: async (argv: any) => {
    console.error(describeIndex(await indexFolder(argv.index, { level: argv.level, kind: argv.kind, partitions: argv.partitions })));
  },
};
