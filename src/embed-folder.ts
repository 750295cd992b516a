/** The batch job: files and folders in, rows with vectors out. */
import * as fs from 'fs';
import { ContextualModel } from './contextual/model';
import { EmbedOptions, embedDocuments, prepareModel } from './embed';
import { OutputFormat } from './store/rows';
import { openSink } from './store/writers';
import { listSources } from './text/sources';

export interface EmbedFolderOptions extends EmbedOptions {
  out: string;
  format?: OutputFormat;
}

export interface EmbedSummary {
  files: number;
  rows: number;
  seconds: number;
}

export async function embedFolder(paths: string[], model: ContextualModel, options: EmbedFolderOptions): Promise<EmbedSummary> {
  const began = Date.now();
  const files = listSources(paths);
  await prepareModel(model, options);
  const sink = openSink(options.out, options.format ?? 'jsonl');
  try {
    const docs = (function* () {
      for (const file of files) yield { source: file.source, text: fs.readFileSync(file.path, 'utf8') };
    })();
    for await (const { rows } of embedDocuments(docs, model, options)) {
      for (const { vector, ...row } of rows) sink.write(row, vector);
      sink.flush();
    }
  } finally {
    sink.close();
  }
  return { files: files.length, rows: sink.rows, seconds: (Date.now() - began) / 1000 };
}
