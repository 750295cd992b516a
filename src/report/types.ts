/**
 * The data of a comparison report (DIR/report.json): what `ctxembed compare` computes and
 * `writeReport` renders. Plain JSON-able objects, no vectors except the 2-D projection.
 */
import type { AnalogyResult } from '../eval/analogy';
import type { WordSimilarityResult } from '../eval/word-similarity';
import type { LayerContextuality } from '../analysis/contextuality';
import type { PolysemyProbe } from '../analysis/polysemy';
import type { ProbeResult } from '../eval/probe/probe';

export type { LayerContextuality, PolysemyProbe };
export type { PolysemyPoint } from '../analysis/polysemy';

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

/** A downstream probe (sentence classification or word senses) of one embedding on one dataset. */
export interface EmbeddingProbe extends ProbeResult {
  /** Display name: a vectors file's name, `glove:6B-100d`, or the model's. */
  embedding: string;
  kind: 'static' | 'contextual';
}

export interface ComparisonReport {
  tool: 'ctxembed';
  created: string;
  model?: { id: string; layers: number[] };
  corpus?: string;
  datasets: { wordsim: string[]; analogy?: string; classify?: string[]; wsd?: string[] };
  embeddings: EmbeddingScores[];
  contextuality: LayerContextuality[];
  polysemy?: PolysemyProbe;
  /** Sentence classification and word-sense probes, per embedding and dataset. */
  downstream?: EmbeddingProbe[];
}
