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

/** What a sink has durably written: rows, their dimension, and the byte length of its line files. */
export interface SinkState {
  rows: number;
  dim: number;
  bytes: Record<string, number>;
}

/**
 * Where rows go; `flush` writes what is buffered and says how far the files reach, `sync` makes it
 * durable, `rollback` cuts the files back to an earlier state (a failed run's last commit) and closes them.
 */
export interface RowSink {
  write(row: EmbeddingRow, vector: Float32Array): void;
  flush(): SinkState;
  sync(): void;
  rollback(to: SinkState): void;
  close(): void;
  /** Rows written so far, including those the sink continued from. */
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
