/** Options merged over defaults: a key given as undefined (a CLI flag not given) keeps its default. */
import * as path from 'path';
import { embed } from '../src/embed';
import { withDefaults } from '../src/options';
import { trainGloVe } from '../src/static/glove/train';
import { ensureGloVeKernelBuilt } from './build-kernel';
import { FIXTURES_DIR, fixtureModel } from './fixtures';

test('withDefaults: undefined keeps the default, any other value (0, false, null) replaces it; the defaults are left alone', () => {
  const defaults = { threads: 4, epochs: 25, quiet: true, tag: 'x' as string | null };
  const merged = withDefaults(defaults, { threads: undefined, epochs: 0, quiet: false, tag: null, extra: 1 });
  expect(merged).toEqual({ threads: 4, epochs: 0, quiet: false, tag: null, extra: 1 });
  expect(defaults).toEqual({ threads: 4, epochs: 25, quiet: true, tag: 'x' });
});

test('trainGloVe with threads: undefined trains on every core (the cost is not zero and falls)', async () => {
  ensureGloVeKernelBuilt();
  const r = await trainGloVe(path.join(FIXTURES_DIR, 'glove', 'brown-800.txt'), { tokenizer: 'whitespace', minCount: 3, dim: 16, epochs: 3, threads: undefined });
  expect(r.costs[0]).toBeGreaterThan(0.01);
  expect(r.costs[2]).toBeLessThan(r.costs[0]);
});

test('embed with levels: undefined gives all four levels, its documented default', async () => {
  const r = await embed(['The bank raised rates. We sat by the river.'], { model: fixtureModel('tiny'), levels: undefined });
  // 9 words and 2 full stops (BERT's pre-tokenization splits punctuation off)
  expect([r.tokens.length > 0, r.words.length, r.sentences.length, r.documents.length]).toEqual([true, 11, 2, 1]);
});
