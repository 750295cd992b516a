/**
 * Streaming corpus reader for the static models: files (folders walked recursively) read line by
 * line, each line a sentence, split into words by a tokenizer. Nothing but the current chunk is
 * held in memory, so corpora larger than memory can be scanned.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { listSources } from '../text/sources';

export const TOKENIZERS = ['default', 'whitespace'] as const;
export type TokenizerName = (typeof TOKENIZERS)[number];
export type Tokenizer = (line: string) => string[];

// Letters, digits and marks, with inner apostrophes kept ("don't", "o'neill").
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const SPACE = /\s+/;

/** `default` lowercases and keeps words (punctuation dropped); `whitespace` takes pre-tokenized text as it is. */
export function getTokenizer(name: TokenizerName): Tokenizer {
  if (name === 'whitespace') {
    return (line) => {
      const words = line.split(SPACE);
      // split leaves '' at the ends when the line starts or ends with whitespace
      if (words.length > 0 && words[words.length - 1] === '') words.pop();
      if (words.length > 0 && words[0] === '') words.shift();
      return words;
    };
  }
  return (line) => line.toLowerCase().match(WORD) ?? [];
}

/** The corpus files: files as given, folders walked recursively in a stable order. */
export function corpusFiles(paths: string | string[]): string[] {
  const given = Array.isArray(paths) ? paths : [paths];
  const files = listSources(given).filter((s) => !s.special).map((s) => s.path);
  if (files.length === 0) throw new InputError(`${given.join(', ')}: no files in the corpus`);
  return files;
}

const CHUNK = 1 << 20;

/**
 * The lines of a UTF-8 text file. A file with NUL bytes or invalid UTF-8 is rejected as binary,
 * naming the file, rather than feeding garbage words to a model.
 */
export async function* readLines(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  let offset = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    if (chunk.indexOf(0) >= 0) throw new InputError(`${file}: a binary file (NUL bytes near byte ${offset + chunk.indexOf(0)}), not UTF-8 text`);
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new InputError(`${file}: not UTF-8 text (invalid bytes near byte ${offset}); is it a binary file?`);
    }
    offset += chunk.length;
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield line;
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

export interface SentenceOptions {
  tokenizer?: TokenizerName;
  /** Lines longer than this are cut into several sentences (gensim's LineSentence cuts at 10,000). */
  maxSentenceLength?: number;
}

export const MAX_SENTENCE_LENGTH = 10000;

/** The sentences (lines, as word lists) of every corpus file in turn; empty lines are skipped. */
export async function* readSentences(paths: string | string[], opts: SentenceOptions = {}): AsyncGenerator<string[]> {
  const tokenize = getTokenizer(opts.tokenizer ?? 'default');
  const max = opts.maxSentenceLength ?? MAX_SENTENCE_LENGTH;
  for (const file of corpusFiles(paths)) {
    for await (const line of readLines(file)) {
      const words = tokenize(line);
      if (words.length === 0) continue;
      if (words.length <= max) yield words;
      else for (let i = 0; i < words.length; i += max) yield words.slice(i, i + max);
    }
  }
}
