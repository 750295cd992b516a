/**
 * Where everything lives in the WebAssembly memory the workers share: byte offsets, 16-aligned for
 * SIMD. The first page is left to the AssemblyScript module itself.
 */
import { InputError } from '../../errors';
import { MAX_WASM_PAGES, WASM_PAGE } from '../../wasm';
import { EXP_TABLE_SIZE, MAX_CODE_LENGTH } from './tables';
import { MAX_SENTENCE_LENGTH } from '../corpus';

export interface Layout {
  /** Floats per row: dim rounded up to a multiple of 4. */
  stride: number;
  expTable: number;
  cumTable: number;
  sampleInt: number;
  codeLens: number;
  codes: number;
  points: number;
  corpus: number;
  sentenceStarts: number;
  syn0: number;
  syn1neg: number;
  syn1: number;
  /** One scratch area per thread: neu1, neu1e (stride floats each) and the kept words of a sentence. */
  scratch: number[];
  pages: number;
}


export function computeLayout(p: { vocab: number; dim: number; tokens: number; sentences: number; negative: boolean; hs: boolean; threads: number }): Layout {
  const stride = Math.ceil(p.dim / 4) * 4;
  let at = WASM_PAGE;
  const take = (bytes: number) => {
    const off = at;
    at += Math.ceil(bytes / 16) * 16;
    return off;
  };
  const rows = p.vocab * stride * 4;
  const l = {
    stride,
    expTable: take(EXP_TABLE_SIZE * 4),
    cumTable: take(p.vocab * 4),
    sampleInt: take(p.vocab * 4),
    codeLens: take(p.hs ? p.vocab * 4 : 0),
    codes: take(p.hs ? p.vocab * MAX_CODE_LENGTH : 0),
    points: take(p.hs ? p.vocab * MAX_CODE_LENGTH * 4 : 0),
    corpus: take(p.tokens * 4),
    sentenceStarts: take((p.sentences + 1) * 4),
    syn0: take(rows),
    syn1neg: take(p.negative ? rows : 0),
    syn1: take(p.hs ? rows : 0),
    scratch: Array.from({ length: p.threads }, () => take((2 * stride + MAX_SENTENCE_LENGTH) * 4)),
    pages: 0,
  };
  l.pages = Math.ceil(at / WASM_PAGE);
  if (l.pages > MAX_WASM_PAGES) throw new InputError(`the corpus (${p.tokens} words) and model (${p.vocab} × ${p.dim}) need ${(at / 2 ** 30).toFixed(1)} GiB, over the 4 GiB a WebAssembly memory holds; use a smaller corpus, --max-vocab or --dim`);
  return l;
}
