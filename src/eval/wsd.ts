/**
 * Word-sense disambiguation as a probe: sense-labelled occurrences of a word (Senseval's hard and
 * line as `sentence<TAB>sense<TAB>start<TAB>end`, or `sentence<TAB>label` lines with the word
 * named), accuracy over stratified folds (5 by default) of 1-nearest-centroid and of logistic
 * regression. A contextual model's feature is the target word's vector at each selected layer.
 * A static vector is the same in every sentence, so its accuracy is the most frequent sense's;
 * the static baseline that can tell senses apart is the mean of the vectors in a window of words
 * around the target.
 */
import { selectLayers } from '../contextual/layers';
import type { WordPooling } from '../pooling/words';
import type { ClassifierName } from './probe/cross-validate';
import { targetFeatures } from './probe/contextual-features';
import { encodeLabels, readTargetSentences } from './probe/datasets';
import { featureMatrix } from './probe/feature-matrix';
import { embedProgress, FeatureSet, isStatic, ProbeEmbedding, ProbeOptions, ProbeResult, scoreFeatureSets } from './probe/probe';
import { staticTokens, targetTokens, windowFeatures } from './probe/static-features';

export interface WsdProbeOptions extends ProbeOptions {
  /** The target of `sentence<TAB>label` lines: its first whole-word occurrence (case-insensitive). */
  word?: string;
  /** How a target's pieces (subword tokens) pool into its vector (default mean). */
  wordPooling?: WordPooling;
  /** Static baseline: words on each side of the target (default 5). */
  window?: number;
}

const SENSE_CLASSIFIERS: ClassifierName[] = ['nearest-centroid', 'logistic-regression'];

export async function probeWsd(embedding: ProbeEmbedding, dataset: string, options: WsdProbeOptions = {}): Promise<ProbeResult> {
  const began = Date.now();
  const instances = readTargetSentences(dataset, options.word);
  const { labels, classes } = encodeLabels(dataset, instances);
  const sets: FeatureSet[] = [];
  if (isStatic(embedding)) {
    const tokens = instances.map((i) => staticTokens(i.sentence));
    const targets = instances.map(({ start, end }, i) => targetTokens(tokens[i], start, end));
    const window = windowFeatures(embedding, tokens, targets, options.window ?? 5);
    sets.push({ features: 'target', x: featureMatrix(instances.length, 0), classifiers: ['most-frequent'] }, { features: 'window', coverage: window.coverage, x: window.x, classifiers: SENSE_CLASSIFIERS });
  } else {
    const layers = await selectLayers(embedding, options.layers ?? 'all');
    const features = await targetFeatures(embedding, dataset, instances, options.wordPooling ?? 'mean', layers.length, { ...options, onExample: embedProgress(options) });
    layers.forEach((layer, l) => sets.push({ features: 'target', layer, x: features[l], classifiers: SENSE_CLASSIFIERS }));
  }
  const folds = options.folds ?? 5;
  const scores = await scoreFeatureSets(sets, labels, classes.length, folds, options);
  const result: ProbeResult = { task: 'wsd', dataset, examples: instances.length, classes, folds, scores, seconds: (Date.now() - began) / 1000 };
  if (options.word) result.word = options.word;
  return result;
}
