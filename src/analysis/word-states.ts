/**
 * Contextual word vectors for the comparisons: sentences through the model, each word's pieces
 * pooled, one matrix per requested hidden state. Words are BERT's word segmentation (normalized:
 * lowercased and accent-stripped for uncased models) or a static tokenizer's words, so a distilled
 * vocabulary can match a Word2Vec or GloVe one.
 */
import { contextualize, ContextualOptions } from '../contextual/contextualize';
import { ContextualModel } from '../contextual/model';
import { poolWords, WordPooling, wordPoolingDim } from '../pooling/words';
import { corpusFiles, getTokenizer, readLines, TokenizerName } from '../static/corpus';
import { KeyedVectors } from '../static/keyed-vectors';
import { segmentWords } from '../text/words';

/** Static vectors taken from one hidden state (0 = embeddings, L = last). */
export interface LayerVectors {
  layer: number;
  vectors: KeyedVectors;
}

/** `bert`: BERT's own word segmentation; the others: the static trainers' tokenizers. */
export type WordSplitter = 'bert' | TokenizerName;
export const WORD_SPLITTERS: readonly WordSplitter[] = ['bert', 'default', 'whitespace'];

export interface WordStateOptions extends ContextualOptions {
  wordPooling?: WordPooling;
  tokenizer?: WordSplitter;
}

/** The words of a line as `tokenizer` splits it; the same words `sentenceWords` gives vectors to. */
export function wordSplitter(model: ContextualModel, tokenizer: WordSplitter = 'bert'): (line: string) => string[] {
  if (tokenizer === 'bert') return (line) => segmentWords(line, model.tokenizer.normalization).normalized;
  return getTokenizer(tokenizer);
}

/** The lines of the corpus files (folders walked recursively), streamed. */
export async function* corpusLines(paths: string | string[]): AsyncGenerator<string> {
  for (const file of corpusFiles(paths)) yield* readLines(file);
}

export interface SentenceWords {
  /** Position of the line in the input (lines without words are skipped). */
  index: number;
  words: string[];
  /** Per selected hidden state, [words × dim] pooled word vectors. */
  layers: Float32Array[];
  dim: number;
}

/**
 * Streams lines through the model (each line one sequence, windowed when long) and yields, in
 * input order, each line's words with their vectors. Call `selectLayers` first.
 */
export async function* sentenceWords(lines: Iterable<string> | AsyncIterable<string>, model: ContextualModel, options: WordStateOptions = {}): AsyncGenerator<SentenceWords> {
  const split = wordSplitter(model, options.tokenizer);
  const bert = (options.tokenizer ?? 'bert') === 'bert';
  const mode = options.wordPooling ?? 'mean';
  async function* items(): AsyncGenerator<{ index: number; words: string[]; text: string }> {
    let index = 0;
    for await (const line of lines as AsyncIterable<string>) {
      const words = split(line);
      // a static tokenizer's words run as one space-separated text, so token offsets map back to them
      if (words.length > 0) yield { index, words, text: bert ? line : words.join(' ') };
      index++;
    }
  }
  for await (const { item, states } of contextualize(items(), (i) => i.text, model, options)) {
    const t = states.tokens;
    let words = item.words;
    let wordIndex = t.wordIndex;
    if (!bert) ({ words, wordIndex } = staticWordIndex(item.words, t.starts));
    const dim = wordPoolingDim(mode, states.dim);
    yield { index: item.index, words, dim, layers: states.layers.map((l) => poolWords(l, states.dim, wordIndex, words.length, mode)) };
  }
}

/** Each token's word among `words` joined by single spaces (from its start offset); words left without tokens are dropped. */
function staticWordIndex(words: string[], tokenStarts: Int32Array): { words: string[]; wordIndex: Int32Array } {
  const ends = new Int32Array(words.length);
  for (let w = 0, at = 0; w < words.length; w++) {
    ends[w] = at + words[w].length;
    at = ends[w] + 1;
  }
  const raw = new Int32Array(tokenStarts.length);
  for (let t = 0, w = 0; t < tokenStarts.length; t++) {
    while (tokenStarts[t] >= ends[w]) w++;
    raw[t] = w;
  }
  // renumber the words that have tokens
  const kept: string[] = [];
  const wordIndex = new Int32Array(raw.length);
  for (let t = 0; t < raw.length; t++) {
    if (t === 0 || raw[t] !== raw[t - 1]) kept.push(words[raw[t]]);
    wordIndex[t] = kept.length - 1;
  }
  return { words: kept, wordIndex };
}
