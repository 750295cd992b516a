/**
 * Sentence classification as a probe of embeddings (SentEval's protocol): `sentence<TAB>label`
 * files such as MR and SUBJ, each sentence one feature vector, L2 logistic regression on
 * standardised features, accuracy over stratified folds (10 by default) with C chosen on each
 * training fold by inner cross-validation. Static vectors give the mean of the sentence's word
 * vectors and its SIF embedding; a contextual model its pooled states at every selected layer.
 */
import { selectLayers } from '../contextual/layers';
import type { SequencePooling } from '../pooling/sequence';
import { sentenceFeatures } from './probe/contextual-features';
import { encodeLabels, readLabelledSentences } from './probe/datasets';
import { embedProgress, FeatureSet, isStatic, ProbeEmbedding, ProbeOptions, ProbeResult, scoreFeatureSets } from './probe/probe';
import { SIF_A } from './probe/sif';
import { meanFeatures, sifFeatures, staticTokens } from './probe/static-features';

export interface ClassificationProbeOptions extends ProbeOptions {
  /** A contextual model's sentence poolings (default `mean` and `cls`). */
  poolings?: SequencePooling[];
  /** SIF's a (default 1e-3). */
  sifA?: number;
}

export async function probeClassification(embedding: ProbeEmbedding, dataset: string, options: ClassificationProbeOptions = {}): Promise<ProbeResult> {
  const began = Date.now();
  const examples = readLabelledSentences(dataset);
  const { labels, classes } = encodeLabels(dataset, examples);
  const sentences = examples.map((e) => e.sentence);
  const sets: FeatureSet[] = [];
  const classifiers = ['logistic-regression' as const];
  if (isStatic(embedding)) {
    const tokens = sentences.map(staticTokens);
    const mean = meanFeatures(embedding, tokens);
    const sif = sifFeatures(embedding, tokens, options.sifA ?? SIF_A);
    sets.push({ features: 'mean', coverage: mean.coverage, x: mean.x, classifiers }, { features: 'sif', coverage: sif.coverage, x: sif.x, classifiers });
  } else {
    const layers = await selectLayers(embedding, options.layers ?? 'all');
    const poolings = options.poolings ?? ['mean', 'cls'];
    const features = await sentenceFeatures(embedding, sentences, poolings, layers.length, { ...options, onExample: embedProgress(options) });
    poolings.forEach((pooling, p) => layers.forEach((layer, l) => sets.push({ features: pooling, layer, x: features[p][l], classifiers })));
  }
  const folds = options.folds ?? 10;
  const scores = await scoreFeatureSets(sets, labels, classes.length, folds, options);
  return { task: 'classification', dataset, examples: examples.length, classes, folds, scores, seconds: (Date.now() - began) / 1000 };
}
