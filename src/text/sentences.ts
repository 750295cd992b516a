/**
 * Sentence segmentation with Intl.Segmenter (Unicode UAX #29 rules). UAX #29 ends a sentence at
 * every line break, which would cut hard-wrapped prose mid-sentence, so single line breaks are
 * read as spaces; blank lines still end a sentence.
 *
 * The text streams in as pieces (a file read chunk by chunk) and sentences stream out: memory
 * holds a few windows of text, whatever the length of the text.
 */

export interface SentenceSpans {
  starts: Int32Array;
  ends: Int32Array;
}

/** One sentence: its offsets in the whole text and its text. */
export interface Sentence {
  start: number;
  end: number;
  text: string;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
/** Abbreviations and initials that UAX #29 takes for a sentence end ("Mr. Smith", "J. Doe", "U.S. Army"). */
const ABBREVIATION = /^(?:mr|mrs|ms|dr|prof|sr|jr|st|mt|vs|etc|gen|gov|sen|rep|col|capt|lt|inc|ltd|co|corp|no|vol|fig|e\.g|i\.e|[a-z](?:\.[a-z])*)\.$/i;
/** Intl.Segmenter takes time quadratic in the length of what it is given: it gets the text in windows of about this size. */
const CHUNK = 4096;
/** A sentence is cut (at a space when there is one) when it would grow longer than this: no boundary in sight, or a run of abbreviations. */
export const MAX_SENTENCE_CHARS = 20_000;
/** Characters read past a window, so that the line breaks at its end are joined knowing what follows. */
const LOOKAHEAD = 64;
/** A lone line break (not part of a blank line): read as spaces, the same length so offsets carry over. */
const LONE_BREAK = /(?<![\r\n])\r?\n(?![\r\n]|[ \t]*\r?\n)/g;

/** The last word of a sentence: what an abbreviation would be. */
function lastWord(sentence: string): string {
  let i = sentence.length;
  while (i > 0 && sentence.length - i < 16 && !/[\s(]/.test(sentence[i - 1])) i--;
  return sentence.slice(i);
}

/** Where to cut a run of text with no sentence end: the last space in its second half, else its end. */
function forcedCut(text: string): number {
  const space = text.search(/\s\S*$/);
  return space > text.length / 2 ? space + 1 : text.length;
}

/** The text, arriving in pieces, held from some offset on. */
class TextWindow {
  private held = '';
  /** Offset of held[0] in the whole text. */
  private base = 0;
  private done = false;

  constructor(private readonly pieces: Iterator<string>) {}

  /** Offset just past what has been read. */
  get end(): number {
    return this.base + this.held.length;
  }

  get exhausted(): boolean {
    return this.done;
  }

  /** Reads until the text reaches offset `to` or ends. */
  fill(to: number): void {
    while (!this.done && this.end < to) {
      const next = this.pieces.next();
      if (next.done) this.done = true;
      else this.held += next.value;
    }
  }

  /** text[from, to), as written. */
  slice(from: number, to: number): string {
    return this.held.slice(from - this.base, to - this.base);
  }

  /** text[from, to) with lone line breaks read as spaces, judged with the characters around it. */
  joined(from: number, to: number): string {
    const a = Math.max(this.base, from - 2);
    const context = this.held.slice(a - this.base, Math.min(this.end, to + LOOKAHEAD) - this.base);
    return context.replace(LONE_BREAK, (m) => ' '.repeat(m.length)).slice(from - a, to - a);
  }

  /** Forgets the text before `offset` (kept: two characters of context). */
  release(offset: number): void {
    const drop = offset - 2 - this.base;
    if (drop > 1 << 16) {
      this.held = this.held.slice(drop);
      this.base += drop;
    }
  }
}

/** Intl.Segmenter's sentences as [offset, segment] over windows, each window's last (maybe cut) sentence segmented again with what follows. */
function* segments(text: TextWindow): Generator<[number, string]> {
  let pos = 0;
  let size = CHUNK;
  for (;;) {
    text.fill(pos + size + LOOKAHEAD);
    const end = Math.min(text.end, pos + size);
    const window = text.joined(pos, end);
    const found = Array.from(segmenter.segment(window), (s): [number, string] => [pos + s.index, s.segment]);
    if (text.exhausted && end === text.end) {
      yield* found;
      return;
    }
    if (found.length < 2) {
      if (size < MAX_SENTENCE_CHARS) {
        size = Math.min(2 * size, MAX_SENTENCE_CHARS); // one sentence longer than the window
        continue;
      }
      const cut = forcedCut(window);
      yield [pos, window.slice(0, cut)];
      pos += cut;
    } else {
      yield* found.slice(0, -1);
      pos = found[found.length - 1][0];
    }
    size = CHUNK;
  }
}

/** The sentences of a text given in pieces, in order, as they are found. */
export function* streamSentences(pieces: Iterable<string>): Generator<Sentence> {
  const text = new TextWindow(pieces[Symbol.iterator]());
  let pending: { start: number; end: number } | null = null;
  for (const [index, segment] of segments(text)) {
    text.release(pending ? pending.start : index);
    const lead = segment.length - segment.trimStart().length;
    const body = segment.trim();
    if (body.length === 0) continue;
    const start = index + lead;
    const end = start + body.length;
    if (
      pending &&
      end - pending.start <= MAX_SENTENCE_CHARS &&
      ABBREVIATION.test(lastWord(text.slice(Math.max(pending.start, pending.end - 16), pending.end))) &&
      !/\n[ \t]*\n/.test(text.joined(pending.end, start))
    ) {
      pending.end = end;
      continue;
    }
    if (pending) yield { ...pending, text: text.slice(pending.start, pending.end) };
    pending = { start, end };
  }
  if (pending) yield { ...pending, text: text.slice(pending.start, pending.end) };
}

export function segmentSentences(text: string): SentenceSpans {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const s of streamSentences([text])) {
    starts.push(s.start);
    ends.push(s.end);
  }
  return { starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}
