/** A hand-made ComparisonReport for the report tests: every section filled, and hostile text in names. */
import type { ProbeScore } from '../src/eval/probe/probe';
import type { ComparisonReport, EmbeddingProbe, EmbeddingScores } from '../src/report/types';

export const HOSTILE = '<script>alert("x")</script>&\'';

function wordsim(dataset: string, spearman: number, pairs: number, oov: number) {
  return { dataset, spearman, pearson: spearman - 0.01, pairs, oov };
}

function analogy(accuracy: number, cosmulAccuracy: number, total = 200) {
  const correct = Math.round(accuracy * total);
  return {
    dataset: '/data/questions-words.txt',
    accuracy: correct / total,
    correct,
    total,
    oov: 12,
    sections: [{ section: 'capital-common-countries', correct, total, accuracy: correct / total, cosmulCorrect: Math.round(cosmulAccuracy * total), cosmulAccuracy: Math.round(cosmulAccuracy * total) / total }],
    cosmulAccuracy: Math.round(cosmulAccuracy * total) / total,
    cosmulCorrect: Math.round(cosmulAccuracy * total),
  };
}

export function sampleReport(): ComparisonReport {
  const layers = [0, 1, 2];
  const embeddings: EmbeddingScores[] = [
    {
      name: 'glove:6B-100d',
      kind: 'static',
      vocabulary: 341479,
      dim: 100,
      wordsim: [wordsim('/data/EN-WS-353-ALL.txt', 0.5329, 353, 0), wordsim('/data/EN-SIMLEX-999.txt', 0.2977, 999, 0)],
      analogy: analogy(0.635, 0.652),
      neighbours: { bank: [{ word: 'banks', similarity: 0.8057 }, { word: 'banking', similarity: 0.7531 }], river: [{ word: 'rivers', similarity: 0.8 }] },
    },
    {
      name: `w2v ${HOSTILE}.vec`,
      kind: 'static',
      vocabulary: 71290,
      dim: 100,
      wordsim: [wordsim('/data/EN-WS-353-ALL.txt', 0.6112, 340, 13), wordsim('/data/EN-SIMLEX-999.txt', -0.0421, 990, 9)],
      analogy: analogy(0.41, 0.43),
      neighbours: { bank: [{ word: HOSTILE, similarity: 0.61 }] },
    },
    ...layers.flatMap((layer): EmbeddingScores[] => [
      {
        name: `bert distilled L${layer}`,
        kind: 'distilled',
        layer,
        vocabulary: 5000,
        dim: 32,
        wordsim: [wordsim('/data/EN-WS-353-ALL.txt', 0.2 + 0.1 * layer, 200, 153), wordsim('/data/EN-SIMLEX-999.txt', 0.1 + 0.05 * layer, 800, 199)],
        analogy: analogy(0.05 * (layer + 1), 0.06 * (layer + 1)),
        neighbours: { bank: [{ word: 'river', similarity: 0.5 + layer / 10 }] },
      },
      {
        name: `bert isolated L${layer}`,
        kind: 'isolated',
        layer,
        vocabulary: 9000,
        dim: 32,
        wordsim: [wordsim('/data/EN-WS-353-ALL.txt', 0.15 + 0.05 * layer, 353, 0), wordsim('/data/EN-SIMLEX-999.txt', 0.12, 999, 0)],
        analogy: analogy(0.01 * (layer + 1), 0.015 * (layer + 1)),
        neighbours: {},
      },
    ]),
  ];
  return {
    tool: 'ctxembed',
    created: '2025-01-02T03:04:05.000Z',
    model: { id: `/models/fixture <b onmouseover="x">&'`, layers },
    corpus: '/data/corpus.txt',
    datasets: { wordsim: ['/data/EN-WS-353-ALL.txt', '/data/EN-SIMLEX-999.txt'], analogy: '/data/questions-words.txt' },
    embeddings,
    contextuality: layers.map((layer) => ({
      layer,
      selfSimilarity: 0.9 - 0.2 * layer,
      intraSentenceSimilarity: 0.5 - 0.1 * layer,
      maxExplainableVariance: 0.2 + 0.1 * layer,
      anisotropy: 0.3 + 0.15 * layer,
      adjustedSelfSimilarity: 0.6 - 0.35 * layer,
      adjustedIntraSentenceSimilarity: 0.2 - 0.25 * layer,
      varianceBaseline: 0.1 + 0.08 * layer,
      adjustedMaxExplainableVariance: 0.1 + 0.02 * layer,
      words: 120,
      sentences: 800,
    })),
    polysemy: {
      word: 'bank',
      layer: 2,
      labels: ['finance', 'river', HOSTILE],
      points: Array.from({ length: 24 }, (_, i) => {
        const label = ['finance', 'river', HOSTILE][i % 3];
        const angle = (i % 3) * 2.1 + (i / 24) * 0.8;
        return { sentence: `sentence ${i} about the ${label} bank`, label, cluster: i % 3 === 2 ? 1 : i % 3, x: 3 * Math.cos(angle) + (i % 5) * 0.1, y: 3 * Math.sin(angle) - (i % 4) * 0.1 };
      }),
      purity: 0.8333,
      projection: 'pca',
      centroid: { x: 0.2, y: -0.1 },
      staticNeighbours: [
        { embedding: 'glove:6B-100d', neighbours: [{ word: 'banks', similarity: 0.8057 }, { word: 'banking', similarity: 0.7531 }, { word: 'credit', similarity: 0.7 }] },
        { embedding: `w2v ${HOSTILE}.vec`, neighbours: [{ word: HOSTILE, similarity: 0.61 }] },
      ],
    },
  };
}

/** Probes of two static embeddings and a three-layer model on two classification and one word-sense dataset. */
export function sampleDownstream(): EmbeddingProbe[] {
  const folds = (mean: number, k: number) => Array.from({ length: k }, (_, i) => mean + (i % 2 ? 0.01 : -0.01) * (i % 3));
  const score = (features: string, classifier: ProbeScore['classifier'], accuracy: number, k: number, extra: Partial<ProbeScore> = {}): ProbeScore => {
    const f = folds(accuracy, k);
    const mean = f.reduce((a, b) => a + b, 0) / k;
    return { features, classifier, accuracy: mean, std: Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / k), folds: f, seconds: 1.5, ...extra };
  };
  const classification = (dataset: string) => ({ task: 'classification' as const, dataset, examples: 10662, classes: ['neg', 'pos'], folds: 10, seconds: 12.5 });
  const wsd = { task: 'wsd' as const, dataset: '/data/line.tsv', examples: 4146, classes: ['cord', 'division', 'formation', 'phone', 'product', 'text'], folds: 5, seconds: 20 };
  const probes: EmbeddingProbe[] = [];
  for (const [embedding, base] of [['glove:6B-100d', 0.729], [`w2v ${HOSTILE}.vec`, 0.7]] as const) {
    for (const [dataset, shift] of [['/data/MR.tsv', 0], ['/data/SUBJ.tsv', 0.17]] as const) {
      probes.push({ ...classification(dataset), embedding, kind: 'static', scores: [score('mean', 'logistic-regression', base + shift, 10, { coverage: 0.925 }), score('sif', 'logistic-regression', base + shift - 0.002, 10, { coverage: 0.925 })] });
    }
    probes.push({ ...wsd, embedding, kind: 'static', scores: [score('target', 'most-frequent', 0.535, 5), score('window', 'nearest-centroid', 0.71, 5, { coverage: 0.92 }), score('window', 'logistic-regression', base + 0.1, 5, { coverage: 0.92 })] });
  }
  const layers = [0, 1, 2];
  for (const [dataset, shift] of [['/data/MR.tsv', 0], ['/data/SUBJ.tsv', 0.15]] as const) {
    probes.push({ ...classification(dataset), embedding: 'bert', kind: 'contextual', scores: (['mean', 'cls'] as const).flatMap((p) => layers.map((layer) => score(p, 'logistic-regression', 0.6 + shift + 0.05 * layer + (p === 'cls' ? -0.03 : 0), 10, { layer }))) });
  }
  probes.push({ ...wsd, embedding: 'bert', kind: 'contextual', scores: layers.flatMap((layer) => [score('target', 'nearest-centroid', 0.6 + 0.08 * layer, 5, { layer }), score('target', 'logistic-regression', 0.7 + 0.09 * layer, 5, { layer })]) });
  return probes;
}

/** The sample report with the Downstream section. */
export function sampleReportWithProbes(): ComparisonReport {
  const report = sampleReport();
  return { ...report, datasets: { ...report.datasets, classify: ['/data/MR.tsv', '/data/SUBJ.tsv'], wsd: ['/data/line.tsv'] }, downstream: sampleDownstream() };
}
