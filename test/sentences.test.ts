import { MAX_SENTENCE_CHARS, segmentSentences, streamSentences } from '../src/text/sentences';

const spans = (text: string) => {
  const s = segmentSentences(text);
  return Array.from(s.starts, (a, i) => text.slice(a, s.ends[i]));
};

test('abbreviations and initials stay inside a sentence; wrapped lines join; blank lines end a sentence', () => {
  const text = 'Mr. Smith met Dr. J. Doe of the U.S. Army. They talked,\nfor hours, about rain.\n\nTitle Without A Period\n\nIs it done? Yes.';
  expect(spans(text)).toEqual(['Mr. Smith met Dr. J. Doe of the U.S. Army.', 'They talked,\nfor hours, about rain.', 'Title Without A Period', 'Is it done?', 'Yes.']);
});

test('a long text, segmented in chunks, gives the sentences Intl.Segmenter gives for the whole text', () => {
  const pool = ['The river rose overnight.', 'Officials said roads were closed!', 'Would the bridge hold?', '"Nobody knows," she said.', 'Prices rose 3.5 percent in May.'];
  const joined = Array.from({ length: 900 }, (_, i) => pool[(i * 7) % pool.length] + (i % 13 === 12 ? '\n\n' : ' ')).join('');
  const whole = Array.from(new Intl.Segmenter('en', { granularity: 'sentence' }).segment(joined), (s) => s.segment.trim()).filter(Boolean);
  expect(joined.length).toBeGreaterThan(20000);
  expect(spans(joined)).toEqual(whole);
});

test('a sentence longer than a chunk is kept whole', () => {
  const long = `${'word '.repeat(3000)}end.`;
  expect(spans(`${long} Next one.`)).toEqual([long, 'Next one.']);
});

test('a text given in pieces of any size gives the sentences of the whole text, with their text', () => {
  const pool = ['Mr.', 'Dr.', 'J.', 'U.S.', 'Army.', 'The', 'river', 'rose', 'overnight.', 'Would', 'it?', 'Yes!', '"Nobody', 'knows,"', 'e.g.', '3.5', '\n', '\n\n', ' \n \n', '\r\n', 'café', '東京。', '(see', 'Fig.', '2)'];
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let t = 0; t < 20; t++) {
    let text = '';
    for (let i = 0, n = 200 + Math.floor(random() * 20000); i < n; i++) text += pool[Math.floor(random() * pool.length)] + (random() < 0.8 ? ' ' : '');
    const whole = spans(text);
    const pieces: string[] = [];
    for (let i = 0; i < text.length; ) {
      const size = 1 + Math.floor(random() * 5000);
      pieces.push(text.slice(i, i + size));
      i += size;
    }
    const streamed = Array.from(streamSentences(pieces));
    expect(streamed.map((s) => s.text)).toEqual(whole);
    for (const s of streamed) expect(text.slice(s.start, s.end)).toBe(s.text);
  }
});

test(`a run of text with no sentence end is cut (at a space) every ${MAX_SENTENCE_CHARS} characters at most`, () => {
  const text = `${'word '.repeat(10000)}end.`;
  const found = Array.from(streamSentences([text]));
  expect(found.length).toBe(3);
  for (const s of found) expect(s.end - s.start).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
  expect(found.map((s) => s.text).join(' ')).toBe(text);
});
