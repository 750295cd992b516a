import type { Argv, CommandModule } from 'yargs';
import { compareEmbeddings } from '../compare/compare';
import { DEFAULT_REVISION, MODEL_DTYPES } from '../contextual/model';
import { UsageError } from '../errors';
import { writeReport } from '../report/html';
import { SEQUENCE_POOLINGS, SequencePooling } from '../pooling/sequence';
import { WORD_POOLINGS, WordPooling } from '../pooling/words';
import { createProgress } from './progress';

export const compareCommand: CommandModule = {
  command: 'compare',
  describe: 'Compare static and contextual embeddings: scores, contextuality per layer, a polysemy probe, downstream probes; writes report.json and an HTML report',
  builder: (y: Argv) =>
    y
      .option('static', { type: 'string', array: true, default: [] as string[], describe: 'Static vectors: a file (word2vec text or binary, GloVe text) or a built-in name: glove:6B-100d (repeatable)' })
      .option('model', { type: 'string', describe: 'Contextual model: hub id (Xenova/bert-base-uncased) or local folder; its isolated and distilled vectors, contextuality and polysemy join the report' })
      .option('revision', { type: 'string', default: DEFAULT_REVISION, describe: 'Hub revision of the model: branch, tag or commit' })
      .option('dtype', { choices: MODEL_DTYPES, default: 'fp32' as const, describe: 'Which ONNX file of the model: onnx/model.onnx (fp32) or onnx/model_quantized.onnx (q8)' })
      .option('offline', { type: 'boolean', default: false, describe: 'Never use the network (also HF_HUB_OFFLINE=1)' })
      .option('cache-dir', { type: 'string', describe: 'Where downloaded models are cached' })
      .option('threads', { type: 'number', describe: 'onnxruntime threads (default: all cores)' })
      .option('corpus', { type: 'string', describe: 'Text file or folder the contextual vectors are distilled and measured on (needed with --model)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Report folder: report.json, index.html, <chart>.png' })
      .option('wordsim', { type: 'string', array: true, default: [] as string[], describe: 'Word-similarity file, w1<TAB>w2<TAB>score (repeatable)' })
      .option('analogy', { type: 'string', describe: 'Analogy questions (questions-words.txt format)' })
      .option('senses', { type: 'string', describe: 'Sense-labelled sentences of a polysemous word, for the polysemy probe' })
      .option('word', { type: 'string', describe: 'The word --senses and sentence<TAB>label --wsd files probe (default: <word> of a file named senses-<word>.tsv, or the one word every sentence has)' })
      .option('classify', { type: 'string', array: true, default: [] as string[], describe: 'Sentence classification probe: sentence<TAB>label file, e.g. MR.tsv (repeatable)' })
      .option('wsd', { type: 'string', array: true, default: [] as string[], describe: 'Word-sense probe: sentence<TAB>sense<TAB>start<TAB>end file, or sentence<TAB>label with --word (repeatable)' })
      .option('sentence-pooling', { choices: SEQUENCE_POOLINGS, array: true, default: ['mean', 'cls'] as SequencePooling[], describe: "--classify: the model's sentence poolings" })
      .option('word-pooling', { choices: WORD_POOLINGS, default: 'mean' as WordPooling, describe: "--wsd: how the target word's pieces pool" })
      .option('probe-layer', { type: 'number', describe: 'Hidden state the polysemy probe looks at (default: the last of --layers)' })
      // nargs: 1 takes the next argument as the value even when it begins with '-' (--layers -4,-3,-2,-1).
      .option('layers', { type: 'string', nargs: 1, default: 'all', describe: "The model's hidden states to compare: 'all', or a list such as 0,6,12 or -1 (0 is the embeddings)" })
      .option('neighbours', { type: 'string', describe: 'Comma-separated words whose nearest neighbours the report lists' })
      .option('min-count', { type: 'number', default: 5, describe: 'Distilled vectors: words seen fewer times in the corpus are left out' })
      .option('max-contexts', { type: 'number', default: 100, describe: 'Distilled vectors and contextuality: most occurrences of a word used' })
      .option('restrict-vocab', { type: 'number', default: 300000, describe: 'Only the first N words of each vectors file count in the evaluations (gensim: 300,000)' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed for sampling and k-means' })
      .option('png', { type: 'boolean', default: true, describe: 'Also write each chart as DIR/<chart>.png (--no-png: not)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' })
      .example('$0 compare --model Xenova/bert-base-uncased --static glove:6B-100d --corpus corpus.txt --wordsim EN-WS-353-ALL.txt --analogy questions-words.txt --senses fixtures/senses-bank.tsv --out report/', '')
      .example('$0 compare --static glove:6B-100d --model Xenova/bert-base-uncased --classify MR.tsv --wsd line.tsv --out report/', '')
      .check((argv) => {
        const scoring = (argv.wordsim as string[]).length > 0 || argv.analogy;
        if (!scoring && (argv.classify as string[]).length + (argv.wsd as string[]).length === 0) throw new UsageError('give --wordsim and/or --analogy datasets, or --classify / --wsd probes');
        if ((argv.static as string[]).length === 0 && !argv.model) throw new UsageError('give --static vectors and/or a --model');
        if (argv.model && scoring && !argv.corpus) throw new UsageError('--model needs a --corpus to distil and measure the contextual vectors on (for --wordsim and --analogy)');
        if (argv.senses && !argv.model) throw new UsageError('--senses (the polysemy probe) needs a --model');
        return true;
      }),
  handler: async (argv: any) => {
    // a bar on a terminal, else a line per step and one every 10 s within a long step
    const progress = createProgress('steps', argv.quiet, 0);
    let stepIndex = 0;
    let stepTotal = 0;
    let shown = Date.now();
    const report = await compareEmbeddings({
      static: argv.static,
      model: argv.model,
      modelOptions: { revision: argv.revision, dtype: argv.dtype, offline: argv.offline, cacheDir: argv.cacheDir, threads: argv.threads },
      corpus: argv.corpus,
      layers: argv.layers,
      minCount: argv.minCount,
      maxContexts: argv.maxContexts,
      seed: argv.seed,
      senses: argv.senses,
      word: argv.word,
      probeLayer: argv.probeLayer,
      wordsim: argv.wordsim,
      analogy: argv.analogy,
      neighbours: argv.neighbours ? String(argv.neighbours).split(',').map((w: string) => w.trim()).filter(Boolean) : [],
      restrictVocab: argv.restrictVocab,
      onWarning: (m: string) => console.error(`ctxembed: warning: ${m}`),
      classify: argv.classify,
      wsd: argv.wsd,
      sentencePoolings: argv.sentencePooling,
      wordPooling: argv.wordPooling,
      onStep: (step, i, total) => {
        [stepIndex, stepTotal, shown] = [i, total, Date.now()];
        progress.update(i, total, { step });
      },
      onProgress: (step, done, total, unit) => {
        if (!process.stderr.isTTY && Date.now() - shown < 10000) return;
        shown = Date.now();
        progress.update(stepIndex, stepTotal, { step: `${step}: ${done}/${total} ${unit}` });
      },
    }).finally(() => progress.stop());
    const written = await writeReport(report, argv.out, { png: argv.png });
    if (!argv.quiet && written.pngSkipped && argv.png) console.error(`ctxembed: no PNG charts: ${written.pngSkipped}`);
    const done = [...(report.embeddings.length ? [`${report.embeddings.length} embeddings compared`] : []), ...(report.downstream ? [`${report.downstream.length} downstream probes`] : [])];
    console.log(`${done.join(', ')}; report: ${written.html} (data: ${written.json}${written.pngs.length ? `, ${written.pngs.length} PNG charts` : ''})`);
  },
};
