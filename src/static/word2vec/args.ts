/** Word2Vec training options and their defaults (word2vec.c's; CBOW the default architecture, as gensim). */
import { UsageError } from '../../errors';
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

export function resolveOptions(o: Word2VecOptions): ResolvedOptions {
  const arch = o.arch ?? 'cbow';
  const r: ResolvedOptions = {
    arch,
    dim: o.dim ?? 100,
    window: o.window ?? 5,
    minCount: o.minCount ?? 5,
    maxVocab: o.maxVocab,
    negative: o.negative ?? 5,
    hs: o.hs ?? false,
    sample: o.sample ?? 1e-3,
    epochs: o.epochs ?? 5,
    alpha: o.alpha ?? (arch === 'cbow' ? 0.05 : 0.025),
    minAlpha: o.minAlpha ?? 0.0001,
    seed: o.seed ?? 1,
    threads: o.threads ?? 1,
    tokenizer: o.tokenizer ?? 'default',
    onProgress: o.onProgress,
  };
  const positive = { dim: r.dim, window: r.window, epochs: r.epochs, threads: r.threads, minCount: r.minCount };
  for (const [k, v] of Object.entries(positive)) if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${kebab(k)} must be a positive integer, got ${v}`);
  if (!Number.isInteger(r.negative) || r.negative < 0) throw new UsageError(`--negative must be a non-negative integer, got ${r.negative}`);
  if (r.negative === 0 && !r.hs) throw new UsageError('nothing to train: use --negative > 0 or --hs');
  if (!(r.sample >= 0)) throw new UsageError(`--sample must be >= 0, got ${r.sample}`);
  if (!(r.alpha > 0)) throw new UsageError(`--alpha must be > 0, got ${r.alpha}`);
  if (r.maxVocab !== undefined && (!Number.isInteger(r.maxVocab) || r.maxVocab < 1)) throw new UsageError(`--max-vocab must be a positive integer, got ${r.maxVocab}`);
  return r;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
