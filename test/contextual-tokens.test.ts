/**
 * The contextual stage end to end on the tiny fixture: token ids and vectors against
 * Transformers.js run directly, character/word alignment against hand-derived spans, windowing
 * against direct single-window runs, batching against one-at-a-time runs, and load errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import { contextualize, ContextualOptions, TokenStates } from '../src/contextual/contextualize';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { CtxembedError, ModelLoadError } from '../src/errors';
import { seeded } from './contextual-helpers';
import { fixtureModel, SHARED, sharedAvailable, tmpDir } from './fixtures';
import { maxAbsDiff } from './reference-bert';
import { HfModel, loadHf } from './transformers-ref';

const CLS = 101;
const SEP = 102;

let model: ContextualModel;
let hf: HfModel;
let dim: number;

beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
  hf = await loadHf(fixtureModel('tiny'));
  dim = model.hiddenSize;
});
afterAll(async () => {
  await model?.dispose();
  await hf?.dispose();
});

async function run(texts: string[], options: ContextualOptions = {}): Promise<TokenStates[]> {
  const out: TokenStates[] = [];
  const seen: string[] = [];
  for await (const { item, states } of contextualize(texts, (t) => t, model, options)) {
    seen.push(item);
    out.push(states);
  }
  expect(seen).toEqual(texts);
  return out;
}

function row(states: TokenStates, t: number): Float32Array {
  return states.layers[0].subarray(t * states.dim, (t + 1) * states.dim);
}

/** Vectors of one window [CLS] ids[s..e) [SEP] run alone through the encoder: rows for ids s..e-1. */
async function directWindow(ids: Int32Array, s: number, e: number): Promise<Float32Array> {
  const seq = new Int32Array(e - s + 2);
  seq[0] = CLS;
  seq.set(ids.subarray(s, e), 1);
  seq[seq.length - 1] = SEP;
  const [[states]] = await model.encoder.run([seq]);
  return states.subarray(dim, (e - s + 1) * dim);
}

const TRICKY = [
  'Hello, world!',
  'naïve café',
  'cafe\u0301!',
  '東京',
  'I \u2764\ufe0f \u{1f355}!',
  'unbelievable unbelievably tokenization',
  'a\u0000b\u200bc d',
  'one  two\n\n\tthree',
  'x'.repeat(101) + ' y',
  'ab'.repeat(50),
  "Don't re-embed U.S.A. 3.14",
  '\u{1f469}\u200d\u{1f4bb} ok',
  'ΟΔΟΣ and ÉCOLE',
  '',
  '   \n\t ',
  'ﬁne — “quoted” text… (ok) [x] {y} #1 @me 50% $5 ~tilde~',
  '\u00a0non\u00a0breaking\u2003em\u3000space',
  'zero\u200dwidth\ufeffbom',
  'Ωmega ǅ İstanbul straße',
  '𠀀 supplementary CJK 中文字',
];

function corpusTexts(): string[] {
  const texts: string[] = [];
  if (!sharedAvailable('docs')) return texts;
  const docs = path.join(SHARED, 'docs');
  const files = [
    'abc/rural.txt', 'abc/science.txt', 'webtext/firefox.txt', 'webtext/grail.txt', 'webtext/overheard.txt', 'webtext/singles.txt', 'webtext/wine.txt',
    'inaugural/1789-Washington.txt', 'state_union/1945-Truman.txt',
  ];
  for (const f of files) {
    const p = path.join(docs, f);
    if (!fs.existsSync(p)) continue;
    const lines = fs.readFileSync(p, 'utf8').slice(0, 6000).split('\n').filter((l) => l.trim().length > 0);
    texts.push(...lines.slice(0, 25));
  }
  for (const sub of ['reviews/pos', 'reviews/neg']) {
    const dir = path.join(docs, sub);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort().slice(0, 3)) texts.push(fs.readFileSync(path.join(dir, f), 'utf8').slice(0, 3000));
  }
  return texts;
}

describe('against Transformers.js', () => {
  test('token ids equal the Transformers.js tokenizer ids without [CLS]/[SEP], on tricky and corpus texts', () => {
    const texts = [...TRICKY, ...corpusTexts()];
    expect(texts.length).toBeGreaterThan(50);
    const mismatches: string[] = [];
    for (const text of texts) {
      const ours = Array.from(model.tokenizer.tokenize(text).ids);
      const theirs = hf.ids(text);
      expect(theirs[0]).toBe(CLS);
      expect(theirs[theirs.length - 1]).toBe(SEP);
      if (JSON.stringify(ours) !== JSON.stringify(theirs.slice(1, -1))) {
        mismatches.push(`${JSON.stringify(text.slice(0, 80))}: ours ${ours.slice(0, 20)} vs ${theirs.slice(1, 21)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('token rows from contextualize equal AutoModel last_hidden_state (1e-5)', async () => {
    const texts = [
      'The bank raised interest rates.',
      'We sat on the river bank.',
      'naïve café 東京 \u{1f355} unbelievably',
      ...corpusTexts().slice(0, 6).map((t) => t.slice(0, 400)),
    ];
    const ours = await run(texts);
    for (let i = 0; i < texts.length; i++) {
      const ref = await hf.lastHidden(texts[i]);
      const n = ours[i].tokens.ids.length;
      expect(ref.ids.length).toBe(n + 2);
      expect(ours[i].dim).toBe(ref.dim);
      expect(ours[i].layers[0].length).toBe(n * ref.dim);
      // Rows 1..n of the reference (its [CLS] row is the text's cls state).
      expect(maxAbsDiff(ours[i].layers[0], ref.data.subarray(ref.dim, (n + 1) * ref.dim))).toBeLessThan(1e-5);
      expect(maxAbsDiff(ours[i].cls[0], ref.data.subarray(0, ref.dim))).toBeLessThan(1e-5);
    }
    // The same word in different contexts gets different vectors.
    const bank0 = ours[0].tokens.tokens.indexOf('bank');
    const bank1 = ours[1].tokens.tokens.indexOf('bank');
    expect(maxAbsDiff(row(ours[0], bank0), row(ours[1], bank1))).toBeGreaterThan(1e-3);
  });
});

describe('token / word / character alignment', () => {
  type Expected = [token: string, start: number, end: number, word: number][];
  const ab: Expected = [['aba', 0, 3, 0]];
  for (let i = 0; i < 48; i++) ab.push(['##ba', 3 + 2 * i, 5 + 2 * i, 0]);
  ab.push(['##b', 99, 100, 0]);
  const cases: [string, Expected][] = [
    ['Hello, world!', [['hello', 0, 5, 0], [',', 5, 6, 1], ['world', 7, 12, 2], ['!', 12, 13, 3]]],
    ['naïve café', [['naive', 0, 5, 0], ['cafe', 6, 10, 1]]],
    ['cafe\u0301!', [['cafe', 0, 5, 0], ['!', 5, 6, 1]]],
    ['東京', [['東', 0, 1, 0], ['京', 1, 2, 1]]],
    ['I \u2764\ufe0f \u{1f355}!', [['i', 0, 1, 0], ['[UNK]', 2, 4, 1], ['[UNK]', 5, 7, 2], ['!', 7, 8, 3]]],
    ['unbelievably tokenization', [
      ['un', 0, 2, 0], ['##bel', 2, 5, 0], ['##ie', 5, 7, 0], ['##va', 7, 9, 0], ['##bly', 9, 12, 0],
      ['token', 13, 18, 1], ['##ization', 18, 25, 1],
    ]],
    ['a\u0000b\u200bc d', [['abc', 0, 5, 0], ['d', 6, 7, 1]]],
    ['one  two\n\n\tthree', [['one', 0, 3, 0], ['two', 5, 8, 1], ['three', 11, 16, 2]]],
    ['x'.repeat(101) + ' y', [['[UNK]', 0, 101, 0], ['y', 102, 103, 1]]],
    ['ab'.repeat(50), ab],
    ["Don't re-embed U.S.A.", [
      ['don', 0, 3, 0], ["'", 3, 4, 1], ['t', 4, 5, 2], ['re', 6, 8, 3], ['-', 8, 9, 4], ['em', 9, 11, 5], ['##bed', 11, 14, 5],
      ['u', 15, 16, 6], ['.', 16, 17, 7], ['s', 17, 18, 8], ['.', 18, 19, 9], ['a', 19, 20, 10], ['.', 20, 21, 11],
    ]],
    ['\u{1f469}\u200d\u{1f4bb} ok', [['[UNK]', 0, 5, 0], ['ok', 6, 8, 1]]],
    ['', []],
    [' \n\t\u0000 ', []],
  ];

  test.each(cases.map(([text, exp]) => [JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text), text, exp] as const))(
    '%s',
    (_name, text, expected) => {
      const t = model.tokenizer.tokenize(text);
      const got = t.tokens.map((tok, i) => [tok, t.starts[i], t.ends[i], t.wordIndex[i]]);
      expect(got).toEqual(expected);
      // Word spans agree with the tokens' words.
      for (let i = 0; i < t.tokens.length; i++) {
        const w = t.wordIndex[i];
        expect(t.words.starts[w]).toBeLessThanOrEqual(t.starts[i]);
        expect(t.words.ends[w]).toBeGreaterThanOrEqual(t.ends[i]);
      }
    },
  );

  test('text.slice(start, end) of each piece of a split word, and of a whole text', () => {
    const text = 'Unbelievably, the TOKENIZATION of naïvety and Zürichers in 東京 works.';
    const t = model.tokenizer.tokenize(text);
    const slices = t.tokens.map((_, i) => text.slice(t.starts[i], t.ends[i]));
    expect(slices).toEqual(['Un', 'bel', 'ie', 'va', 'bly', ',', 'the', 'TOKEN', 'IZATION', 'of', 'naïve', 'ty', 'and', 'Zürich', 'ers', 'in', '東', '京', 'works', '.']);
    expect(Array.from(t.wordIndex)).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 10, 11, 12]);
  });
});

describe('windows', () => {
  // 16 tokens a window: 14 of content, 4 shared with the next.
  const MAX = 16;
  const STRIDE = 4;
  const CONTENT = MAX - 2;

  /** Windows by the rule in the README, written independently of planWindows: [start, end) per window. */
  function windowsOf(n: number): [number, number][] {
    if (n <= CONTENT) return [[0, n]];
    const out: [number, number][] = [];
    for (let s = 0; ; s += CONTENT - STRIDE) {
      if (s + CONTENT >= n) {
        out.push([n - CONTENT, n]);
        break;
      }
      out.push([s, s + CONTENT]);
    }
    return out;
  }

  const LONG = 'The committee met on Tuesday to discuss the budget, and after a long debate about roads, schools and ' +
    'the river bank that floods every spring, it voted to postpone the decision until the engineers could report back ' +
    'with unbelievably detailed estimates.';

  test('each token gets exactly one row: the one from the window where it has the most context on both sides', async () => {
    const [states] = await run([LONG], { maxLength: MAX, stride: STRIDE, batchTokens: 64 });
    const ids = states.tokens.ids;
    const n = ids.length;
    expect(n).toBeGreaterThan(3 * CONTENT);
    expect(states.layers[0].length).toBe(n * dim);
    const windows = windowsOf(n);
    expect(windows.length).toBeGreaterThanOrEqual(4);
    const direct = await Promise.all(windows.map(([s, e]) => directWindow(ids, s, e)));
    let differsFromOtherWindow = 0;
    for (let t = 0; t < n; t++) {
      let best = -1;
      const candidates: number[] = [];
      windows.forEach(([s, e], w) => {
        if (t < s || t >= e) return;
        const ctx = Math.min(t - s, e - 1 - t);
        if (ctx > best) {
          best = ctx;
          candidates.length = 0;
        }
        if (ctx === best) candidates.push(w);
      });
      const got = row(states, t);
      const diffs = candidates.map((w) => maxAbsDiff(got, direct[w].subarray((t - windows[w][0]) * dim, (t - windows[w][0] + 1) * dim)));
      expect({ t, ok: Math.min(...diffs) < 1e-5 }).toEqual({ t, ok: true });
      // Where the token sits in several windows, the one not chosen gives a different vector.
      windows.forEach(([s, e], w) => {
        if (t >= s && t < e && !candidates.includes(w)) {
          const other = maxAbsDiff(got, direct[w].subarray((t - s) * dim, (t - s + 1) * dim));
          if (other > 1e-4) differsFromOtherWindow++;
        }
      });
    }
    expect(differsFromOtherWindow).toBeGreaterThan(5);
    // The [CLS] state comes from the first window.
    const [[first]] = await model.encoder.run([Int32Array.from([CLS, ...ids.subarray(0, CONTENT), SEP])]);
    expect(maxAbsDiff(states.cls[0], first.subarray(0, dim))).toBeLessThan(1e-5);
  });

  test('a text that fits in one window gives the same rows as a full-length single pass', async () => {
    const t = model.tokenizer.tokenize(LONG);
    // Cut the text to exactly CONTENT tokens, and to fewer.
    const exact = LONG.slice(0, t.ends[CONTENT - 1]);
    const shorter = LONG.slice(0, t.ends[5]);
    const windowed = await run([exact, shorter], { maxLength: MAX, stride: STRIDE });
    const full = await run([exact, shorter]);
    expect(windowed[0].tokens.ids.length).toBe(CONTENT);
    expect(windowed[1].tokens.ids.length).toBe(6);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(windowed[i].layers[0], full[i].layers[0])).toBeLessThan(1e-5);
    // And the long text windowed differs from its single pass (windowing really happened).
    const [w] = await run([LONG], { maxLength: MAX, stride: STRIDE });
    const [f] = await run([LONG]);
    expect(maxAbsDiff(w.layers[0], f.layers[0])).toBeGreaterThan(1e-3);
  });

  test('bad window options are usage errors', async () => {
    await expect(run(['x'], { maxLength: 2 })).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(['x'], { maxLength: 600 })).rejects.toMatchObject({ exitCode: 2 });
    await expect(run(['x'], { maxLength: 16, stride: 14 })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('batching', () => {
  test('results come back in input order and equal one-at-a-time runs, with small token budgets', async () => {
    const rand = seeded(42);
    const words = (corpusTexts().join(' ') || 'the quick brown fox jumps over the lazy dog again and again').split(/\s+/).filter(Boolean);
    const texts: string[] = [];
    for (let i = 0; i < 40; i++) {
      const len = Math.floor(rand() * 60);
      const start = Math.floor(rand() * Math.max(1, words.length - len));
      texts.push(words.slice(start, start + len).join(' '));
    }
    texts[7] = '';
    texts[19] = words.slice(0, 150).join(' '); // longer than a batch's budget: runs alone
    const alone: TokenStates[] = [];
    for (const t of texts) alone.push((await run([t]))[0]);
    for (const batchTokens of [64, 257]) {
      const batched = await run(texts, { batchTokens });
      texts.forEach((t, i) => {
        expect(Array.from(batched[i].tokens.ids)).toEqual(Array.from(alone[i].tokens.ids));
        expect({ i, diff: maxAbsDiff(batched[i].layers[0], alone[i].layers[0]) < 1e-5 }).toEqual({ i, diff: true });
      });
    }
    // Texts are not all alike (a mix-up would show).
    expect(maxAbsDiff(alone[0].cls[0], alone[1].cls[0])).toBeGreaterThan(1e-4);
  });

  test('an async iterable input streams through in order', async () => {
    const texts = ['first text', 'the second one is a little longer', 'third'];
    async function* gen() {
      for (const t of texts) {
        await new Promise((r) => setTimeout(r, 1));
        yield { id: t.length, t };
      }
    }
    const got: number[] = [];
    for await (const { item } of contextualize(gen(), (x) => x.t, model, { batchTokens: 16 })) got.push(item.id);
    expect(got).toEqual(texts.map((t) => t.length));
  });
});

describe('model loading errors', () => {
  const TINY = fixtureModel('tiny');

  async function loadError(options: Parameters<typeof loadContextualModel>[0]): Promise<CtxembedError> {
    try {
      const m = await loadContextualModel(options);
      await m.dispose();
    } catch (err) {
      return err as CtxembedError;
    }
    throw new Error('expected the load to fail');
  }

  function expectOneLine(err: CtxembedError, ...fragments: string[]) {
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.exitCode).toBe(2);
    expect(err.message).not.toContain('\n');
    for (const f of fragments) expect(err.message).toContain(f);
  }

  test('a missing model folder', async () => {
    const missing = path.join(tmpDir('nomodel'), 'does-not-exist');
    expectOneLine(await loadError({ model: missing }), missing, 'does not exist');
  });

  test('a folder without onnx/', async () => {
    const dir = tmpDir('noonnx');
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TINY, f), path.join(dir, f));
    expectOneLine(await loadError({ model: dir }), dir, 'onnx/');
  });

  test('a corrupt model file', async () => {
    const dir = tmpDir('corrupt');
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TINY, f), path.join(dir, f));
    fs.mkdirSync(path.join(dir, 'onnx'));
    const garbage = Buffer.alloc(4096);
    const rand = seeded(3);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rand() * 256);
    fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), garbage);
    const err = await loadError({ model: dir });
    expectOneLine(err, dir);
    // The failure is the ONNX file, not the tokenizer files (which are fine).
    expect(err.message).not.toMatch(/tokenizer_class|tokenizer\.json/);
  });

  test('--dtype q8 when onnx/model_quantized.onnx is absent', async () => {
    expectOneLine(await loadError({ model: TINY, dtype: 'q8' }), 'model_quantized.onnx', 'model.onnx');
  });
});
