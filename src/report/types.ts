/**
 * The data of a comparison report (DIR/report.json): what `ctxembed compare` computes and
 * `writeReport` renders. Plain JSON-able objects, no vectors except the 2-D projection.
 */
import type { AnalogyResult } from '../eval/analogy';
import type { WordSimilarityResult } from '../eval/word-similarity';

/** How an embedding's vectors were obtained. */
export type EmbeddingKind = 'static' | 'distilled' | 'isolated';

export interface AnalogyScores extends AnalogyResult {
  /** 3CosMul accuracy over the same questions (gensim's most_similar_cosmul). */
  cosmulAccuracy: number;
  cosmulCorrect: number;
}

export interface EmbeddingScores {
  /** Display name: a file name, `glove:6B-100d`, `bert distilled L12`, `bert isolated L12`... */
  name: string;
  kind: EmbeddingKind;
  /** Hidden-state index for contextual embeddings (0 = embeddings layer). */
  layer?: number;
  vocabulary: number;
  dim: number;
  wordsim: WordSimilarityResult[];
  analogy?: AnalogyScores;
  /** Nearest neighbours of the chosen words (absent words are left out). */
  neighbours: Record<string, { word: string; similarity: number }[]>;
}

/** Ethayarajh (2019) measures for one hidden state, over words occurring in many contexts. */
export interface LayerContextuality {
  layer: number;
  /** Mean cosine between a word's vectors in different contexts, averaged over words. */
  selfSimilarity: number;
  /** Mean cosine between each word's vector and its sentence's mean vector. */
  intraSentenceSimilarity: number;
  /** Share of the variance of a word's vectors explained by their first principal component. */
  maxExplainableVariance: number;
  /** Mean cosine between vectors of random token pairs: the baseline the measures are adjusted by. */
  anisotropy: number;
  adjustedSelfSimilarity: number;
  adjustedIntraSentenceSimilarity: number;
  /** The baseline of the variance: the maximum explainable variance of the random token vectors. */
  varianceBaseline?: number;
  adjustedMaxExplainableVariance: number;
  /** Words and sentences the figures are averaged over. */
  words: number;
  sentences: number;
}

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

export interface ComparisonReport {
  tool: 'ctxembed';
  created: string;
  model?: { id: string; layers: number[] };
  corpus?: string;
  datasets: { wordsim: string[]; analogy?: string };
  embeddings: EmbeddingScores[];
  contextuality: LayerContextuality[];
  polysemy?: PolysemyProbe;
}
