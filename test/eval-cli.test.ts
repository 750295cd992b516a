import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/main';
import { saveVectors } from '../src/static/formats';
import { KeyedVectors } from '../src/static/keyed-vectors';
import { tmpDir } from './fixtures';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...m) => void out.push(m.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...m) => void err.push(m.join(' ')));
  try {
    process.exitCode = 0;
    await main(args);
    return { code: Number(process.exitCode ?? 0), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    process.exitCode = 0;
  }
}

describe('ctxembed eval', () => {
  // man - woman = king - queen exactly; 'Man' is a rarer case variant (case-insensitive: 'man' wins)
  const words = ['man', 'woman', 'king', 'queen', 'apple', 'Man'];
  const rows = [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [-1, 0.2, -0.3], [-1, -1, -1]];
  const dir = tmpDir('eval-cli');
  const vectors = path.join(dir, 'v.bin');
  saveVectors(new KeyedVectors(words, 3, Float32Array.from(rows.flat())), vectors, { format: 'word2vec-binary' });
  const sim = path.join(dir, 'sim.txt');
  fs.writeFileSync(sim, 'w1\tw2\tscore\nMAN\twoman\t8\nking\tqueen\t8\nman\tapple\t1\nking\tunknown\t5\n');
  const questions = path.join(dir, 'q.txt');
  fs.writeFileSync(questions, ': gender\nman woman king queen\nwoman man queen king\nman woman king unknown\n: other\nking queen man apple\n');

  test('--json prints the scores and counts', async () => {
    const r = await run(['eval', '--vectors', vectors, '--wordsim', sim, '--analogy', questions, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.vectors).toBe(vectors);
    // cosines: man·woman 0.707, king·queen 0.707, man·apple -0.937; gold 8, 8, 1 → ranks (2.5, 2.5, 1) both ways
    expect(json.wordsim).toEqual([{ dataset: sim, spearman: expect.closeTo(1, 12), pearson: expect.closeTo(1, 6), pairs: 3, oov: 1 }]);
    expect(json.analogy).toMatchObject({ dataset: questions, correct: 2, total: 3, oov: 1 });
    expect(json.analogy.accuracy).toBeCloseTo(2 / 3, 12);
    expect(json.analogy.sections).toMatchObject([
      { section: 'gender', correct: 2, total: 2, accuracy: 1 },
      { section: 'other', correct: 0, total: 1, accuracy: 0 },
    ]);
  });

  test('a missing file is an input error; no dataset is a usage error', async () => {
    expect(await run(['eval', '--vectors', path.join(dir, 'none.vec'), '--wordsim', sim])).toMatchObject({ code: 1, err: expect.stringContaining('none.vec: no such file') });
    expect(await run(['eval', '--vectors', vectors])).toMatchObject({ code: 2, err: expect.stringContaining('Give --wordsim') });
  });
});
