import * as fs from 'fs';
import * as path from 'path';
import { runPipeline } from '../src/pipeline/runner';
import { parsePipeline } from '../src/pipeline/spec';
import { ROOT, tmpDir } from './fixtures';

const PIPELINES = path.join(ROOT, 'pipelines');

/** A copy of a pipeline spec beside the original (so its relative paths still hold), edited. */
function variant(name: string, edit: (text: string) => string): string {
  const file = path.join(PIPELINES, `.test-${process.pid}-${Math.random().toString(36).slice(2)}-${name}`);
  fs.writeFileSync(file, edit(fs.readFileSync(path.join(PIPELINES, name), 'utf8')));
  return file;
}
const made: string[] = [];
afterAll(() => made.forEach((f) => fs.rmSync(f, { force: true })));

test('folder-index runs end to end; a rerun is all cached; changing one parameter reruns only what depends on it', async () => {
  const out = tmpDir('pipe-index');
  const spec = parsePipeline(path.join(PIPELINES, 'folder-index.yaml'));
  const first = await runPipeline(spec, { out });
  expect(first.ran).toEqual(['index', 'ask']);
  const hits = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).filter((r: any) => r.step === 'ask');
  expect(hits[0]).toMatchObject({ rank: 1, source: 'notes/garden.md', text: 'The lighthouse keeper counted seventeen gulls at dawn.' });
  expect(fs.readFileSync(path.join(out, 'results.csv'), 'utf8').split('\n')[0]).toBe('step,files,rows,tokens,query,rank,score,source,start,end,text');

  const again = await runPipeline(spec, { out });
  expect([again.ran, again.cached]).toEqual([[], ['index', 'ask']]);

  const k2 = variant('folder-index.yaml', (t) => t.replace('k: 3', 'k: 2'));
  made.push(k2);
  const changedQuery = await runPipeline(parsePipeline(k2), { out });
  expect([changedQuery.ran, changedQuery.cached]).toEqual([['ask'], ['index']]);

  const levels = variant('folder-index.yaml', (t) => t.replace('normalize: true', 'normalize: false'));
  made.push(levels);
  const changedIndex = await runPipeline(parsePipeline(levels), { out });
  expect(changedIndex.ran).toEqual(['index', 'ask']);
});

test('a query step on a lance index takes a filter: the hits of news/ only', async () => {
  const spec = variant('folder-index.yaml', (t) => t.replace('format: npy', 'format: lance').replace('k: 3', `k: 3\n      where: "source LIKE 'news/%'"`));
  made.push(spec);
  const out = tmpDir('pipe-lance');
  expect((await runPipeline(parsePipeline(spec), { out })).ran).toEqual(['index', 'ask']);
  const hits = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).filter((r: any) => r.step === 'ask');
  expect(hits).toHaveLength(3);
  for (const h of hits) expect(h.source).toMatch(/^news\//);
});

test('a changed input file reruns the step that reads it', async () => {
  const docs = tmpDir('pipe-docs');
  fs.writeFileSync(path.join(docs, 'a.txt'), 'One sentence here. Another one there.');
  const spec = variant('folder-index.yaml', (t) => t.replace('docs: ../fixtures/docs', `docs: ${docs}`));
  made.push(spec);
  const out = tmpDir('pipe-docs-out');
  expect((await runPipeline(parsePipeline(spec), { out })).ran).toEqual(['index', 'ask']);
  fs.appendFileSync(path.join(docs, 'a.txt'), ' A third.');
  expect((await runPipeline(parsePipeline(spec), { out })).ran).toEqual(['index', 'ask']);
});

describe('a broken spec names the file, the line and the allowed values', () => {
  const broken = (text: string) => {
    const file = path.join(tmpDir('spec'), 'broken.yaml');
    fs.writeFileSync(file, text);
    return () => parsePipeline(file);
  };
  test.each([
    ['name: x\nsteps:\n  - name: a\n    run: embedd\n', /broken\.yaml:4: steps\.0\.run must be one of: embed, train-word2vec/],
    ['steps:\n  - name: a\n    run: embed\n    with:\n      paths: [x]\n      model: m\n      levels: [sentence, paragraph]\n', /broken\.yaml:7: steps\.0\.with\.levels\.1 must be one of: token, word, sentence, document/],
    ['steps:\n  - name: a\n    run: eval\n    with:\n      vectors: [a]\n      wordsims: [x]\n', /broken\.yaml:6: unknown key steps\.0\.with\.wordsims; allowed: vectors, wordsim, analogy/],
    ['steps:\n  - name: a\n    run: train-word2vec\n    with:\n      corpus: c\n    sweep:\n      arch: [cbow, skipgrm]\n', /broken\.yaml:7: steps\.0\.sweep\.arch\.1 must be one of: skipgram, cbow/],
    ['steps:\n  - name: a\n   run: eval\n', /broken\.yaml:3: not valid YAML/],
    ['steps:\n  - name: a\n    run: eval\n    with:\n      vectors: [a]\n  - name: a\n    run: eval\n    with:\n      vectors: [b]\n', /broken\.yaml:6: two steps are named a/],
  ])('%#', (text, message) => {
    expect(broken(text)).toThrow(message);
  });
  test('a cycle and an unknown step reference are named', async () => {
    const cycle = broken('steps:\n  - name: a\n    run: eval\n    with:\n      vectors: ["${steps.b.scores}"]\n  - name: b\n    run: eval\n    with:\n      vectors: ["${steps.a.scores}"]\n');
    await expect(runPipeline(cycle(), { out: tmpDir('cycle') })).rejects.toThrow(/in a cycle: a → b → a/);
    const unknown = broken('steps:\n  - name: a\n    run: eval\n    with:\n      vectors: ["${steps.nope.vectors}"]\n');
    await expect(runPipeline(unknown(), { out: tmpDir('unknown') })).rejects.toThrow(/broken\.yaml:2: step a refers to steps\.nope, which is not a step/);
  });
});

test('pooling-sweep: one variant per layer x pooling, all scored; a new sweep value runs only its variants and the scoring', async () => {
  const out = tmpDir('pipe-sweep');
  const first = await runPipeline(parsePipeline(path.join(PIPELINES, 'pooling-sweep.yaml')), { out });
  expect(first.ran).toEqual([
    'distill[layers=-1,wordPooling=mean]', 'distill[layers=-1,wordPooling=first]', 'distill[layers=-1,wordPooling=max]',
    'distill[layers=1,wordPooling=mean]', 'distill[layers=1,wordPooling=first]', 'distill[layers=1,wordPooling=max]', 'similarity',
  ]);
  const rows = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  expect(rows.map((r: any) => r.vectors)).toEqual(first.ran.slice(0, 6));
  expect(rows.every((r: any) => r.metric === 'spearman' && Number.isFinite(r.value) && r.pairs > 0)).toBe(true);
  // the comparison report, made of the eval step's scores
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report', 'report.json'), 'utf8'));
  expect(report.embeddings.map((e: any) => [e.name, e.kind])).toEqual(first.ran.slice(0, 6).map((id) => [id, 'distilled']));
  expect(fs.existsSync(path.join(out, 'report', 'index.html'))).toBe(true);
  const more = variant('pooling-sweep.yaml', (t) => t.replace('wordPooling: [mean, first, max]', 'wordPooling: [mean, first, max, last]'));
  made.push(more);
  const second = await runPipeline(parsePipeline(more), { out });
  expect(second.ran).toEqual(['distill[layers=-1,wordPooling=last]', 'distill[layers=1,wordPooling=last]', 'similarity']);
  expect(second.cached).toHaveLength(6);
});

test('compare-static-dynamic: both baselines trained, BERT distilled, all scored, and the report written', async () => {
  const out = tmpDir('pipe-compare');
  const run = await runPipeline(parsePipeline(path.join(PIPELINES, 'compare-static-dynamic.yaml')), { out });
  expect(run.ran).toEqual(['word2vec', 'glove', 'distill', 'scores', 'report']);
  const rows = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  expect([...new Set(rows.filter((r: any) => r.step === 'scores').map((r: any) => r.vectors))]).toEqual(['word2vec', 'glove', 'distill']);
  const reportDir = run.variants.find((v) => v.id === 'report')!.outputs.report;
  const report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
  expect(report.embeddings.map((e: any) => e.name)).toEqual(expect.arrayContaining(['word2vec.vec', 'glove.vec']));
  expect(fs.existsSync(path.join(reportDir, 'index.html'))).toBe(true);
  expect(fs.readFileSync(path.join(out, 'report', 'report.json'), 'utf8')).toBe(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
});

test('probe-layers: the static baseline and the model swept over layers and poolings, rows in results.csv, the Downstream report', async () => {
  const out = tmpDir('pipe-probe');
  const run = await runPipeline(parsePipeline(path.join(PIPELINES, 'probe-layers.yaml')), { out });
  expect(run.ran).toEqual([
    'baseline',
    ...[0, 1, 2].flatMap((l) => ['mean', 'cls'].map((p) => `sentences[layers=${l},sentencePooling=${p}]`)),
    ...[0, 1, 2].flatMap((l) => ['mean', 'first'].map((p) => `senses[layers=${l},wordPooling=${p}]`)),
  ]);
  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('step,embedding,kind,layer,dataset,task,features,classifier,metric,value,std,seconds,layers,sentencePooling,wordPooling');
  const rows = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  // baseline: mean + SIF, most frequent sense + window by two classifiers; per sentence variant one score, per sense variant two
  expect(rows).toHaveLength(2 + 3 + 6 + 6 * 2);
  expect(rows.filter((r: any) => r.step === 'sentences[layers=2,sentencePooling=cls]')).toEqual([expect.objectContaining({ embedding: 'tiny', layer: 2, features: 'cls', classifier: 'logistic-regression', metric: 'accuracy', dataset: 'reviews.tsv' })]);
  for (const r of rows) expect(r.value).toBeGreaterThanOrEqual(0);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report', 'report.json'), 'utf8'));
  expect([...new Set(report.downstream.map((p: any) => p.embedding))]).toEqual(['static.vec', 'tiny', 'tiny [wordPooling=mean]', 'tiny [wordPooling=first]']);
  const html = fs.readFileSync(path.join(out, 'report', 'index.html'), 'utf8');
  for (const chart of ['downstream-classification', 'downstream-wsd', 'layers-tiny', 'layers-tiny_wordPooling_first_']) expect(html).toContain(`id="chart-${chart}"`);
  // a rerun is all cached
  expect((await runPipeline(parsePipeline(path.join(PIPELINES, 'probe-layers.yaml')), { out })).ran).toEqual([]);
});

test('model steps take dtype and revision: a sweep over dtype embeds with onnx/model.onnx and onnx/model_quantized.onnx', async () => {
  const dir = tmpDir('pipe-dtype');
  const spec = path.join(dir, 'dtype.yaml');
  fs.writeFileSync(
    spec,
    [
      'name: dtype',
      'steps:',
      '  - name: index',
      '    run: embed',
      '    with:',
      `      paths: [${path.join(ROOT, 'fixtures', 'docs')}]`,
      `      model: ${path.join(ROOT, 'fixtures', 'hub', 'bert-opset17')}`,
      '      revision: main',
      '      levels: [sentence]',
      '      format: npy',
      '    sweep:',
      '      dtype: [fp32, q8]',
      '',
    ].join('\n'),
  );
  const out = path.join(dir, 'out');
  const r = await runPipeline(parsePipeline(spec), { out });
  expect(r.ran).toHaveLength(2);
  const variants = fs.readdirSync(path.join(out, 'steps', 'index')).map((key) => path.join(out, 'steps', 'index', key, 'index'));
  const manifests = variants.map((d) => JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8')));
  expect(manifests.map((m) => m.model.dtype).sort()).toEqual(['fp32', 'q8']);
  const [a, b] = variants.map((d) => fs.readFileSync(path.join(d, 'vectors.npy')));
  expect(a.length).toBe(b.length);
  expect(a.equals(b)).toBe(false);
});
