/**
 * Static vectors from a contextual model, the simplest way: each word run alone, as
 * `[CLS] word [SEP]`, its pieces pooled into one vector (Bommasani et al. 2020's "decontextualized"
 * baseline). Fast, and no corpus needed, but the model never sees the word in use.
 */
import { contextualize, ContextualOptions } from '../contextual/contextualize';
import { ContextualModel } from '../contextual/model';
import { poolWords, WordPooling, wordPoolingDim } from '../pooling/words';
import { KeyedVectors } from '../static/keyed-vectors';
import { LayerSelection, selectLayers } from '../contextual/layers';
import { LayerVectors } from './word-states';

export interface IsolatedOptions extends ContextualOptions {
  layers?: LayerSelection;
  wordPooling?: WordPooling;
}

/**
 * One KeyedVectors per requested hidden state, over `words` in the order given (duplicates once;
 * words that tokenize to nothing left out). A word that BERT splits further ("don't") is pooled
 * over all its pieces. Leaves the model's encoder on those layers.
 */
export async function isolatedVectors(model: ContextualModel, words: string[], options: IsolatedOptions = {}): Promise<LayerVectors[]> {
  const layers = await selectLayers(model, options.layers);
  const mode = options.wordPooling ?? 'mean';
  const unique = [...new Set(words)].filter((w) => model.tokenizer.tokenize(w).ids.length > 0);
  const dim = wordPoolingDim(mode, model.hiddenSize);
  const out = layers.map(() => new Float32Array(unique.length * dim));
  let row = 0;
  for await (const { states } of contextualize(unique, (w) => w, model, options)) {
    const oneWord = new Int32Array(states.tokens.ids.length);
    states.layers.forEach((l, i) => out[i].set(poolWords(l, states.dim, oneWord, 1, mode), row * dim));
    row++;
  }
  return layers.map((layer, i) => ({ layer, vectors: new KeyedVectors(unique, dim, out[i]) }));
}
