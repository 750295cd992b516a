/**
 * Reads one file as one document's text: .txt, .md and anything else as it is, streamed in
 * pieces (so a file of any size takes bounded memory); .html as its visible text; .json / .jsonl
 * through a text field. UTF-8, or UTF-16 with a byte-order mark. Files that are not text are
 * refused with the reason, for the run to record and go on.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TextDecoder } from 'util';
import { convert } from 'html-to-text';
import { readChunks } from '../files';

/** A text read in pieces, as often as asked (each pass reads the file again); `onRead` hears how many bytes each piece took. */
export interface TextPieces {
  pieces(onRead?: (bytes: number) => void): Iterable<string>;
}

/** Lines of a .jsonl file that were left out, and why the first one was. */
export interface BadLines {
  count: number;
  first: string;
}

export type ReadResult = { text: string; badLines?: BadLines } | { skip: string };

/** A document opened for reading: the sha256 of its bytes, and its text (maybe in pieces) or why it is skipped. */
export type OpenedDocument = { sha256: string } & ({ text: string | TextPieces; badLines?: BadLines } | { skip: string });

export interface ReadOptions {
  /** Field holding the text in .json / .jsonl records (dotted paths reach into objects). */
  textField?: string;
  /** Encoding for files that are not valid UTF-8 (e.g. `windows-1252`); such files are skipped when unset. */
  fallbackEncoding?: string;
}

const HTML = new Set(['.html', '.htm', '.xhtml']);
const RECORDS = new Set(['.json', '.jsonl', '.ndjson']);
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

/** sha256 of a file's bytes, read in chunks. */
export function hashFile(file: string): string {
  const h = crypto.createHash('sha256');
  for (const c of readChunks(file)) h.update(c);
  return h.digest('hex');
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return b.length;
}

interface Scan {
  sha256: string;
  bytes: number;
  /** How the text decodes (a byte-order mark is dropped by the decoder). */
  encoding: string;
  skip?: string;
  /** The decoded text, when asked for whole (and the file is text). */
  text?: string;
}

/**
 * One pass over a file's bytes: its sha256, its encoding (UTF-16 by byte-order mark, else UTF-8
 * checked strictly, else `fallback`), and whether it is text at all (no NUL byte near its start,
 * valid in its encoding, something besides whitespace). With `whole`, it also keeps the decoded
 * text, so a file parsed whole is not read again.
 */
function scanFile(file: string, fallback: string | undefined, whole: boolean): Scan {
  const h = crypto.createHash('sha256');
  let bytes = 0;
  let encoding = 'utf-8';
  let decoder: TextDecoder | null = null;
  let skip: string | undefined;
  let blank = true;
  /** The decoded pieces so far, kept when the text is wanted whole; dropped when the encoding falls back. */
  let pieces: string[] | null = whole ? [] : null;
  /** The last bytes of the previous chunk from a character start on, to place an invalid byte. */
  let carry = Buffer.alloc(0);
  for (const chunk of readChunks(file)) {
    h.update(chunk);
    if (bytes === 0) {
      if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) encoding = chunk[0] === 0xff ? 'utf-16le' : 'utf-16be';
      else {
        const bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
        const nul = chunk.subarray(bom, bom + 8192).indexOf(0);
        if (nul >= 0) skip = `binary file (NUL byte at offset ${nul})`;
      }
      decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
    }
    if (!skip && decoder) {
      try {
        const piece = decoder.decode(chunk, { stream: true });
        pieces?.push(piece);
        if (blank && /\S/.test(piece)) blank = false;
      } catch {
        const at = bytes - carry.length + firstInvalidUtf8(Buffer.concat([carry, chunk]));
        if (fallback) {
          encoding = fallback;
          decoder = null;
          pieces = null;
        } else skip = `invalid UTF-8 at byte ${at} (expected UTF-8 or UTF-16 with a byte-order mark; --fallback-encoding windows-1252 reads such files)`;
      }
      let start = chunk.length;
      while (start > 0 && chunk.length - start < 4 && (chunk[start - 1] & 0xc0) === 0x80) start--;
      carry = Buffer.from(chunk.subarray(Math.max(0, start - 1)));
    }
    bytes += chunk.length;
  }
  if (!skip && decoder) {
    try {
      const tail = decoder.decode();
      pieces?.push(tail);
      if (/\S/.test(tail)) blank = false;
    } catch {
      if (fallback) {
        encoding = fallback;
        pieces = null;
      } else skip = `invalid UTF-8 at byte ${bytes - carry.length + firstInvalidUtf8(carry)} (expected UTF-8 or UTF-16 with a byte-order mark; --fallback-encoding windows-1252 reads such files)`;
    }
  }
  let text = pieces?.join('');
  // Read again in the fallback encoding: wanted whole, all of it; else only up to some text.
  if (!skip && encoding === fallback) {
    const again = textPieces(file, encoding, bytes);
    if (whole) {
      text = wholeText(again);
      blank = !/\S/.test(text);
    } else blank = !hasText(again);
  }
  if (bytes === 0) skip = 'empty file';
  else if (!skip && blank) skip = 'empty (no text)';
  return skip ? { sha256: h.digest('hex'), bytes, encoding, skip } : { sha256: h.digest('hex'), bytes, encoding, text };
}

/** The first `bytes` bytes of `file` decoded as `encoding`, in pieces. */
function textPieces(file: string, encoding: string, bytes: number): TextPieces {
  return {
    *pieces(onRead) {
      const decoder = new TextDecoder(encoding);
      for (const c of readChunks(file, 0, bytes)) {
        onRead?.(c.length);
        const piece = decoder.decode(c, { stream: true });
        if (piece) yield piece;
      }
      const tail = decoder.decode();
      if (tail) yield tail;
    },
  };
}

function hasText(text: TextPieces): boolean {
  for (const piece of text.pieces()) if (/\S/.test(piece)) return true;
  return false;
}

function field(record: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<any>((v, key) => (v && typeof v === 'object' ? v[key] : undefined), record);
}

// Records are paragraphs of the document: a blank line between them ends any sentence.
const joinRecords = (texts: string[]) => texts.join('\n\n');

function recordsText(records: unknown[], textField: string, where: (i: number) => string): ReadResult {
  const texts: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const value = field(records[i], textField);
    if (typeof value !== 'string') return { skip: `${where(i)} has no string field "${textField}" (set --text-field)` };
    texts.push(value);
  }
  return { text: joinRecords(texts) };
}

/** JSON Lines: a line that is not JSON, or has no string text field, is left out and counted. */
function jsonLinesText(text: string, textField: string): ReadResult {
  const texts: string[] = [];
  const bad: BadLines = { count: 0, first: '' };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let why = '';
    try {
      const value = field(JSON.parse(lines[i]), textField);
      if (typeof value === 'string') texts.push(value);
      else why = `no string field "${textField}" (set --text-field)`;
    } catch (err) {
      why = `invalid JSON: ${(err as Error).message}`;
    }
    if (why && bad.count++ === 0) bad.first = `line ${i + 1}: ${why}`;
  }
  if (texts.length === 0) return { skip: bad.count > 0 ? `no usable line (${bad.count} bad; ${bad.first})` : 'empty (no text)' };
  return bad.count > 0 ? { text: joinRecords(texts), badLines: bad } : { text: joinRecords(texts) };
}

/** Opens `file`: hashes it, checks it is text, and gives its text (streamed for plain text files) or why it is skipped. */
export function openDocument(file: string, options: ReadOptions = {}): OpenedDocument {
  const ext = path.extname(file).toLowerCase();
  // HTML and JSON are parsed whole (--max-file-size bounds them): the scan keeps their text.
  const scan = scanFile(file, options.fallbackEncoding, HTML.has(ext) || RECORDS.has(ext));
  if (scan.skip) return { sha256: scan.sha256, skip: scan.skip };
  if (scan.text === undefined) return { sha256: scan.sha256, text: textPieces(file, scan.encoding, scan.bytes) };
  const whole = scan.text;
  const textField = options.textField ?? 'text';
  let result: ReadResult;
  if (HTML.has(ext)) {
    result = { text: convert(whole, { wordwrap: false, selectors: [...HEADINGS, { selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] }) };
  } else if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(whole);
    } catch (err) {
      return { sha256: scan.sha256, skip: `invalid JSON: ${(err as Error).message}` };
    }
    result = recordsText(Array.isArray(value) ? value : [value], textField, (i) => (Array.isArray(value) ? `element ${i}` : 'the object'));
  } else result = jsonLinesText(whole, textField);
  if ('text' in result && result.text.trim() === '') return { sha256: scan.sha256, skip: 'empty (no text)' };
  return { ...result, sha256: scan.sha256 };
}

/** All of a text, given whole or in pieces. */
function wholeText(text: string | TextPieces): string {
  return typeof text === 'string' ? text : Array.from(text.pieces()).join('');
}

/** Reads `file` whole as one document's text, or says why it is skipped. */
export function readDocument(file: string, options: ReadOptions = {}): ReadResult {
  const { sha256: _, ...opened } = openDocument(file, options);
  return 'text' in opened ? { ...opened, text: wholeText(opened.text) } : opened;
}
