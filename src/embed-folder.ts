/** The batch job: files and folders in, rows with vectors out, through the contextual stage. */
import * as fs from 'fs';
import { contextualize, ContextualOptions } from './contextual/contextualize';
import { ContextualModel } from './contextual/model';
import { EmbeddingRow, Level, OutputFormat } from './store/rows';
import { openSink } from './store/writers';
import { listSources, SourceFile } from './text/sources';

export interface EmbedFolderOptions extends ContextualOptions {
  out: string;
  format?: OutputFormat;
  levels?: Level[];
}

export interface EmbedSummary {
  files: number;
  rows: number;
  tokens: number;
  seconds: number;
}

export async function embedFolder(paths: string[], model: ContextualModel, options: EmbedFolderOptions): Promise<EmbedSummary> {
  const began = Date.now();
  const files = listSources(paths);
  const sink = openSink(options.out, options.format ?? 'jsonl');
  let tokens = 0;
  try {
    const docs = (function* () {
      for (const file of files) yield { file, text: fs.readFileSync(file.path, 'utf8') };
    })();
    for await (const { item, states } of contextualize(docs, (d: { file: SourceFile; text: string }) => d.text, model, options)) {
      const t = states.tokens;
      const vectors = states.layers[0];
      for (let i = 0; i < t.ids.length; i++) {
        const row: EmbeddingRow = { source: item.file.source, level: 'token', index: i, text: t.tokens[i], word: t.wordIndex[i], start: t.starts[i], end: t.ends[i] };
        sink.write(row, vectors.subarray(i * states.dim, (i + 1) * states.dim));
      }
      tokens += t.ids.length;
      sink.flush();
    }
  } finally {
    sink.close();
  }
  return { files: files.length, rows: sink.rows, tokens, seconds: (Date.now() - began) / 1000 };
}
