/**
 * `ctxembed eval` on vectors files a careful user might have (its own process): values that are not
 * finite numbers in any spelling and lines with the wrong number of fields are refused with
 * file:line; a duplicate word keeps its first vector with a warning, as gensim's
 * load_word2vec_format does (checked against gensim where it is installed).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../src/errors';
import { loadVectors, saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { ctxembed, lines } from './cli';
import { tmpDir } from './fixtures';
import { gensimAvailable, python } from './gensim-python';

const dir = tmpDir('eval-vectors');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WORDSIM = path.join(dir, 'sim.txt');
fs.writeFileSync(WORDSIM, 'king\tqueen\t8\nman\twoman\t8\nking\tapple\t1\nman\tapple\t2\n');
const ROWS: [string, number[]][] = [
  ['king', [1, 0, 0.1]],
  ['queen', [0.9, 0.2, 0]],
  ['man', [0, 1, 0.3]],
  ['woman', [0.1, 0.8, 0]],
  ['apple', [-1, -0.5, 1]],
];

/** A vectors file in word2vec text (`header`) or GloVe text format from lines `word v1 … vD`. */
function textFile(name: string, rows: string[], header: boolean): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, (header ? `${rows.length} ${rows[0].split(' ').length - 1}\n` : '') + rows.join('\n') + '\n');
  return file;
}

const rowLines = (rows = ROWS) => rows.map(([w, v]) => `${w} ${v.join(' ')}`);
const evalJson = (vectors: string) => ctxembed(['eval', '--vectors', vectors, '--wordsim', WORDSIM, '--json']);

describe.each([
  ['word2vec text', true, 3],
  ['GloVe text', false, 2],
])('%s', (_format, header, line) => {
  const ext = header ? 'vec' : 'txt';

  const SPELLINGS = ['nan', 'NaN', '-nan', 'inf', '+inf', '-inf', 'Inf', 'Infinity', '-Infinity', '1e39'];
  const withValue = (value: string) => {
    const rows = rowLines();
    rows[1] = `queen 0.9 ${value} 0`;
    return textFile(`bad-${value}.${ext}`, rows, header);
  };
  const refusal = (file: string, value: string) => `${file}:${line}: ${JSON.stringify(value)} is not a finite float32 value (NaN or infinite vectors would make every score wrong)`;

  test.each(['nan', '-Infinity'])('%s is refused with file:line, exit 1', (value) => {
    const file = withValue(value);
    const r = evalJson(file);
    expect({ code: r.code, stdout: r.stdout, stderr: lines(r.stderr) }).toEqual({ code: 1, stdout: '', stderr: [`ctxembed: ${refusal(file, value)}`] });
  });

  test(`every spelling of a non-finite value is refused (${SPELLINGS.join(', ')})`, () => {
    for (const value of SPELLINGS) {
      const file = withValue(value);
      expect(() => loadVectors(file)).toThrow(new InputError(refusal(file, value)));
    }
  });

  test('a line with one number too many or too few is refused with file:line', () => {
    // 100-d vectors; the second has 101 numbers, then (another file) 99
    const rows = Array.from({ length: 3 }, (_, i) => `w${i} ${Array.from({ length: 100 }, (_, d) => ((i + d) % 7) / 10).join(' ')}`);
    const more = [...rows];
    more[1] += ' 0.5';
    const fewer = [...rows];
    fewer[1] = fewer[1].replace(/ \S+$/, '');
    for (const [name, rs, found] of [['more', more, 101], ['fewer', fewer, 99]] as const) {
      const file = textFile(`${name}.${ext}`, rs as string[], header);
      const r = evalJson(file);
      expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 1, stderr: [`ctxembed: ${file}:${line}: expected a word and 100 numbers, found ${found} numbers`] });
    }
  });

  test('a word with a space in it (as in some GloVe releases) still loads', () => {
    const file = textFile(`spaced.${ext}`, [...rowLines(), 'new york 0.5 0.5 0.5'], header);
    const r = ctxembed(['eval', '--vectors', file, '--neighbours', 'new york', '--topn', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^new york: \S+ /m);
  });

  test('a duplicate word: one warning naming the file and line, the first vector kept, scores as without the duplicate', () => {
    const rows = rowLines();
    const dup = textFile(`dup.${ext}`, [...rows.slice(0, 3), 'king 0 0 1', ...rows.slice(3)], header);
    const clean = textFile(`clean.${ext}`, rows, header);
    const r = evalJson(dup);
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([`ctxembed: warning: ${dup}: 1 duplicate word (${dup}:${line + 2} "king"); the first vector of each is kept, as gensim does`]);
    const want = JSON.parse(evalJson(clean).stdout).wordsim[0];
    expect(JSON.parse(r.stdout).wordsim[0]).toEqual({ ...want, dataset: WORDSIM });
    expect(want.pairs).toBe(4);
  });
});

describe('word2vec binary', () => {
  const binary = (name: string, rows = ROWS) => {
    const file = path.join(dir, name);
    saveVectors(new KeyedVectors(rows.map((r) => r[0]), 3, Float32Array.from(rows.flatMap((r) => r[1]))), file, { format: 'word2vec-binary' });
    return file;
  };

  test.each([NaN, Infinity, -Infinity])('a %s value is refused, naming the vector, exit 1', (value) => {
    const rows = ROWS.map(([w, v]) => [w, [...v]] as [string, number[]]);
    rows[2][1][1] = value;
    const file = binary(`bad-${value}.bin`, rows);
    const r = evalJson(file);
    expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 1, stderr: [expect.stringContaining(`ctxembed: ${file}: vector 3 (byte `)] });
    expect(r.stderr).toContain(`"man": ${value} is not a finite value`);
  });

  test('a duplicate word: one warning, the first vector kept', () => {
    const dup = binary('dup.bin', [...ROWS.slice(0, 2), ['queen', [0, 0, 1]], ...ROWS.slice(2)]);
    const r = evalJson(dup);
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`^ctxembed: warning: ${dup}: 1 duplicate word \\(${dup}: vector 3 \\(byte \\d+\\) "queen"\\); the first vector of each is kept, as gensim does$`))]);
    expect(JSON.parse(r.stdout).wordsim[0]).toEqual({ ...JSON.parse(evalJson(binary('clean.bin')).stdout).wordsim[0], dataset: WORDSIM });
  });

  test('bytes after the vectors the header announces are refused', () => {
    const file = binary('long.bin');
    fs.appendFileSync(file, 'extra 1234');
    const r = evalJson(file);
    expect({ code: r.code, stderr: lines(r.stderr) }).toEqual({ code: 1, stderr: [expect.stringContaining(`ctxembed: ${file}: more data after the 5 vectors the header announces`)] });
  });
});

const gensim = gensimAvailable() ? test : test.skip;
gensim('gensim keeps the first vector of a duplicate word too, and drops it from the vocabulary', () => {
  const file = textFile('dup-gensim.vec', [...rowLines(), 'man 9 9 9'], true);
  const out = JSON.parse(
    python(
      `
import sys, json, logging
logging.disable(logging.CRITICAL)
from gensim.models import KeyedVectors
kv = KeyedVectors.load_word2vec_format(sys.argv[1])
print(json.dumps({'man': kv['man'].tolist(), 'words': [w for w in kv.index_to_key if w is not None]}))
`,
      [file],
    ),
  );
  expect(out.words).toEqual(ROWS.map((r) => r[0]));
  expect(out.man.map((x: number) => Math.fround(x))).toEqual(ROWS[2][1].map(Math.fround));
  const r = ctxembed(['eval', '--vectors', file, '--neighbours', 'man', '--topn', '4', '--json']);
  expect(JSON.parse(r.stdout).neighbours.man.map((n: { word: string }) => n.word).sort()).toEqual(['apple', 'king', 'queen', 'woman']);
});
