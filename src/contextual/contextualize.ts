/**
 * Text in, one contextual vector per token out. Texts stream through in generations of windows:
 * each generation is sorted into length-bucketed batches under a token budget (so a short text
 * never waits alone for a batch), and the next generation is tokenized while the model runs.
 * Results come back in input order.
 */
import { UsageError } from '../errors';
import { checkPositiveIntegers } from '../options';
import { planBatches } from './batching';
import { ContextualModel } from './model';
import { TokenizedText } from './tokenizer';
import { planWindows } from './windows';

export interface ContextualOptions {
  /** Longest window, special tokens included; the model's maximum by default. */
  maxLength?: number;
  /** Tokens shared by consecutive windows of a long text; a quarter of a window by default. */
  stride?: number;
  /** Most tokens (padding included) in one batch. */
  batchTokens?: number;
}

export const DEFAULT_BATCH_TOKENS = 4096;

/** Contextual states of one text. */
export interface TokenStates {
  tokens: TokenizedText;
  dim: number;
  /** One [tokens x dim] matrix per encoder output fetched (the last hidden state unless layers were asked for). */
  layers: Float32Array[];
  /** The [CLS] state of the text's first window and the [SEP] state of its last, per output. */
  cls: Float32Array[];
  sep: Float32Array[];
}

interface PendingText<T> {
  item: T;
  tokens: TokenizedText;
  owner: Int32Array;
  layers: Float32Array[] | null;
  cls: Float32Array[] | null;
  sep: Float32Array[] | null;
  windows: number;
  windowsLeft: number;
}

interface Window<T> {
  text: PendingText<T>;
  /** Which of its text's windows this is, and the token it starts at. */
  index: number;
  start: number;
  ids: Int32Array;
}

export interface ResolvedWindowing {
  maxLength: number;
  stride: number;
  batchTokens: number;
}

export function resolveWindowing(model: Pick<ContextualModel, 'maxLength'>, options: ContextualOptions = {}): ResolvedWindowing {
  const maxLength = options.maxLength ?? model.maxLength;
  if (!Number.isInteger(maxLength) || maxLength < 3) throw new UsageError(`--max-length must be an integer of at least 3, got ${maxLength}`);
  if (maxLength > model.maxLength) throw new UsageError(`--max-length ${maxLength} exceeds the model's maximum of ${model.maxLength} tokens`);
  const content = maxLength - 2;
  const stride = options.stride ?? Math.floor(content / 4);
  if (!Number.isInteger(stride) || stride < 0 || stride >= content) {
    throw new UsageError(`--stride must be an integer in [0, ${content - 1}] for --max-length ${maxLength}, got ${stride}`);
  }
  const batchTokens = options.batchTokens ?? DEFAULT_BATCH_TOKENS;
  checkPositiveIntegers({ batchTokens });
  return { maxLength, stride, batchTokens };
}

/**
 * Streams `items` through the model. `textOf` picks each item's text; items come back, in input
 * order, with their token states.
 */
export async function* contextualize<T>(
  items: Iterable<T> | AsyncIterable<T>,
  textOf: (item: T) => string,
  model: ContextualModel,
  options: ContextualOptions = {},
): AsyncGenerator<{ item: T; states: TokenStates }> {
  const { maxLength, stride, batchTokens } = resolveWindowing(model, options);
  const content = maxLength - 2;
  const generationTokens = batchTokens * 8;
  const { tokenizer, encoder } = model;
  const iterator = (Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()) as AsyncIterator<T> | Iterator<T>;
  let exhausted = false;
  const order: PendingText<T>[] = [];
  let dim = 0;

  /** Tokenizes the next item and returns its windows; null when the input is exhausted. */
  const takeNext = async (): Promise<Window<T>[] | null> => {
    if (exhausted) return null;
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return null;
    }
    const tokens = tokenizer.tokenize(textOf(next.value));
    const plan = planWindows(tokens.ids.length, content, stride);
    const text: PendingText<T> = { item: next.value, tokens, owner: plan.owner, layers: null, cls: null, sep: null, windows: plan.starts.length, windowsLeft: plan.starts.length };
    order.push(text);
    return Array.from(plan.starts, (start, w) => {
      const ids = new Int32Array(plan.ends[w] - start + 2);
      ids[0] = tokenizer.clsId;
      ids.set(tokens.ids.subarray(start, plan.ends[w]), 1);
      ids[ids.length - 1] = tokenizer.sepId;
      return { text, index: w, start, ids };
    });
  };

  const fill = async (generation: Window<T>[], budget: number, tokensSoFar: number): Promise<number> => {
    let tokens = tokensSoFar;
    while (tokens < budget) {
      const windows = await takeNext();
      if (!windows) break;
      for (const w of windows) {
        generation.push(w);
        tokens += w.ids.length;
      }
    }
    return tokens;
  };

  const scatter = (window: Window<T>, states: Float32Array[]) => {
    const text = window.text;
    const n = text.tokens.ids.length;
    if (!text.layers) {
      text.layers = states.map(() => new Float32Array(n * dim));
      text.cls = states.map(() => new Float32Array(dim));
      text.sep = states.map(() => new Float32Array(dim));
    }
    const rows = window.ids.length - 2;
    for (let l = 0; l < states.length; l++) {
      const src = states[l];
      const dst = text.layers[l];
      if (window.index === 0) text.cls![l].set(src.subarray(0, dim));
      if (window.index === text.windows - 1) text.sep![l].set(src.subarray((rows + 1) * dim, (rows + 2) * dim));
      for (let r = 0; r < rows; r++) {
        const t = window.start + r;
        if (text.owner[t] === window.index) dst.set(src.subarray((r + 1) * dim, (r + 2) * dim), t * dim);
      }
    }
    text.windowsLeft--;
  };

  let generation: Window<T>[] = [];
  await fill(generation, generationTokens, 0);
  while (generation.length > 0) {
    const batches = planBatches(generation.map((w) => w.ids.length), batchTokens);
    const next: Window<T>[] = [];
    let nextSize = 0;
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b].map((i) => generation[i]);
      const running = encoder.run(batch.map((w) => w.ids));
      // Tokenize a share of the next generation while the model runs.
      nextSize = await fill(next, Math.ceil((generationTokens * (b + 1)) / batches.length), nextSize);
      const results = await running;
      if (dim === 0) dim = results[0][0].length / batch[0].ids.length;
      batch.forEach((w, i) => scatter(w, results[i]));
      while (order.length > 0 && order[0].windowsLeft === 0) {
        const done = order.shift()!;
        yield { item: done.item, states: { tokens: done.tokens, dim, layers: done.layers!, cls: done.cls!, sep: done.sep! } };
      }
    }
    generation = next;
    await fill(generation, generationTokens, nextSize);
  }
}
