/**
 * Contextual word vectors: subword pieces pooled back to words, from the last two layers.
 * The same word in two contexts gets two vectors.
 *   npx ts-node examples/word-vectors.ts [MODEL]
 */
import { cosine, embed, loadContextualModel } from '../src/index';

async function main(modelId = process.argv[2] ?? 'Xenova/bert-base-uncased') {
  const model = await loadContextualModel({ model: modelId });
  try {
    const { words } = await embed(['She deposited money at the bank, unbelievably.', 'They fished from the bank of the river.'], {
      model,
      levels: ['word'],
      layers: '-2,-1',
      layerAgg: 'mean',
      wordPooling: 'mean',
    });
    const bank = words.filter((w) => w.text === 'bank');
    console.log(`words: ${words.length}; "bank" in two contexts, cosine ${cosine(bank[0].vector, bank[1].vector).toFixed(4)}`);
    const long = words.find((w) => (w.tokens ?? 1) > 1);
    if (long) console.log(`"${long.text}" has ${long.tokens} pieces, one ${long.vector.length}-d vector`);
  } finally {
    await model.dispose();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
