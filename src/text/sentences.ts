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
const ABBREVIATION = /^(?:mr|mrs|ms|dr|prof|sr|jr|st|mt|vs|etc|gen|gov|sen|rep|col|capt|lt|inc|ltd|co|corp|no|vol|fig|e\.g|i\.e|[a-z](?:\.[a-z])*)\.$/i;
/** Intl.Segmenter takes time quadratic in the length of what it is given: it gets the text in pieces of about this size. */
const CHUNK = 4096;

/** Intl.Segmenter's sentences of `text` as [offset, segment], over chunks, each chunk's last (maybe cut) sentence segmented again with what follows. */
function* segments(text: string): Generator<[number, string]> {
  let pos = 0;
  let size = CHUNK;
  while (pos < text.length) {
    const end = Math.min(text.length, pos + size);
    const found = Array.from(segmenter.segment(text.slice(pos, end)), (s): [number, string] => [pos + s.index, s.segment]);
    if (end === text.length) {
      yield* found;
      return;
    }
    if (found.length < 2) {
      size *= 2; // one sentence longer than the chunk
      continue;
    }
    yield* found.slice(0, -1);
    pos = found[found.length - 1][0];
    size = CHUNK;
  }
}

/** The last word of text[start, end): what an abbreviation would be. */
function lastWord(text: string, start: number, end: number): string {
  let i = end;
  while (i > start && end - i < 16 && !/[\s(]/.test(text[i - 1])) i--;
  return text.slice(i, end);
}

export function segmentSentences(text: string): SentenceSpans {
  // Same length as `text`, so offsets carry over: lone line breaks become spaces.
  const joined = text.replace(/(?<![\r\n])\r?\n(?![\r\n]|[ \t]*\r?\n)/g, (m) => ' '.repeat(m.length));
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [index, segment] of segments(joined)) {
    const lead = segment.length - segment.trimStart().length;
    const body = segment.trim();
    if (body.length === 0) continue;
    const last = ends.length - 1;
    if (last >= 0 && ABBREVIATION.test(lastWord(joined, starts[last], ends[last])) && !/\n[ \t]*\n/.test(joined.slice(ends[last], index + lead))) {
      ends[last] = index + lead + body.length;
      continue;
    }
    starts.push(index + lead);
    ends.push(index + lead + body.length);
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
