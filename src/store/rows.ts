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

/** The fields of a level's rows, in the order its rows are made (and their JSON written). */
export const ROW_FIELDS: Record<Level, readonly (keyof EmbeddingRow)[]> = {
  token: ['source', 'level', 'index', 'text', 'word', 'start', 'end'],
  word: ['source', 'level', 'index', 'text', 'start', 'end', 'tokens'],
  sentence: ['source', 'level', 'index', 'text', 'start', 'end'],
  document: ['source', 'level', 'index', 'text', 'start', 'end'],
};

/** A LanceDB table's committed version and how many rows it holds there. */
export interface TableState {
  version: number;
  rows: number;
}

/**
 * What a sink has durably written: rows, their dimension, the byte length of its line files, and
 * (lance) each level's table version.
 */
export interface SinkState {
  rows: number;
  dim: number;
  bytes: Record<string, number>;
  tables?: Record<string, TableState>;
}

/**
 * Where rows go. `write` buffers (and writes once the buffer is large), `endFile` marks the rows so
 * far as those of complete files, `commit` makes everything up to that mark durable and says how far
 * the outputs then reach, `rollback` cuts the outputs back to an earlier state (a failed run's last
 * commit) and closes them.
 */
export interface RowSink {
  write(row: EmbeddingRow, vector: Float32Array): Promise<void>;
  endFile(): void;
  commit(): Promise<SinkState>;
  rollback(to: SinkState): Promise<void>;
  close(): Promise<void>;
  /** Rows written so far, including those the sink continued from. */
  readonly rows: number;
}

export type OutputFormat = 'jsonl' | 'npy' | 'lance';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['jsonl', 'npy', 'lance'];

/** float32 values survive a round trip through 9 significant digits; fewer characters than the float64 text. */
export function vectorToJson(vector: Float32Array): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    out += Number(vector[i].toPrecision(9));
  }
  return out + ']';
}
