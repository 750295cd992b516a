/**
 * Probe features from a contextual model, every selected hidden state from one pass over the
 * data: a sentence's pooled vector (`mean` counts [CLS] and [SEP], as sentence rows do
 * everywhere in ctxembed; `cls` is the [CLS] state), or a target word's vector (the tokens its
 * characters overlap, pooled as a word's pieces are). Call `selectLayers` first.
 */
import { contextualize, ContextualOptions, TokenStates } from '../../contextual/contextualize';
import type { ContextualModel } from '../../contextual/model';
import { SequencePooler, SequencePooling } from '../../pooling/sequence';
import { poolWords, WordPooling, wordPoolingDim } from '../../pooling/words';
import { InputError } from '../../errors';
import type { TargetSentence } from './datasets';
import { featureMatrix, FeatureMatrix } from './feature-matrix';

export interface ContextualFeatureOptions extends ContextualOptions {
  /** Called as examples come out of the model. */
  onExample?: (done: number, total: number) => void;
}

/** Each text through the model once, in input order, with its states. */
async function forEachStates<T>(items: T[], textOf: (item: T) => string, model: ContextualModel, options: ContextualFeatureOptions, use: (i: number, states: TokenStates) => void): Promise<void> {
  let done = 0;
  for await (const { states } of contextualize(items, textOf, model, options)) {
    use(done++, states);
    options.onExample?.(done, items.length);
  }
}

/** Per pooling, per selected hidden state: one row per sentence. */
export async function sentenceFeatures(model: ContextualModel, sentences: string[], poolings: SequencePooling[], layers: number, options: ContextualFeatureOptions = {}): Promise<FeatureMatrix[][]> {
  const dim = model.hiddenSize;
  const out = poolings.map(() => Array.from({ length: layers }, () => featureMatrix(sentences.length, dim)));
  await forEachStates(sentences, (s) => s, model, options, (i, states) => {
    poolings.forEach((mode, p) => {
      for (let l = 0; l < layers; l++) {
        const pooled = new SequencePooler(dim, mode).add(states.cls[l]).add(states.layers[l]).add(states.sep[l]).result();
        out[p][l].data.set(pooled, i * dim);
      }
    });
  });
  return out;
}

/** Per selected hidden state: one row per instance, its target's tokens pooled. `file` names the dataset in errors. */
export async function targetFeatures(model: ContextualModel, file: string, instances: TargetSentence[], wordPooling: WordPooling, layers: number, options: ContextualFeatureOptions = {}): Promise<FeatureMatrix[]> {
  const dim = wordPoolingDim(wordPooling, model.hiddenSize);
  const out = Array.from({ length: layers }, () => featureMatrix(instances.length, dim));
  await forEachStates(instances, (t) => t.sentence, model, options, (i, states) => {
    const { start, end } = instances[i];
    const { starts, ends } = states.tokens;
    let first = 0;
    while (first < starts.length && ends[first] <= start) first++;
    let last = first;
    while (last < starts.length && starts[last] < end) last++;
    if (last === first) throw new InputError(`${file}:${instances[i].line}: no token of the model falls in offsets ${start}-${end}`);
    const pieces = new Int32Array(last - first);
    for (let l = 0; l < layers; l++) {
      const rows = states.layers[l].subarray(first * states.dim, last * states.dim);
      out[l].data.set(poolWords(rows, states.dim, pieces, 1, wordPooling), i * dim);
    }
  });
  return out;
}
