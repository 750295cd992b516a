/** A small analogy and word-similarity fixture shared by the evaluation tests (compared with gensim). */
import * as fs from 'fs';
import * as path from 'path';
import { saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';

/**
 * Vectors where analogies partly hold: pairs (x, y) with y = x + offset of the relation + noise,
 * case variants of some words (gensim keeps the first, most frequent one), and words past a small
 * restrict_vocab.
 */
export function analogyFixture(dir: string): { vectors: string; questions: string; pairs: string } {
  let s = 7;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
  const dim = 16;
  const words: string[] = [];
  const rows: number[][] = [];
  const add = (w: string, v: number[]) => {
    words.push(w);
    rows.push(v);
  };
  const sections: Record<string, [string, string][]> = {};
  for (const rel of ['capital', 'plural', 'opposite']) {
    const offset = Array.from({ length: dim }, () => rand() * 2);
    sections[rel] = [];
    for (let i = 0; i < 8; i++) {
      const x = `${rel}X${i}`;
      const y = `${rel}y${i}`;
      const vx = Array.from({ length: dim }, () => rand() * 2);
      add(x, vx);
      add(y, vx.map((v, d) => v + offset[d] + rand() * 2.5));
      sections[rel].push([x, y]);
    }
  }
  add('CAPITALy0', rows[1].map((v) => v + 0.01)); // a case variant, less frequent: it must not count as an answer
  add('capitalx1', rows[2].map((v) => -v)); // a less frequent case variant of a question word
  for (let i = 0; i < 6; i++) add(`filler${i}`, Array.from({ length: dim }, () => rand() * 3));
  const vectors = path.join(dir, 'v.vec');
  saveVectors(new KeyedVectors(words, dim, Float32Array.from(rows.flat())), vectors);

  const lines: string[] = [];
  for (const [rel, pairs] of Object.entries(sections)) {
    lines.push(`: ${rel}`);
    for (const [a, b] of pairs) for (const [c, d] of pairs) if (a !== c) lines.push(`${a} ${b} ${c} ${d}`);
    lines.push(`${pairs[0][0]} ${pairs[0][1]} unknownword ${pairs[1][1]}`);
  }
  lines.push(': empty-section');
  const questions = path.join(dir, 'q.txt');
  fs.writeFileSync(questions, lines.join('\n') + '\n');

  const simLines = ['# a comment', 'word1\tword2\tscore'];
  let k = 0;
  for (let i = 0; i < words.length; i += 3) for (let j = i + 1; j < words.length; j += 5) simLines.push(`${words[i].toLowerCase()}\t${words[j]}\t${(k++ % 4) + 0.5}`);
  simLines.push('capitalX0\tunknown\t3', 'a\tb\tc\t1', '');
  const pairs = path.join(dir, 'sim.txt');
  fs.writeFileSync(pairs, simLines.join('\n'));
  return { vectors, questions, pairs };
}
