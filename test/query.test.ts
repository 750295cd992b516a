import * as fs from 'fs';
import * as path from 'path';
import {  ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { queryIndex } from '../src/query';
import { ctxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

let model: ContextualModel;
beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
});
afterAll(() => model.dispose());

const PLANTED = 'The lighthouse keeper counted seventeen gulls at dawn.';

function corpus(): string {
  const dir = tmpDir('query-docs');
  const filler = ['Markets were calm on Tuesday.', 'The committee met again.', 'Rain is expected later this week.', 'He read the report twice.'];
  for (let i = 0; i < 12; i++) {
    const sents = Array.from({ length: 4 }, (_, k) => filler[(i + k) % filler.length]);
    if (i === 7) sents.splice(2, 0, PLANTED);
    fs.writeFileSync(path.join(dir, `d${i}.txt`), sents.join(' '));
  }
  return dir;
}

test.each(['jsonl', 'npy'] as const)('the planted sentence comes first (%s), with its source and span', async (format) => {
  const docs = corpus();
  const out = tmpDir('query-index');
  await embedFolder([docs], model, { out, levels: ['sentence', 'document'], format, normalize: format === 'npy' });
  const hits = await queryIndex(out, PLANTED, { k: 3, model });
  expect(hits).toHaveLength(3);
  expect(hits[0].row).toMatchObject({ source: 'd7.txt', level: 'sentence', text: PLANTED });
  expect(hits[0].score).toBeCloseTo(1, 5);
  expect(hits[1].score).toBeLessThan(hits[0].score);
  const text = fs.readFileSync(path.join(docs, 'd7.txt'), 'utf8');
  expect(text.slice(hits[0].row.start, hits[0].row.end)).toBe(PLANTED);
  const docsHits = await queryIndex(out, fs.readFileSync(path.join(docs, 'd7.txt'), 'utf8'), { k: 1, level: 'document', model });
  expect(docsHits[0].row.source).toBe('d7.txt');
});

test('the CLI prints the hits; a token-only index is a clear error', () => {
  const docs = corpus();
  const out = tmpDir('query-cli');
  expect(ctxembed(['embed', docs, '--model', fixtureModel('tiny'), '--level', 'sentence', '--out', out, '--quiet']).code).toBe(0);
  const r = ctxembed(['query', '--index', out, PLANTED, '--k', '2']);
  expect(r.code).toBe(0);
  const first = r.stdout.trim().split('\n')[0].split('\t');
  expect(first[1]).toMatch(/^d7\.txt:\d+-\d+$/);
  expect(first[2]).toBe(PLANTED);
  const tokensOnly = tmpDir('query-tokens');
  expect(ctxembed(['embed', docs, '--model', fixtureModel('tiny'), '--level', 'token', '--out', tokensOnly, '--quiet']).code).toBe(0);
  const bad = ctxembed(['query', '--index', tokensOnly, 'x']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/holds token rows; query searches sentence or document rows/);
});

test.each([
  ['npy', 'vectors.npy', 'cut short', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 64)],
  ['npy', 'meta.jsonl', 'missing', (f: string) => fs.rmSync(f)],
  ['jsonl', 'embeddings.jsonl', 'cut short', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 10)],
] as const)('query checks the index against its manifest first (%s: %s %s): one line, exit 1', (format, name, _how, damage) => {
  const out = tmpDir('query-damaged');
  expect(ctxembed(['embed', corpus(), '--model', fixtureModel('tiny'), '--level', 'sentence', '--format', format, '--out', out, '--quiet']).code).toBe(0);
  damage(path.join(out, name));
  const r = ctxembed(['query', '--index', out, PLANTED]);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^ctxembed: ${path.join(out, name)}: .*no longer matches its manifest; run the embed command again with --overwrite`));
});

test('query --model: a moved model folder is used once its files match the sha256 the index records; another model is refused', () => {
  const root = tmpDir('query-moved');
  const moved = path.join(root, 'bert');
  fs.cpSync(fixtureModel('tiny'), moved, { recursive: true });
  const out = tmpDir('query-moved-index');
  expect(ctxembed(['embed', corpus(), '--model', moved, '--level', 'sentence', '--out', out, '--quiet']).code).toBe(0);
  const expected = ctxembed(['query', '--index', out, PLANTED, '--k', '2', '--json']);
  expect(expected.code).toBe(0);
  fs.renameSync(moved, path.join(root, 'elsewhere'));
  const lost = ctxembed(['query', '--index', out, PLANTED]);
  expect(lost.code).toBe(2);
  expect(lost.stderr).toContain(moved);
  const found = ctxembed(['query', '--index', out, PLANTED, '--k', '2', '--json', '--model', path.join(root, 'elsewhere')]);
  expect(found.code).toBe(0);
  expect(JSON.parse(found.stdout)).toEqual(JSON.parse(expected.stdout));
  const other = ctxembed(['query', '--index', out, PLANTED, '--model', fixtureModel('tiny-small-vocab')]);
  expect(other.code).toBe(2);
  expect(other.stderr.trim().split('\n')).toHaveLength(1);
  expect(other.stderr).toMatch(new RegExp(`^ctxembed: ${fixtureModel('tiny-small-vocab')} is not the model ${out} was made with \\(its files' sha256 [0-9a-f]{12}… differs from the [0-9a-f]{12}… recorded for ${moved}\\)`));
});
