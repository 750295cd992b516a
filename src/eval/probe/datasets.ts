/**
 * The probes' datasets: `sentence<TAB>label` lines (sentence classification, sense-labelled
 * sentences of one word) and `sentence<TAB>sense<TAB>start<TAB>end` lines (word-sense
 * disambiguation: the target's character offsets, JavaScript string indices). Blank lines and
 * lines starting with '#' are skipped; anything else malformed is an error naming the file and line.
 */
import * as fs from 'fs';
import { InputError } from '../../errors';

export interface LabelledSentence {
  sentence: string;
  label: string;
  /** 1-based line in the file. */
  line: number;
}

export interface TargetSentence extends LabelledSentence {
  /** The target word's characters: sentence.slice(start, end). */
  start: number;
  end: number;
}

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** A data file's lines with their numbers, without blank and `#` comment lines; an error naming the file when none is left. */
export function dataLines(file: string): { text: string; line: number }[] {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  const out: { text: string; line: number }[] = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((raw, i) => {
    const text = raw.replace(/\r$/, '');
    if (text.trim() !== '' && !text.startsWith('#')) out.push({ text, line: i + 1 });
  });
  if (out.length === 0) throw new InputError(`${file}: no examples`);
  return out;
}

/** `sentence<TAB>label` lines (the label after the last tab). */
export function readLabelledSentences(file: string): LabelledSentence[] {
  return dataLines(file).map(({ text, line }) => {
    const tab = text.lastIndexOf('\t');
    const label = text.slice(tab + 1).trim();
    const sentence = text.slice(0, Math.max(tab, 0));
    if (tab < 0 || label === '' || sentence.trim() === '') throw new InputError(`${file}:${line}: expected "sentence<TAB>label"`);
    return { sentence, label, line };
  });
}

/** A whole-word, case-insensitive occurrence of `word` in `sentence` (the first), or undefined. */
export function findWord(sentence: string, word: string): { start: number; end: number } | undefined {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${escaped}(?![\\p{L}\\p{M}\\p{N}])`, 'iu').exec(sentence);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

/**
 * Word-sense instances: `sentence<TAB>sense<TAB>start<TAB>end` lines, or, with `word`,
 * `sentence<TAB>label` lines whose target is the word's first whole-word occurrence.
 */
export function readTargetSentences(file: string, word?: string): TargetSentence[] {
  return dataLines(file).map(({ text, line }) => {
    const fields = text.split('\t');
    if (fields.length === 2) {
      if (!word) throw new InputError(`${file}:${line}: "sentence<TAB>label" lines need the target word (--word); or give "sentence<TAB>sense<TAB>start<TAB>end"`);
      const [sentence, label] = [fields[0], fields[1].trim()];
      if (label === '' || sentence.trim() === '') throw new InputError(`${file}:${line}: expected "sentence<TAB>label"`);
      const at = findWord(sentence, word);
      if (!at) throw new InputError(`${file}:${line}: the sentence has no "${word}"`);
      return { sentence, label, line, ...at };
    }
    if (fields.length !== 4) throw new InputError(`${file}:${line}: expected "sentence<TAB>sense<TAB>start<TAB>end" (${fields.length} fields)`);
    const [sentence, label] = [fields[0], fields[1].trim()];
    const [start, end] = [fields[2], fields[3]].map((f) => (/^\s*\d+\s*$/.test(f) ? Number(f) : NaN));
    if (label === '' || sentence.trim() === '') throw new InputError(`${file}:${line}: expected "sentence<TAB>sense<TAB>start<TAB>end"`);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start >= end || end > sentence.length) {
      throw new InputError(`${file}:${line}: offsets ${fields[2]}-${fields[3]} are not a span of the sentence (0 ≤ start < end ≤ ${sentence.length})`);
    }
    const target = sentence.slice(start, end);
    const cuts = (i: number) => i > 0 && i < sentence.length && WORD_CHAR.test(sentence[i - 1]) && WORD_CHAR.test(sentence[i]);
    if (!WORD_CHAR.test(target) || cuts(start) || cuts(end)) {
      throw new InputError(`${file}:${line}: offsets ${start}-${end} ("${target}") do not fall on a word (they must start and end at word boundaries)`);
    }
    return { sentence, label, start, end, line };
  });
}

export interface EncodedLabels {
  /** Class of each example, an index into `classes`. */
  labels: Int32Array;
  /** The labels, sorted (as scikit-learn's; with two, the second is the positive class). */
  classes: string[];
}

/** Class indices; a classifier needs two classes or more, each with two examples or more (one to learn from, one to test). */
export function encodeLabels(file: string, examples: LabelledSentence[]): EncodedLabels {
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  if (classes.length < 2) throw new InputError(`${file}: every example has the label "${classes[0]}"; a classifier needs two classes or more`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = Int32Array.from(examples, (e) => index.get(e.label)!);
  const counts = new Int32Array(classes.length);
  for (const l of labels) counts[l]++;
  const lonely = examples.find((e) => counts[index.get(e.label)!] === 1);
  if (lonely) throw new InputError(`${file}:${lonely.line}: the label "${lonely.label}" has this one example; each label needs two or more`);
  return { labels, classes };
}
