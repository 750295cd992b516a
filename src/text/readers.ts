/**
 * Reads one file as one document's text: .txt and .md as they are, .html as its visible text,
 * .json / .jsonl through a text field. UTF-8, or UTF-16 with a byte-order mark. Files that are
 * not text are refused with the reason, for the run to record and go on.
 */
import * as fs from 'fs';
import * as path from 'path';
import { convert } from 'html-to-text';

export type ReadResult = { text: string } | { skip: string };

export interface ReadOptions {
  /** Field holding the text in .json / .jsonl records (dotted paths reach into objects). */
  textField?: string;
  /** Encoding for files that are not valid UTF-8 (e.g. `windows-1252`); such files are skipped when unset. */
  fallbackEncoding?: string;
}

const HTML = new Set(['.html', '.htm', '.xhtml']);
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

/** Decodes bytes as UTF-16 (by BOM) or strict UTF-8 (else `fallback`); a NUL byte in a BOM-less file marks it binary. */
export function decodeText(bytes: Buffer, fallback?: string): ReadResult {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const nul = body.subarray(0, 8192).indexOf(0);
  if (nul >= 0) return { skip: `binary file (NUL byte at offset ${nul})` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    if (fallback) return { text: new TextDecoder(fallback).decode(body) };
    return { skip: `invalid UTF-8 at byte ${firstInvalidUtf8(body)} (expected UTF-8 or UTF-16 with a byte-order mark; --fallback-encoding windows-1252 reads such files)` };
  }
}

function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n;
  }
  return b.length;
}

function field(record: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<any>((v, key) => (v && typeof v === 'object' ? v[key] : undefined), record);
}

function recordsText(records: unknown[], textField: string, where: (i: number) => string): ReadResult {
  const texts: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const value = field(records[i], textField);
    if (typeof value !== 'string') return { skip: `${where(i)} has no string field "${textField}" (set --text-field)` };
    texts.push(value);
  }
  // Records are paragraphs of the document: a blank line between them ends any sentence.
  return { text: texts.join('\n\n') };
}

/** @param bytes the file's content, when already read */
export function readDocument(file: string, options: ReadOptions = {}, bytes: Buffer = fs.readFileSync(file)): ReadResult {
  const decoded = decodeText(bytes, options.fallbackEncoding);
  if ('skip' in decoded) return decoded;
  const ext = path.extname(file).toLowerCase();
  const textField = options.textField ?? 'text';
  let result: ReadResult = decoded;
  if (HTML.has(ext)) {
    result = { text: convert(decoded.text, { wordwrap: false, selectors: [...HEADINGS, { selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] }) };
  } else if (ext === '.jsonl' || ext === '.ndjson') {
    const records: unknown[] = [];
    const lines = decoded.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      try {
        records.push(JSON.parse(lines[i]));
      } catch (err) {
        return { skip: `invalid JSON on line ${i + 1}: ${(err as Error).message}` };
      }
    }
    result = recordsText(records, textField, (i) => `record ${i + 1}`);
  } else if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(decoded.text);
    } catch (err) {
      return { skip: `invalid JSON: ${(err as Error).message}` };
    }
    result = recordsText(Array.isArray(value) ? value : [value], textField, (i) => (Array.isArray(value) ? `element ${i}` : 'the object'));
  }
  if ('text' in result && result.text.trim() === '') return { skip: 'empty (no text)' };
  return result;
}
