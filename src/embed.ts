/**
 * Documents in, rows with vectors out: the contextual stage composed with pooling.
 * Token, word and document rows come from one (windowed) pass over each document; sentence rows
 * from each sentence run as its own sequence, as sentence encoders are used.
 */
import { contextualize, ContextualOptions, TokenStates } from './contextual/contextualize';
import { exposeLayers, parseLayers } from './contextual/layers';
import { ContextualModel, loadContextualModel, ModelOptions } from './contextual/model';
import { combinedDim, combineLayers, LayerAggregation } from './pooling/layers';
import { normalizeRows } from './pooling/normalize';
import { poolSequence, SequencePooling } from './pooling/sequence';
import { poolWords, WordPooling, wordPoolingDim } from './pooling/words';
import { EmbeddingRow, Level } from './store/rows';
import { segmentSentences } from './text/sentences';

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
  text: string;
}

type Unit<D> = { doc: PendingDoc<D>; kind: 'document' } | { doc: PendingDoc<D>; kind: 'sentence'; index: number; start: number; end: number };

interface PendingDoc<D> {
  doc: D;
  unitsLeft: number;
  rows: Record<Level, EmbeddedRow[]>;
}

const PREVIEW_CHARS = 80;

/** The document row's `text`: the start of the document, whitespace collapsed. */
function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS - 1)}…` : flat;
}

/** Selects the model's layers for these options; call once per model before embedding. */
export async function prepareModel(model: ContextualModel, options: PoolingOptions): Promise<void> {
  await exposeLayers(model, parseLayers(options.layers, model.numLayers));
}

/**
 * Streams documents through the model and pooling; yields each document with its rows
 * (tokens, then words, sentences, the document), in input order. Call `prepareModel` first.
 */
export async function* embedDocuments<D extends SourceText>(
  docs: Iterable<D> | AsyncIterable<D>,
  model: ContextualModel,
  options: EmbedOptions = {},
): AsyncGenerator<{ doc: D; rows: EmbeddedRow[] }> {
  const levels = new Set<Level>(options.levels ?? ['token']);
  const wholeDoc = levels.has('token') || levels.has('word') || levels.has('document');
  const agg = options.layerAgg ?? 'mean';
  const queue: PendingDoc<D>[] = [];

  async function* units(): AsyncGenerator<Unit<D>> {
    for await (const doc of docs as AsyncIterable<D>) {
      const pending: PendingDoc<D> = { doc, unitsLeft: 0, rows: { token: [], word: [], sentence: [], document: [] } };
      const list: Unit<D>[] = [];
      if (wholeDoc) list.push({ doc: pending, kind: 'document' });
      if (levels.has('sentence')) {
        const s = segmentSentences(doc.text);
        for (let i = 0; i < s.starts.length; i++) list.push({ doc: pending, kind: 'sentence', index: i, start: s.starts[i], end: s.ends[i] });
      }
      pending.unitsLeft = list.length;
      queue.push(pending);
      yield* list;
    }
  }

  const textOf = (u: Unit<D>) => (u.kind === 'document' ? u.doc.doc.text : u.doc.doc.text.slice(u.start, u.end));
  const finish = (v: Float32Array, dim: number) => (options.normalize ? normalizeRows(v, dim) : v);

  /** The sequence as the model saw it, [CLS] tokens [SEP], in the combined layer space. */
  const sequenceVector = (states: TokenStates, tokens: Float32Array, dim: number) => {
    const seq = new Float32Array(tokens.length + 2 * dim);
    seq.set(combineLayers(states.cls, states.dim, agg), 0);
    seq.set(tokens, dim);
    seq.set(combineLayers(states.sep, states.dim, agg), dim + tokens.length);
    return finish(poolSequence(seq, dim, options.sentencePooling ?? 'mean'), dim);
  };

  const emitReady = function* () {
    while (queue.length > 0 && queue[0].unitsLeft === 0) {
      const done = queue.shift()!;
      const { token, word, sentence, document } = done.rows;
      yield { doc: done.doc, rows: [...token, ...word, ...sentence, ...document] };
    }
  };

  for await (const { item: unit, states } of contextualize(units(), textOf, model, options)) {
    const pending = unit.doc;
    const source = pending.doc.source;
    const tokens = combineLayers(states.layers, states.dim, agg);
    const dim = combinedDim(agg, states.layers.length, states.dim);
    const t = states.tokens;
    if (unit.kind === 'document') {
      if (levels.has('token')) {
        for (let i = 0; i < t.ids.length; i++) {
          const vector = finish(tokens.slice(i * dim, (i + 1) * dim), dim);
          pending.rows.token.push({ source, level: 'token', index: i, text: t.tokens[i], word: t.wordIndex[i], start: t.starts[i], end: t.ends[i], vector });
        }
      }
      if (levels.has('word')) {
        const mode = options.wordPooling ?? 'mean';
        const wdim = wordPoolingDim(mode, dim);
        const pooled = poolWords(tokens, dim, t.wordIndex, t.words.starts.length, mode);
        const counts = new Int32Array(t.words.starts.length);
        for (const w of t.wordIndex) counts[w]++;
        for (let w = 0; w < counts.length; w++) {
          const start = t.words.starts[w];
          const end = t.words.ends[w];
          const vector = finish(pooled.slice(w * wdim, (w + 1) * wdim), wdim);
          pending.rows.word.push({ source, level: 'word', index: w, text: pending.doc.text.slice(start, end), start, end, tokens: counts[w], vector });
        }
      }
      if (levels.has('document')) {
        pending.rows.document.push({ source, level: 'document', index: 0, text: preview(pending.doc.text), start: 0, end: pending.doc.text.length, vector: sequenceVector(states, tokens, dim) });
      }
    } else {
      pending.rows.sentence.push({ source, level: 'sentence', index: unit.index, text: textOf(unit), start: unit.start, end: unit.end, vector: sequenceVector(states, tokens, dim) });
    }
    pending.unitsLeft--;
    yield* emitReady();
  }
  yield* emitReady();
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
    for await (const { rows } of embedDocuments(docs, model, { levels: ['token', 'word', 'sentence', 'document'], ...options })) {
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
