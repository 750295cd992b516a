/**
 * Sentence vectors in one call, and how similar they are.
 *   npx ts-node examples/embed-sentences.ts [MODEL]    (MODEL: a hub id or a local folder)
 */
import { cosine, embedSentences } from '../src/index';

async function main(model = process.argv[2] ?? 'Xenova/bert-base-uncased') {
  const sentences = ['The bank raised its interest rates.', 'We sat on the river bank.', 'The central bank cut rates again.'];
  const vectors = await embedSentences(sentences, { model, normalize: true });
  for (let i = 1; i < sentences.length; i++) {
    console.log(`${cosine(vectors[0], vectors[i]).toFixed(4)}\t${sentences[0]} ~ ${sentences[i]}`);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
