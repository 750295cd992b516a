/**
 * The batch job from a script: embed a folder at sentence level into LanceDB tables, then search
 * it, among the news only.
 *   npx ts-node examples/folder-and-query.ts [MODEL] [FOLDER] [OUT]
 */
import * as os from 'os';
import * as path from 'path';
import { embedFolder, loadContextualModel, queryIndex } from '../src/index';

async function main() {
  const [modelId = 'Xenova/bert-base-uncased', folder = path.join(__dirname, '..', 'fixtures', 'docs'), out = path.join(os.tmpdir(), 'ctxembed-example-index')] = process.argv.slice(2);
  const model = await loadContextualModel({ model: modelId });
  try {
    const summary = await embedFolder([folder], model, { out, levels: ['sentence'], format: 'lance', overwrite: true });
    console.log(`embedded ${summary.done} files into ${summary.rows} sentence rows`);
    const hits = await queryIndex(out, 'The river flooded after the storm.', { k: 3, model, where: "source LIKE 'news/%'" });
    for (const h of hits) console.log(`${h.score.toFixed(4)}\t${h.row.source}:${h.row.start}-${h.row.end}\t${h.row.text}`);
  } finally {
    await model.dispose();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
