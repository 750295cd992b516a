/**
 * `ctxembed compare` end to end as a user runs it (node bin/ctxembed.js, dist/ built by the global
 * setup) on the tiny fixture model and small fixtures: the numbers mean nothing, but the report
 * must be complete.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { systemFontAvailable } from '../src/report/charts';
import type { ComparisonReport } from '../src/report/types';
import { FIXTURES_DIR, fixtureModel, ROOT, tmpDir } from './fixtures';

const BIN = path.join(ROOT, 'bin', 'ctxembed.js');
const F = (name: string) => path.join(FIXTURES_DIR, 'compare', name);

function cli(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: '/', encoding: 'utf8', timeout: 90000 });
}

describe('ctxembed compare on the tiny fixture model', () => {
  let out: string;
  let run: SpawnSyncReturns<string>;
  let report: ComparisonReport;
  beforeAll(() => {
    out = path.join(tmpDir('compare-cli'), 'report');
    run = cli(['compare', '--static', F('static.vec'), '--model', fixtureModel('tiny'), '--corpus', F('corpus.txt'), '--wordsim', F('wordsim.txt'), '--analogy', F('analogy.txt'), '--neighbours', 'river', '--senses', path.join(FIXTURES_DIR, 'senses-bank.tsv'), '--min-count', '3', '--max-contexts', '20', '--out', out]);
    if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}`);
    report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  });

  test('the run says where the report is and shows its steps', () => {
    expect(run.stdout).toContain(path.join(out, 'index.html'));
    expect(run.stderr).toMatch(/static\.vec: load and evaluate/);
    expect(run.stderr).toMatch(/distilled vectors/);
  });

  test('report.json: the static vectors and, per layer, the distilled and isolated vectors, all scored', () => {
    expect(report.tool).toBe('ctxembed');
    expect(report.model).toEqual({ id: fixtureModel('tiny'), layers: [0, 1, 2] });
    expect(report.corpus).toBe(F('corpus.txt'));
    expect(report.datasets).toEqual({ wordsim: [F('wordsim.txt')], analogy: F('analogy.txt') });
    expect(report.embeddings.map((e) => [e.name, e.kind, e.layer])).toEqual([
      ['static.vec', 'static', undefined],
      ['tiny distilled L0', 'distilled', 0],
      ['tiny isolated L0', 'isolated', 0],
      ['tiny distilled L1', 'distilled', 1],
      ['tiny isolated L1', 'isolated', 1],
      ['tiny distilled L2', 'distilled', 2],
      ['tiny isolated L2', 'isolated', 2],
    ]);
    for (const e of report.embeddings) {
      expect(e.vocabulary).toBeGreaterThan(20);
      expect(e.dim).toBe(e.kind === 'static' ? 8 : 32);
      expect(e.wordsim).toHaveLength(1);
      const ws = e.wordsim[0];
      expect(ws.dataset).toBe(F('wordsim.txt'));
      expect(ws.pairs + ws.oov).toBe(20);
      // zyzzyva / quux are in no corpus; isolated vectors are made for every dataset word
      if (e.kind === 'isolated') expect(ws.oov).toBe(0);
      else expect(ws.oov).toBeGreaterThanOrEqual(1);
      expect(Math.abs(ws.spearman)).toBeLessThanOrEqual(1);
      expect(e.analogy!.total + e.analogy!.oov).toBe(8);
      expect(e.analogy!.cosmulAccuracy).toBeGreaterThanOrEqual(0);
      expect(Object.keys(e.neighbours).sort()).toEqual(['bank', 'river']);
      expect(e.neighbours.bank).toHaveLength(10);
    }
    const iso = report.embeddings.find((e) => e.kind === 'isolated')!;
    expect(iso.analogy!.oov).toBe(0);
    expect(iso.wordsim[0].pairs).toBe(20);
  });

  test('report.json: contextuality per layer', () => {
    expect(report.contextuality.map((c) => c.layer)).toEqual([0, 1, 2]);
    for (const c of report.contextuality) {
      for (const key of ['selfSimilarity', 'intraSentenceSimilarity', 'maxExplainableVariance', 'anisotropy', 'adjustedSelfSimilarity', 'adjustedIntraSentenceSimilarity', 'adjustedMaxExplainableVariance'] as const) {
        expect(Number.isFinite(c[key])).toBe(true);
      }
      expect(c.words).toBeGreaterThan(10);
      expect(c.sentences).toBe(126);
    }
  });

  test('report.json: the polysemy probe of "bank" (the word from the file name) at the last layer', () => {
    const p = report.polysemy!;
    expect(p.word).toBe('bank');
    expect(p.layer).toBe(2);
    expect(p.labels.sort()).toEqual(['finance', 'river']);
    expect(p.points).toHaveLength(20);
    for (const pt of p.points) expect(Number.isFinite(pt.x) && Number.isFinite(pt.y)).toBe(true);
    expect(p.purity).toBeGreaterThanOrEqual(0.5);
    expect(p.centroid).toBeDefined();
    expect(p.staticNeighbours).toEqual([{ embedding: 'static.vec', neighbours: expect.any(Array) }]);
    expect(p.staticNeighbours[0].neighbours).toHaveLength(10);
  });

  test('index.html and the charts', () => {
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('tiny distilled L2');
    expect(html).toContain('id="chart-scores"');
    expect(html.split('aria-roledescription="bar"').length - 1).toBe(7 * 3); // 7 embeddings × (Spearman, 3CosAdd, 3CosMul)
    expect(html).toContain('id="neighbours"');
    expect(html).toContain('id="chart-contextuality"');
    expect(html).toContain('id="contextuality"');
    expect(html).toContain('id="chart-polysemy"');
    expect(html).toContain('Polysemy: “bank”');
    if (systemFontAvailable()) for (const png of ['scores.png', 'contextuality.png', 'polysemy.png']) expect(fs.existsSync(path.join(out, png))).toBe(true);
  });
});

test('bad input: a missing file is a one-line error (exit 1), a missing dataset a usage error (exit 2)', () => {
  const out = tmpDir('compare-cli-bad');
  const missing = cli(['compare', '--static', F('static.vec'), '--wordsim', '/nonexistent/ws.txt', '--out', out]);
  expect(missing.status).toBe(1);
  expect(missing.stderr.trim()).toBe('ctxembed: --wordsim /nonexistent/ws.txt: no such file');
  const noData = cli(['compare', '--static', F('static.vec'), '--out', out]);
  expect(noData.status).toBe(2);
  expect(noData.stderr).toMatch(/--wordsim and\/or --analogy/);
  const noCorpus = cli(['compare', '--model', fixtureModel('tiny'), '--wordsim', F('wordsim.txt'), '--out', out]);
  expect(noCorpus.status).toBe(2);
  expect(noCorpus.stderr).toMatch(/--corpus/);
  expect(fs.readdirSync(out)).toEqual([]);
});

describe('ctxembed compare --classify / --wsd: the Downstream section', () => {
  const PROBE = (name: string) => path.join(FIXTURES_DIR, 'probe', name);
  let out: string;
  let run: SpawnSyncReturns<string>;
  let report: ComparisonReport;
  beforeAll(() => {
    out = path.join(tmpDir('compare-probes'), 'report');
    run = cli(['compare', '--static', F('static.vec'), '--model', fixtureModel('tiny'), '--classify', PROBE('reviews.tsv'), '--wsd', PROBE('line-senses.tsv'), '--wsd', path.join(FIXTURES_DIR, 'senses-bank.tsv'), '--out', out]);
    if (run.status !== 0) throw new Error(`exit ${run.status}\n${run.stderr}`);
    report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  });

  test('no corpus needed: every embedding probed on every dataset, the steps shown', () => {
    expect(run.stdout).toMatch(/^6 downstream probes; report: /);
    expect(run.stderr).toMatch(/tiny: word senses line-senses/);
    expect(report.embeddings).toEqual([]);
    expect(report.datasets).toMatchObject({ classify: [PROBE('reviews.tsv')], wsd: [PROBE('line-senses.tsv'), path.join(FIXTURES_DIR, 'senses-bank.tsv')] });
    expect(report.downstream!.map((p) => [p.embedding, p.kind, path.basename(p.dataset), p.task, p.folds])).toEqual([
      ['static.vec', 'static', 'reviews.tsv', 'classification', 10],
      ['static.vec', 'static', 'line-senses.tsv', 'wsd', 5],
      ['static.vec', 'static', 'senses-bank.tsv', 'wsd', 5],
      ['tiny', 'contextual', 'reviews.tsv', 'classification', 10],
      ['tiny', 'contextual', 'line-senses.tsv', 'wsd', 5],
      ['tiny', 'contextual', 'senses-bank.tsv', 'wsd', 5],
    ]);
  });

  test('static: mean and SIF with coverage; the most frequent sense and the window; the model: every layer', () => {
    const [reviews, line, bank, tinyReviews, tinyLine] = report.downstream!;
    expect(reviews.scores.map((s) => s.features)).toEqual(['mean', 'sif']);
    for (const s of reviews.scores) expect(s.coverage).toBeGreaterThan(0.1);
    expect(line.scores.map((s) => [s.features, s.classifier])).toEqual([['target', 'most-frequent'], ['window', 'nearest-centroid'], ['window', 'logistic-regression']]);
    // 10 instances of each of three senses: the most frequent sense is right a third of the time in every fold
    expect(line.scores[0].accuracy).toBeCloseTo(1 / 3, 10);
    expect(bank.word).toBe('bank');
    expect(bank.scores[0].accuracy).toBeCloseTo(0.5, 10);
    expect(tinyReviews.scores.map((s) => `${s.features} L${s.layer}`)).toEqual(['mean L0', 'mean L1', 'mean L2', 'cls L0', 'cls L1', 'cls L2']);
    expect(tinyLine.scores).toHaveLength(6);
    for (const p of report.downstream!) {
      expect(p.seconds).toBeGreaterThan(0);
      for (const s of p.scores) {
        expect(s.folds).toHaveLength(p.folds);
        expect(s.accuracy).toBeCloseTo(s.folds.reduce((a, b) => a + b, 0) / p.folds, 10);
      }
    }
  });

  test('index.html: the tables, the bars per task and the curves per layer', () => {
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toContain('<section id="downstream"><h2>Downstream</h2>');
    for (const chart of ['downstream-classification', 'downstream-wsd', 'layers-tiny']) expect(html).toContain(`id="chart-${chart}"`);
    expect(html).toContain('most frequent sense');
    expect(html).toMatch(/<td class="num best" title="folds: [\d., ]+; [\d.]+ s">/);
    if (systemFontAvailable()) for (const png of ['downstream-classification.png', 'downstream-wsd.png', 'layers-tiny.png']) expect(fs.existsSync(path.join(out, png))).toBe(true);
  });
});

test('bad probe files: one line naming the file and line, exit 1, nothing written', () => {
  const dir = tmpDir('compare-probe-bad');
  const oneClass = path.join(dir, 'one-class.tsv');
  fs.writeFileSync(oneClass, 'a good film\tpos\nanother\tpos\n');
  const out = path.join(dir, 'out');
  const r = cli(['compare', '--static', F('static.vec'), '--classify', oneClass, '--out', out]);
  expect(r.status).toBe(1);
  expect(r.stderr.trim()).toBe(`ctxembed: ${oneClass}: every example has the label "pos"; a classifier needs two classes or more`);
  const offsets = path.join(dir, 'offsets.tsv');
  fs.writeFileSync(offsets, 'stand in line\tqueue\t9\t13\nthe phone line\tphone\t10\t13\n');
  const r2 = cli(['compare', '--static', F('static.vec'), '--wsd', offsets, '--out', out]);
  expect(r2.status).toBe(1);
  expect(r2.stderr.trim()).toBe(`ctxembed: ${offsets}:2: offsets 10-13 ("lin") do not fall on a word (they must start and end at word boundaries)`);
  expect(fs.existsSync(out)).toBe(false);
});
