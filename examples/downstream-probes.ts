/**
 * Downstream probes: static vectors against a contextual model's layers on sentence
 * classification and word senses (accuracy over stratified folds).
 *   npx ts-node examples/downstream-probes.ts [MODEL] [VECTORS] [SENTENCES.tsv] [SENSES.tsv]
 */
import { loadContextualModel, probeClassification, probeWsd, ProbeResult, resolveVectors } from '../src/index';

function show(name: string, result: ProbeResult) {
  for (const s of result.scores) {
    const layer = s.layer === undefined ? '' : ` L${s.layer}`;
    console.log(`${name}${layer} ${s.features} ${s.classifier}: ${(100 * s.accuracy).toFixed(1)} ± ${(100 * s.std).toFixed(1)}`);
  }
}

async function main(modelId = process.argv[2] ?? 'Xenova/bert-base-uncased', vectors = process.argv[3] ?? 'glove:6B-100d', sentences = process.argv[4] ?? 'fixtures/probe/reviews.tsv', senses = process.argv[5] ?? 'fixtures/probe/line-senses.tsv') {
  const staticVectors = resolveVectors(vectors);
  show(vectors, await probeClassification(staticVectors, sentences));
  show(vectors, await probeWsd(staticVectors, senses));
  const model = await loadContextualModel({ model: modelId });
  try {
    show(modelId, await probeClassification(model, sentences, { layers: 'all', poolings: ['mean', 'cls'] }));
    show(modelId, await probeWsd(model, senses, { layers: '-1', wordPooling: 'mean' }));
  } finally {
    await model.dispose();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
