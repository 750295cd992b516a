/** Word2Vec training options and their defaults (word2vec.c's; CBOW the default architecture, as gensim). */
import { UsageError } from '../../errors';
import { checkPositive, checkPositiveIntegers, withDefaults } from '../../options';
import type { TokenizerName } from '../corpus';

export const ARCHITECTURES = ['cbow', 'skipgram'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export interface Word2VecOptions {
  arch?: Architecture;
  dim?: number;
  window?: number;
  minCount?: number;
  maxVocab?: number;
  /** Negative samples per word (0 turns negative sampling off). */
  negative?: number;
  /** Hierarchical softmax. */
  hs?: boolean;
  /** Subsampling threshold for frequent words (0 turns it off). */
  sample?: number;
  epochs?: number;
  /** Starting learning rate; default 0.025 for skip-gram, 0.05 for CBOW. */
  alpha?: number;
  /** Final learning rate of the linear decay (gensim's min_alpha). */
  minAlpha?: number;
  seed?: number;
  threads?: number;
  tokenizer?: TokenizerName;
  /** Called about once a second with words done (epochs included) and the total. */
  onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingProgress {
  words: number;
  totalWords: number;
  alpha: number;
  seconds: number;
}

export type ResolvedOptions = Required<Omit<Word2VecOptions, 'maxVocab' | 'onProgress'>> & Pick<Word2VecOptions, 'maxVocab' | 'onProgress'>;

/** word2vec.c's defaults, CBOW as gensim; alpha, when not given, follows the architecture (0.05 CBOW, 0.025 skip-gram). */
export const WORD2VEC_DEFAULTS = {
  arch: 'cbow' as Architecture, dim: 100, window: 5, minCount: 5, negative: 5, hs: false, sample: 1e-3, epochs: 5,
  minAlpha: 0.0001, seed: 1, threads: 1, tokenizer: 'default' as TokenizerName,
};

export function resolveOptions(options: Word2VecOptions): ResolvedOptions {
  const o = withDefaults(WORD2VEC_DEFAULTS, options);
  const r: ResolvedOptions = { ...o, alpha: o.alpha ?? (o.arch === 'cbow' ? 0.05 : 0.025) };
  checkPositiveIntegers({ dim: r.dim, window: r.window, epochs: r.epochs, threads: r.threads, minCount: r.minCount, maxVocab: r.maxVocab });
  if (!Number.isInteger(r.negative) || r.negative < 0) throw new UsageError(`--negative must be a non-negative integer, got ${r.negative}`);
  if (r.negative === 0 && !r.hs) throw new UsageError('nothing to train: use --negative > 0 or --hs');
  if (!(r.sample >= 0)) throw new UsageError(`--sample must be >= 0, got ${r.sample}`);
  checkPositive({ alpha: r.alpha });
  return r;
}
