import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../src/errors';
import { getTokenizer, readSentences } from '../src/static/corpus';
import { buildVocabulary } from '../src/static/vocab';
import { tmpDir } from './fixtures';

function corpus(files: Record<string, string | Buffer>): string {
  const dir = tmpDir('vocab');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('tokenizers', () => {
  test('default lowercases and keeps words, dropping punctuation', () => {
    expect(getTokenizer('default')("The cat's  mat, (Paris) 1999—ok!")).toEqual(["the", "cat's", 'mat', 'paris', '1999', 'ok']);
  });
  test('whitespace takes tokens as they are', () => {
    expect(getTokenizer('whitespace')('  The cat , mat\t. ')).toEqual(['The', 'cat', ',', 'mat', '.']);
  });
});

describe('buildVocabulary', () => {
  test('counts across files of a folder, sorted by count then first occurrence, min-count applied', async () => {
    // a:4 b:3 c:3 d:1 e:2 — counted by hand
    const dir = corpus({ 'one.txt': 'a b c\nd a\n', 'sub/two.txt': 'e c b a\n\nb c a e' });
    const v = await buildVocabulary(dir, { minCount: 2, tokenizer: 'whitespace' });
    expect(v.words).toEqual(['a', 'b', 'c', 'e']);
    expect(Array.from(v.counts)).toEqual([4, 3, 3, 2]);
    expect(v.totalCount).toBe(12);
    expect(v.corpusTokens).toBe(13);
    expect(v.indexOf('c')).toBe(2);
    expect(v.indexOf('d')).toBe(-1);
  });

  test('max-vocab keeps the most frequent words', async () => {
    const dir = corpus({ 'c.txt': 'x y y z z z' });
    const v = await buildVocabulary(dir, { minCount: 1, maxVocab: 2 });
    expect(v.words).toEqual(['z', 'y']);
  });

  test('long lines are cut into sentences of 10,000 words, as gensim LineSentence', async () => {
    const dir = corpus({ 'c.txt': Array(25000).fill('w').join(' ') });
    const lengths: number[] = [];
    for await (const s of readSentences(dir)) lengths.push(s.length);
    expect(lengths).toEqual([10000, 10000, 5000]);
  });

  test('an empty corpus, a corpus under min-count and a binary file are InputErrors naming the file', async () => {
    const empty = corpus({ 'e.txt': '\n\n' });
    await expect(buildVocabulary(empty)).rejects.toThrow(InputError);
    await expect(buildVocabulary(empty)).rejects.toThrow(/no words/);
    const rare = corpus({ 'r.txt': 'a b c a' });
    await expect(buildVocabulary(rare, { minCount: 5 })).rejects.toThrow(/no word occurs at least 5 times.*most frequent occurs 2 times/);
    const bin = corpus({ 'b.bin': Buffer.from([1, 2, 0, 200, 17, 0]) });
    await expect(buildVocabulary(bin)).rejects.toThrow(new RegExp(`${path.join(bin, 'b.bin')}: a binary file`));
    const latin1 = corpus({ 'l.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61]) });
    await expect(buildVocabulary(latin1)).rejects.toThrow(/not UTF-8/);
    await expect(buildVocabulary(path.join(empty, 'missing.txt'))).rejects.toThrow(/no such file/);
  });
});
