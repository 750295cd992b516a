/** The rows ctxembed writes: one per token, word, sentence or document, each with its vector. */

export type Level = 'token' | 'word' | 'sentence' | 'document';
export const LEVELS: readonly Level[] = ['token', 'word', 'sentence', 'document'];

export interface EmbeddingRow {
  /** The file's path relative to the folder given, or its name when a file was given. */
  source: string;
  level: Level;
  /** Position of the unit within its source at this level. */
  index: number;
  text: string;
  /** Character offsets in the source (JavaScript string indices). */
  start: number;
  end: number;
  /** Token rows: the index of the word the token belongs to. */
  word?: number;
  /** Word rows: how many tokens the word has. */
  tokens?: number;
}

/** Where rows go; `flush` makes everything written so far durable and readable. */
export interface RowSink {
  write(row: EmbeddingRow, vector: Float32Array): void;
  flush(): void;
  close(): void;
  /** Rows written so far, including any the sink found on disk when it was opened. */
  readonly rows: number;
}

export type OutputFormat = 'jsonl' | 'npy';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jsonl', 'npy'];

/** float32 values survive a round trip through 9 significant digits; fewer characters than the float64 text. */
export function vectorToJson(vector: Float32Array): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    out += Number(vector[i].toPrecision(9));
  }
  return out + ']';
}
