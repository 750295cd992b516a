/**
 * Sentence segmentation with Intl.Segmenter (Unicode UAX #29 rules). UAX #29 ends a sentence at
 * every line break, which would cut hard-wrapped prose mid-sentence, so single line breaks are
 * read as spaces; blank lines still end a sentence.
 */

export interface SentenceSpans {
  starts: Int32Array;
  ends: Int32Array;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
/** Abbreviations and initials that UAX #29 takes for a sentence end ("Mr. Smith", "J. Doe", "U.S. Army"). */
const ABBREVIATION_END = /(?:^|[\s(])(?:mr|mrs|ms|dr|prof|sr|jr|st|mt|vs|etc|gen|gov|sen|rep|col|capt|lt|inc|ltd|co|corp|no|vol|fig|e\.g|i\.e|[a-z](?:\.[a-z])*)\.$/i;

export function segmentSentences(text: string): SentenceSpans {
  // Same length as `text`, so offsets carry over: lone line breaks become spaces.
  const joined = text.replace(/(?<![\r\n])\r?\n(?![\r\n]|[ \t]*\r?\n)/g, (m) => ' '.repeat(m.length));
  const starts: number[] = [];
  const ends: number[] = [];
  for (const { index, segment } of segmenter.segment(joined)) {
    const lead = segment.length - segment.trimStart().length;
    const body = segment.trim();
    if (body.length === 0) continue;
    const last = ends.length - 1;
    if (last >= 0 && ABBREVIATION_END.test(joined.slice(starts[last], ends[last])) && !/\n[ \t]*\n/.test(joined.slice(ends[last], index + lead))) {
      ends[last] = index + lead + body.length;
      continue;
    }
    starts.push(index + lead);
    ends.push(index + lead + body.length);
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
