/**
 * Word segmentation that agrees with BERT's pre-tokenization (BertNormalizer + BertPreTokenizer,
 * as Transformers.js runs them), while keeping each word's character span in the original text.
 *
 * Offsets are JavaScript string indices (UTF-16 code units): `text.slice(start, end)` is the word.
 */

export interface BertNormalization {
  /** Drop NUL, U+FFFD and control/format characters (BERT's clean_text). */
  cleanText: boolean;
  /** Make every CJK ideograph a word of its own. */
  chineseChars: boolean;
  lowercase: boolean;
  /** Strip combining marks after NFD. */
  stripAccents: boolean;
}

export const BERT_UNCASED: BertNormalization = { cleanText: true, chineseChars: true, lowercase: true, stripAccents: true };

/** Words of a text: spans in the original and the normalized form the WordPiece model sees. */
export interface WordSpans {
  starts: Int32Array;
  ends: Int32Array;
  normalized: string[];
}

const PUNCTUATION = /^[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]$/u;
const WHITESPACE = /^\s$/u;
const CONTROL = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;

// The same ranges as BERT's _is_chinese_char; Transformers.js tests one UTF-16 unit, so only the BMP ones apply.
function isChineseChar(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff);
}

const enum CharKind { Removed, Space, Punct, Cjk, Word }

function classify(ch: string, cleanText: boolean, chineseChars: boolean): CharKind {
  const cp = ch.charCodeAt(0);
  if (cleanText && (cp === 0 || cp === 0xfffd || (ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch)))) return CharKind.Removed;
  if (WHITESPACE.test(ch)) return CharKind.Space;
  if (chineseChars && isChineseChar(cp)) return CharKind.Cjk;
  if (PUNCTUATION.test(ch)) return CharKind.Punct;
  return CharKind.Word;
}

export function normalizeWord(word: string, n: BertNormalization): string {
  let s = word;
  if (n.lowercase) s = s.toLowerCase();
  if (n.stripAccents) s = s.normalize('NFD').replace(/\p{Mn}/gu, '');
  return s;
}

/** Splits `text` into BERT words. Removed characters are skipped; a word that normalizes to nothing is dropped, as BERT drops it. */
export function segmentWords(text: string, n: BertNormalization = BERT_UNCASED): WordSpans {
  const starts: number[] = [];
  const ends: number[] = [];
  const normalized: string[] = [];
  let wordStart = -1;
  let wordEnd = -1;
  let kept = '';
  const flush = () => {
    if (wordStart < 0) return;
    const norm = normalizeWord(kept, n);
    if (norm.length > 0) {
      starts.push(wordStart);
      ends.push(wordEnd);
      normalized.push(norm);
    }
    wordStart = -1;
    kept = '';
  };
  const single = (start: number, ch: string) => {
    flush();
    const norm = normalizeWord(ch, n);
    if (norm.length > 0) {
      starts.push(start);
      ends.push(start + ch.length);
      normalized.push(norm);
    }
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const kind = classify(ch, n.cleanText, n.chineseChars);
    if (kind === CharKind.Space) flush();
    else if (kind === CharKind.Punct || kind === CharKind.Cjk) single(i, ch);
    else if (kind === CharKind.Word) {
      if (wordStart < 0) wordStart = i;
      kept += ch;
      wordEnd = i + ch.length;
    }
    // Removed characters neither split a word nor enter it.
    i += ch.length;
  }
  flush();
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends), normalized };
}

/**
 * For each UTF-16 index of `normalizeWord(original)`, the index in `original` it came from, when
 * normalizing character by character gives the same string (it nearly always does); otherwise null.
 */
export function normalizedOffsets(original: string, normalized: string, n: BertNormalization): Int32Array | null {
  const map = new Int32Array(normalized.length + 1);
  let j = 0;
  for (let i = 0; i < original.length; ) {
    const ch = String.fromCodePoint(original.codePointAt(i)!);
    if (classify(ch, n.cleanText, n.chineseChars) !== CharKind.Removed) {
      const norm = normalizeWord(ch, n);
      if (normalized.substr(j, norm.length) !== norm) return null;
      for (let k = 0; k < norm.length; k++) map[j + k] = i;
      j += norm.length;
    }
    i += ch.length;
  }
  if (j !== normalized.length) return null;
  map[j] = original.length;
  return map;
}
