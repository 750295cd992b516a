/**
 * Documents in, rows with vectors out: the contextual stage composed with pooling.
 * Token, word and document rows come from (windowed) passes over each document; sentence rows
 * from each sentence run as its own sequence, as sentence encoders are used. A long document runs
 * in parts of at most PART_CHARS characters cut at whitespace, and its sentences are found as its
 * text streams in, so memory does not grow with it (a document may come in pieces, never whole).
 */
import { contextualize, ContextualOptions, TokenStates } from './contextual/contextualize';
import { exposeLayers, parseLayers } from './contextual/layers';
import { ContextualModel, loadContextualModel, ModelOptions } from './contextual/model';
import { combinedDim, combineLayers, LayerAggregation } from './pooling/layers';
import { normalizeRows } from './pooling/normalize';
import { withDefaults } from './options';
import { poolSequence, SequencePooler, SequencePooling } from './pooling/sequence';
import { poolWords, WordPooling, wordPoolingDim } from './pooling/words';
import { EmbeddingRow, Level } from './store/rows';
import { TextPieces } from './text/readers';
import { streamSentences } from './text/sentences';

export interface PoolingOptions {
  wordPooling?: WordPooling;
  /** Pooling for sentence and document vectors. */
  sentencePooling?: SequencePooling;
  /** `-1` (default), a comma list such as `-4,-3,-2,-1`, or `all`. */
  layers?: string;
  layerAgg?: LayerAggregation;
  normalize?: boolean;
}

export interface EmbedOptions extends ContextualOptions, PoolingOptions {
  levels?: Level[];
}

export interface EmbeddedRow extends EmbeddingRow {
  vector: Float32Array;
}

export interface SourceText {
  source: string;
  /** The whole text, or its pieces (a large file read chunk by chunk). */
  text: string | TextPieces;
}

/** Documents longer than this run in parts (a few dozen windows each). */
export const PART_CHARS = 20_000;

interface DocState<D> {
  doc: D;
  tokens: number;
  words: number;
  pooler: SequencePooler | null;
  sep: Float32Array | null;
  /** The document row's text and end, known once its parts are read. */
  preview: string;
  length: number;
}

type Unit<D> =
  | { state: DocState<D>; kind: 'part'; offset: number; text: string; first: boolean }
  | { state: DocState<D>; kind: 'sentence'; index: number; start: number; end: number; text: string }
  /** Closes a document: everything before it in the stream is done. */
  | { state: DocState<D>; kind: 'end' };

/** What one step of the stream yields: some of a document's rows; `done` on its last yield. */
export interface DocRows<D> {
  doc: D;
  rows: EmbeddedRow[];
  done: boolean;
  /** Tokens the model ran for this step. */
  tokens: number;
}

const PREVIEW_CHARS = 80;

/** The document row's `text`: the start of the document, whitespace collapsed. */
function preview(text: string): string {
  const flat = text.slice(0, 4 * PREVIEW_CHARS).replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

export interface TextPart {
  start: number;
  end: number;
  text: string;
}

/** Cuts a text, given in pieces, into parts of at most `max` characters, at a paragraph break, else a space. */
export function* textParts(pieces: Iterable<string>, max: number = PART_CHARS): Generator<TextPart> {
  let held = '';
  let at = 0; // where the next part starts in `held`
  let offset = 0; // ... and in the text
  for (const piece of pieces) {
    held = held.slice(at) + piece;
    at = 0;
    while (held.length - at > max) {
      const window = held.slice(at, at + max);
      let cut = window.lastIndexOf('\n\n');
      if (cut < max / 2) cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
      if (cut < max / 2) cut = max; // no whitespace: a hard cut
      yield { start: offset, end: offset + cut, text: window.slice(0, cut) };
      at += cut;
      offset += cut;
    }
  }
  yield { start: offset, end: offset + held.length - at, text: held.slice(at) };
}

const piecesOf = (text: string | TextPieces): Iterable<string> => (typeof text === 'string' ? [text] : text.pieces());

/** Selects the model's layers for these options; call once per model before embedding. */
export async function prepareModel(model: ContextualModel, options: PoolingOptions): Promise<void> {
  await exposeLayers(model, parseLayers(options.layers, model.numLayers));
}

/**
 * Streams documents through the model and pooling, in input order. A document's rows come over
 * one or more yields, the last with `done`: token then word rows (part by part for a long
 * document), sentence rows, then the document row. Call `prepareModel` first.
 */
export async function* embedDocuments<D extends SourceText>(
  docs: Iterable<D> | AsyncIterable<D>,
  model: ContextualModel,
  options: EmbedOptions = {},
): AsyncGenerator<DocRows<D>> {
  const levels = new Set<Level>(options.levels ?? ['token']);
  const wholeDoc = levels.has('token') || levels.has('word') || levels.has('document');
  const agg = options.layerAgg ?? 'mean';
  const poolMode = options.sentencePooling ?? 'mean';
  const wordMode = options.wordPooling ?? 'mean';

  async function* units(): AsyncGenerator<Unit<D>> {
    for await (const doc of docs as AsyncIterable<D>) {
      const state: DocState<D> = { doc, tokens: 0, words: 0, pooler: null, sep: null, preview: '', length: 0 };
      if (wholeDoc) {
        for (const part of textParts(piecesOf(doc.text))) {
          const first = part.start === 0;
          if (first) state.preview = preview(part.text);
          state.length = part.end;
          yield { state, kind: 'part', offset: part.start, text: part.text, first };
        }
      }
      if (levels.has('sentence')) {
        let index = 0;
        for (const s of streamSentences(piecesOf(doc.text))) yield { state, kind: 'sentence', index: index++, ...s };
      }
      yield { state, kind: 'end' };
    }
  }

  const textOf = (u: Unit<D>) => (u.kind === 'end' ? '' : u.text);
  const finish = (v: Float32Array, dim: number) => (options.normalize ? normalizeRows(v, dim) : v);

  for await (const { item: unit, states } of contextualize(units(), textOf, model, options)) {
    const { state } = unit;
    const source = state.doc.source;
    const dim = combinedDim(agg, states.layers.length, states.dim);
    const rows: EmbeddedRow[] = [];
    if (unit.kind === 'part') {
      const tokens = combineLayers(states.layers, states.dim, agg);
      rows.push(...partRows(states, tokens, dim, unit, state, source));
      if (levels.has('document')) {
        if (unit.first) state.pooler = new SequencePooler(dim, poolMode).add(combineLayers(states.cls, states.dim, agg));
        state.pooler!.add(tokens);
        state.sep = combineLayers(states.sep, states.dim, agg);
      }
      state.tokens += states.tokens.ids.length;
      state.words += states.tokens.words.starts.length;
    } else if (unit.kind === 'sentence') {
      const tokens = combineLayers(states.layers, states.dim, agg);
      const seq = new Float32Array(tokens.length + 2 * dim);
      seq.set(combineLayers(states.cls, states.dim, agg), 0);
      seq.set(tokens, dim);
      seq.set(combineLayers(states.sep, states.dim, agg), dim + tokens.length);
      rows.push({ source, level: 'sentence', index: unit.index, text: textOf(unit), start: unit.start, end: unit.end, vector: finish(poolSequence(seq, dim, poolMode), dim) });
    } else if (state.pooler) {
      const vector = finish(state.pooler.add(state.sep!).result(), dim);
      rows.push({ source, level: 'document', index: 0, text: state.preview, start: 0, end: state.length, vector });
    }
    yield { doc: state.doc, rows, done: unit.kind === 'end', tokens: states.tokens.ids.length };
  }

  /** Token and word rows of one part, indexes and offsets counted from the document's start. */
  function partRows(states: TokenStates, tokens: Float32Array, dim: number, part: { offset: number; text: string }, state: DocState<D>, source: string): EmbeddedRow[] {
    const t = states.tokens;
    const offset = part.offset;
    const rows: EmbeddedRow[] = [];
    if (levels.has('token')) {
      for (let i = 0; i < t.ids.length; i++) {
        const vector = finish(tokens.slice(i * dim, (i + 1) * dim), dim);
        rows.push({ source, level: 'token', index: state.tokens + i, text: t.tokens[i], word: state.words + t.wordIndex[i], start: offset + t.starts[i], end: offset + t.ends[i], vector });
      }
    }
    if (levels.has('word')) {
      const words = t.words.starts.length;
      const wdim = wordPoolingDim(wordMode, dim);
      const pooled = poolWords(tokens, dim, t.wordIndex, words, wordMode);
      const counts = new Int32Array(words);
      for (const w of t.wordIndex) counts[w]++;
      for (let w = 0; w < words; w++) {
        const start = offset + t.words.starts[w];
        const end = offset + t.words.ends[w];
        const vector = finish(pooled.slice(w * wdim, (w + 1) * wdim), wdim);
        rows.push({ source, level: 'word', index: state.words + w, text: part.text.slice(t.words.starts[w], t.words.ends[w]), start, end, tokens: counts[w], vector });
      }
    }
    return rows;
  }
}

export type ModelChoice = { model?: string | ContextualModel } & Omit<ModelOptions, 'model'>;

async function withModel<R>(options: ModelChoice, run: (model: ContextualModel) => Promise<R>): Promise<R> {
  const given = typeof options.model === 'object' ? options.model : null;
  const model = given ?? (await loadContextualModel({ ...options, model: options.model as string | undefined }));
  try {
    return await run(model);
  } finally {
    if (!given) await model.dispose();
  }
}

export interface EmbedResult {
  tokens: EmbeddedRow[];
  words: EmbeddedRow[];
  sentences: EmbeddedRow[];
  documents: EmbeddedRow[];
}

/**
 * Embeds texts at the levels asked for (default: all four). A text given as a string gets its
 * index as `source`.
 */
export async function embed(texts: (string | SourceText)[], options: EmbedOptions & ModelChoice = {}): Promise<EmbedResult> {
  const docs = texts.map((t, i) => (typeof t === 'string' ? { source: String(i), text: t } : t));
  const result: EmbedResult = { tokens: [], words: [], sentences: [], documents: [] };
  const key = { token: 'tokens', word: 'words', sentence: 'sentences', document: 'documents' } as const;
  await withModel(options, async (model) => {
    await prepareModel(model, options);
    for await (const { rows } of embedDocuments(docs, model, withDefaults({ levels: ['token', 'word', 'sentence', 'document'] as Level[] }, options))) {
      for (const row of rows) result[key[row.level]].push(row);
    }
  });
  return result;
}

/** One vector per sentence given (each taken whole), pooled as `sentencePooling` says (mean by default). */
export async function embedSentences(sentences: string[], options: PoolingOptions & ContextualOptions & ModelChoice = {}): Promise<Float32Array[]> {
  const { documents } = await embed(sentences, { ...options, levels: ['document'] });
  return documents.map((d) => d.vector);
}
