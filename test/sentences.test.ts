import { segmentSentences } from '../src/text/sentences';

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
