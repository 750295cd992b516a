/**
 * A synthetic corpus GloVe learns quickly: 8 groups of 5 words (`g3w1`); each line draws 10 words
 * from one group and 2 from any group, so words co-occur mostly, not only, within their group (with
 * no pair across groups the biases alone would fit the counts). Groups differ in frequency, so a
 * mix-up of vocabulary ids and rows shows. Trained vectors have each word's group mates as its
 * nearest neighbours.
 */
import * as fs from 'fs';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { seededRandom } from '../src/random';

export function writeGroupCorpus(file: string, lines = 1500, seed = 3): void {
  const random = seededRandom(seed);
  const word = (g: number) => `g${g}w${Math.floor(5 * random())}`;
  const out: string[] = [];
  for (let l = 0; l < lines; l++) {
    const g = Math.floor(8 * random() ** 1.5);
    out.push([...Array.from({ length: 10 }, () => word(g)), word(Math.floor(8 * random())), word(Math.floor(8 * random()))].join(' '));
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

/** The share of each word's `topn` nearest neighbours that are in its group. */
export function groupPrecision(kv: KeyedVectors, topn = 4): number {
  let right = 0;
  for (const w of kv.words) right += kv.mostSimilar(w, topn).filter((n) => n.word.slice(0, 2) === w.slice(0, 2)).length;
  return right / (kv.size * topn);
}
