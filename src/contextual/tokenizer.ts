/**
 * WordPiece tokenization that keeps, for every token, its character span in the input and the
 * word it belongs to. Words come from `segmentWords` (BERT's normalization and pre-tokenization);
 * pieces from greedy longest-match-first WordPiece over the model's own tokenizer.json.
 */
import { ModelLoadError } from '../errors';
import { BertNormalization, normalizedOffsets, segmentWords, WordSpans } from '../text/words';

/** The tokens of one text, special tokens excluded. Offsets are UTF-16 indices into the text. */
export interface TokenizedText {
  ids: Int32Array;
  tokens: string[];
  starts: Int32Array;
  ends: Int32Array;
  /** Index into `words` of the word each token belongs to. */
  wordIndex: Int32Array;
  words: WordSpans;
}

/** The parts of a Hugging Face tokenizer.json that BERT's WordPiece tokenization reads. */
export interface TokenizerJson {
  normalizer?: { type: string; clean_text?: boolean; handle_chinese_chars?: boolean; strip_accents?: boolean | null; lowercase?: boolean } | null;
  pre_tokenizer?: { type: string } | null;
  model: { type: string; vocab: Record<string, number>; unk_token: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  added_tokens?: { id: number; content: string; special?: boolean }[];
}

export interface SpecialTokens {
  cls: string;
  sep: string;
  pad: string;
}

export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly pieces: string[];
  private readonly prefix: string;
  private readonly maxChars: number;
  readonly normalization: BertNormalization;
  readonly unkId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;

  constructor(json: TokenizerJson, specials: SpecialTokens, source: string) {
    if (json.model?.type !== 'WordPiece') {
      throw new ModelLoadError(`${source}: ctxembed aligns tokens for WordPiece (BERT-family) tokenizers; this tokenizer's model is ${json.model?.type ?? 'missing'}`);
    }
    const norm = json.normalizer;
    if (norm && norm.type !== 'BertNormalizer') {
      throw new ModelLoadError(`${source}: expected a BertNormalizer in tokenizer.json, found ${norm.type}`);
    }
    const lowercase = norm?.lowercase ?? true;
    this.normalization = {
      cleanText: norm?.clean_text ?? true,
      chineseChars: norm?.handle_chinese_chars ?? true,
      lowercase,
      // BERT's rule: accents follow lowercasing unless set explicitly.
      stripAccents: norm?.strip_accents ?? lowercase,
    };
    this.vocab = new Map(Object.entries(json.model.vocab));
    this.pieces = [];
    for (const [piece, id] of this.vocab) this.pieces[id] = piece;
    this.prefix = json.model.continuing_subword_prefix ?? '##';
    this.maxChars = json.model.max_input_chars_per_word ?? 100;
    const id = (token: string) => {
      const i = this.vocab.get(token);
      if (i === undefined) throw new ModelLoadError(`${source}: the vocabulary lacks the special token ${token}`);
      return i;
    };
    this.unkId = id(json.model.unk_token);
    this.clsId = id(specials.cls);
    this.sepId = id(specials.sep);
    this.padId = id(specials.pad);
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  piece(id: number): string {
    return this.pieces[id];
  }

  tokenize(text: string): TokenizedText {
    const words = segmentWords(text, this.normalization);
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const wordIndex: number[] = [];
    for (let w = 0; w < words.normalized.length; w++) {
      const word = words.normalized[w];
      const wordStart = words.starts[w];
      const wordEnd = words.ends[w];
      const split = this.splitWord(word);
      // Piece boundaries in the normalized word, mapped back to the original text.
      const offsets = split.length > 1 ? normalizedOffsets(text.slice(wordStart, wordEnd), word, this.normalization) : null;
      for (const [pieceId, from, to] of split) {
        ids.push(pieceId);
        wordIndex.push(w);
        if (offsets) {
          starts.push(wordStart + offsets[from]);
          ends.push(to === word.length ? wordEnd : wordStart + offsets[to]);
        } else {
          starts.push(wordStart);
          ends.push(wordEnd);
        }
      }
    }
    return {
      ids: Int32Array.from(ids),
      tokens: ids.map((i) => this.pieces[i]),
      starts: Int32Array.from(starts),
      ends: Int32Array.from(ends),
      wordIndex: Int32Array.from(wordIndex),
      words,
    };
  }

  /** Greedy longest-match-first WordPiece: [id, start, end] in the normalized word; one [UNK] if any part fails. */
  private splitWord(word: string): [number, number, number][] {
    const chars = [...word];
    if (chars.length > this.maxChars) return [[this.unkId, 0, word.length]];
    // UTF-16 index of each code point boundary
    const at = new Int32Array(chars.length + 1);
    for (let i = 0; i < chars.length; i++) at[i + 1] = at[i] + chars[i].length;
    const out: [number, number, number][] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = -1;
      while (start < end) {
        const sub = word.slice(at[start], at[end]);
        const id = this.vocab.get(start > 0 ? this.prefix + sub : sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) return [[this.unkId, 0, word.length]];
      out.push([found, at[start], at[end]]);
      start = end;
    }
    return out;
  }
}
