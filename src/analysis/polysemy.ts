/**
 * A polysemy probe: one word in sentences labelled with its sense ("bank": river or finance).
 * Its contextual vectors are clustered (k-means, k = the number of senses) and the clusters scored
 * against the labels (purity); a 2-D PCA shows them, with the word's single static-like vector
 * (its mean over these sentences, or a distilled one) on the same axes, and the word's nearest
 * neighbours in static embeddings show which sense those settle on.
 */
import { ContextualOptions } from '../contextual/contextualize';
import { ContextualModel } from '../contextual/model';
import { InputError, UsageError } from '../errors';
import { KeyedVectors } from '../static/keyed-vectors';
import { segmentWords } from '../text/words';
import { kmeans, purity } from './kmeans';
import { nearestNeighbours } from '../eval/neighbours';
import { readLabelledSentences } from '../eval/probe/datasets';
import { pca2d } from './pca';
import { selectLayers } from '../contextual/layers';
import { sentenceWords } from './word-states';

/** One occurrence of the probed word, projected to 2-D. */
export interface PolysemyPoint {
  sentence: string;
  label: string;
  cluster: number;
  x: number;
  y: number;
}

export interface PolysemyProbe {
  word: string;
  layer: number;
  labels: string[];
  points: PolysemyPoint[];
  /** Cluster purity against the labels (k-means with k = number of labels). */
  purity: number;
  /** How the projection was made: 'pca' or 'umap'. */
  projection: string;
  /** The word's distilled (mean contextual) vector in the same projection. */
  centroid?: { x: number; y: number };
  /** Where the word stands in each static embedding: its nearest neighbours. */
  staticNeighbours: { embedding: string; neighbours: { word: string; similarity: number }[] }[];
}

export interface PolysemyOptions extends ContextualOptions {
  word: string;
  /** Hidden state (0 = embeddings; negative from the end; default -1, the last). */
  layer?: number;
  staticVectors?: { name: string; kv: KeyedVectors }[];
  seed?: number;
  /** The word's distilled vector (from `distillStatic`, same layer) to place; by default the mean of its vectors here. */
  distilled?: ArrayLike<number>;
  /** Static neighbours per embedding (default 10). */
  topn?: number;
}

/** Leaves the model's encoder on the probed layer. */
export async function probePolysemy(model: ContextualModel, sensesFile: string, options: PolysemyOptions): Promise<PolysemyProbe> {
  const target = segmentWords(options.word, model.tokenizer.normalization).normalized;
  if (target.length !== 1) throw new UsageError(`the probed word must be one word as BERT splits text; ${JSON.stringify(options.word)} is ${target.length}`);
  const entries = readLabelledSentences(sensesFile);
  const labels = [...new Set(entries.map((e) => e.label))];
  const [layer] = await selectLayers(model, [options.layer ?? -1]);
  const vectors: Float32Array[] = [];
  const points: PolysemyProbe['points'] = [];
  const found = new Uint8Array(entries.length);
  for await (const s of sentenceWords(entries.map((e) => e.sentence), model, { ...options, tokenizer: 'bert', wordPooling: 'mean' })) {
    s.words.forEach((w, i) => {
      if (w !== target[0]) return;
      found[s.index] = 1;
      vectors.push(s.layers[0].slice(i * s.dim, (i + 1) * s.dim));
      points.push({ sentence: entries[s.index].sentence, label: entries[s.index].label, cluster: 0, x: 0, y: 0 });
    });
  }
  const missing = entries.find((_, i) => !found[i]);
  if (missing) throw new InputError(`${sensesFile}:${missing.line}: the sentence has no "${target[0]}"`);
  if (points.length < labels.length) throw new InputError(`${sensesFile}: ${points.length} occurrences of "${target[0]}" for ${labels.length} senses`);

  const clusters = kmeans(vectors, labels.length, { seed: options.seed ?? 1 });
  const projection = pca2d(vectors);
  points.forEach((p, i) => {
    p.cluster = clusters.assignments[i];
    [p.x, p.y] = projection.points[i];
  });
  let centre = options.distilled;
  if (!centre) {
    const mean = new Float64Array(vectors[0].length);
    for (const v of vectors) for (let k = 0; k < mean.length; k++) mean[k] += v[k] / vectors.length;
    centre = mean;
  }
  if (centre.length !== vectors[0].length) throw new UsageError(`the distilled vector has ${centre.length} dimensions, the layer's vectors ${vectors[0].length}`);
  const [cx, cy] = projection.project(centre);
  return {
    word: target[0],
    layer,
    labels,
    points,
    purity: purity(clusters.assignments, points.map((p) => p.label)),
    projection: 'pca',
    centroid: { x: cx, y: cy },
    staticNeighbours: (options.staticVectors ?? []).map(({ name, kv }) => ({
      embedding: name,
      neighbours: nearestNeighbours(kv, [options.word], { topn: options.topn ?? 10 })[options.word] ?? [],
    })),
  };
}
