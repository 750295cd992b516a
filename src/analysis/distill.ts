/**
 * Static vectors distilled from a contextual model (Bommasani et al. 2020): a word's vector is the
 * mean of its contextual vectors over its occurrences in a corpus. Two streaming passes: count the
 * words (to keep those with at least `minCount` occurrences), then run the model on the lines that
 * hold an occurrence still wanted (the first `maxContexts` of each word). Memory: the sums,
 * vocabulary × dim × layers floats; the corpus is never held.
 */
import { ContextualModel } from '../contextual/model';
import { KeyedVectors } from '../static/keyed-vectors';
import { vocabularyFromCounts } from '../static/vocab';
import { LayerSelection, selectLayers } from '../contextual/layers';
import { corpusLines, LayerVectors, sentenceWords, wordSplitter, WordStateOptions } from './word-states';

export interface DistillOptions extends WordStateOptions {
  layers?: LayerSelection;
  /** Words with fewer occurrences are left out (default 5, as Word2Vec). */
  minCount?: number;
  /** Occurrences averaged per word, the first in corpus order (default 100). */
  maxContexts?: number;
}

/**
 * One KeyedVectors per requested hidden state; words sorted by corpus count, descending (ties in
 * first-occurrence order), as the static trainers sort them. Leaves the model's encoder on those layers.
 * @param corpus text files or folders (walked recursively), one sentence (context) a line
 */
export async function distillStatic(model: ContextualModel, corpus: string | string[], options: DistillOptions = {}): Promise<LayerVectors[]> {
  const maxContexts = options.maxContexts ?? 100;
  if (!Number.isInteger(maxContexts) || maxContexts < 1) throw new RangeError(`maxContexts must be a positive integer, got ${maxContexts}`);
  const split = wordSplitter(model, options.tokenizer);
  const counts = new Map<string, number>();
  let tokens = 0;
  for await (const line of corpusLines(corpus)) {
    const words = split(line);
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    tokens += words.length;
  }
  const vocab = vocabularyFromCounts(counts, tokens, { minCount: options.minCount ?? 5 }, Array.isArray(corpus) ? corpus.join(', ') : corpus);

  const layers = await selectLayers(model, options.layers);
  // Occurrences fed to the model so far, per word: a line where every word has had its share is skipped.
  const fed = new Int32Array(vocab.size);
  let saturated = 0;
  async function* wanted(): AsyncGenerator<string> {
    for await (const line of corpusLines(corpus)) {
      if (saturated === vocab.size) return;
      const ids = split(line).map((w) => vocab.indexOf(w));
      if (!ids.some((i) => i >= 0 && fed[i] < maxContexts)) continue;
      for (const i of ids) if (i >= 0 && ++fed[i] === maxContexts) saturated++;
      yield line;
    }
  }
  let sums: Float32Array[] = [];
  let dim = 0;
  const used = new Int32Array(vocab.size);
  for await (const sentence of sentenceWords(wanted(), model, options)) {
    if (dim === 0) {
      dim = sentence.dim;
      sums = layers.map(() => new Float32Array(vocab.size * dim));
    }
    sentence.words.forEach((word, w) => {
      const i = vocab.indexOf(word);
      if (i < 0 || used[i] === maxContexts) return;
      used[i]++;
      for (let l = 0; l < layers.length; l++) {
        const src = sentence.layers[l];
        const dst = sums[l];
        for (let k = 0, o = i * dim, s = w * dim; k < dim; k++) dst[o + k] += src[s + k];
      }
    });
  }
  // A word can end up without vectors only when none of its characters reach the model (all removed by BERT's cleaning).
  const rows = Array.from({ length: vocab.size }, (_, i) => i).filter((i) => used[i] > 0);
  const words = rows.map((i) => vocab.words[i]);
  return layers.map((layer, l) => {
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach((i, r) => {
      const inv = 1 / used[i];
      for (let k = 0; k < dim; k++) vectors[r * dim + k] = sums[l][i * dim + k] * inv;
    });
    return { layer, vectors: new KeyedVectors(words, dim, vectors) };
  });
}
