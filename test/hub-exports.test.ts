/**
 * Real hub exports: graphs made by torch.onnx.export from Hugging Face's module trees
 * (scripts/make-hub-fixtures.py: BertModel, BertForMaskedLM, DistilBertModel at opset 14 and 17,
 * each with an onnxruntime-style dynamic int8 copy). Every level and layer choice is checked
 * against PyTorch's own hidden states saved beside each export (reference.json).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { embed } from '../src/embed';
import { loadContextualModel } from '../src/contextual/model';
import { readNpy } from '../src/store/npy';
import { ROOT, tmpDir } from './fixtures';
import { allRows, checkRows, EXPORTS, fp32Close, hiddenSize, HUB, q8Close, reference, Row, tokenState } from './hub-reference';

const BIN = path.join(ROOT, 'bin', 'ctxembed.js');

describe.each(EXPORTS)('%s', (name) => {
  const ref = reference(name);
  const dim = hiddenSize(name);

  test('our tokenizer gives the ids the reference tokenizer gave', async () => {
    const model = await loadContextualModel({ model: path.join(HUB, name) });
    for (const t of ref.texts) {
      const ours = model.tokenizer.tokenize(t.text);
      expect([model.tokenizer.clsId, ...ours.ids, model.tokenizer.sepId]).toEqual(t.ids);
    }
    await model.dispose();
  });

  test.each(['fp32', 'q8'] as const)('%s: every level at the last layer and at all layers equals PyTorch', async (dtype) => {
    const model = await loadContextualModel({ model: path.join(HUB, name), dtype });
    const L = model.numLayers;
    const close = dtype === 'fp32' ? fp32Close : q8Close;
    const last = await embed([ref.texts[0].text], { model });
    checkRows(allRows(last), ref, [L], dim, close);
    const all = await embed([ref.texts[0].text], { model, layers: 'all', layerAgg: 'concat' });
    checkRows(allRows(all), ref, Array.from({ length: L + 1 }, (_, i) => i), dim, close);
    // One state alone: the embeddings (a graph that reads no attention_mask once cut down) and a middle layer.
    for (const layer of [0, 1]) {
      const one = await embed([ref.texts[0].text], { model, layers: String(layer), levels: ['token'] });
      one.tokens.forEach((t, k) => close(t.vector, tokenState(ref.texts[0].states, [layer], k + 1, dim)));
    }
    await model.dispose();
  });
});

describe('through the CLI', () => {
  let docs: string;
  beforeAll(() => {
    docs = tmpDir('hub-docs');
    fs.writeFileSync(path.join(docs, 'doc.txt'), reference('bert-opset14').texts[0].text);
  });
  afterAll(() => fs.rmSync(docs, { recursive: true, force: true }));

  const levels = ['--level', 'token', '--level', 'word', '--level', 'sentence', '--level', 'document'];

  function run(args: string[]): void {
    const r = spawnSync(process.execPath, [BIN, 'embed', path.join(docs, 'doc.txt'), ...levels, '--quiet', ...args], { encoding: 'utf8', timeout: 60000 });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  }

  test.each(EXPORTS)('%s: --layers all --format npy and --layers -1 --format jsonl equal PyTorch', (name) => {
    const ref = reference(name);
    const dim = hiddenSize(name);
    const L = ref.texts[0].states.length - 1;
    const npyOut = tmpDir('hub-npy');
    run(['--model', path.join(HUB, name), '--layers', 'all', '--layer-agg', 'concat', '--format', 'npy', '--out', npyOut]);
    const matrix = readNpy(path.join(npyOut, 'vectors.npy'));
    const meta = fs.readFileSync(path.join(npyOut, 'meta.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(matrix.rows).toBe(meta.length);
    const npyRows = meta.map((m, i) => ({ ...m, vector: matrix.data.subarray(i * matrix.dim, (i + 1) * matrix.dim) }));
    checkRows(npyRows, ref, Array.from({ length: L + 1 }, (_, i) => i), dim, fp32Close);

    const jsonlOut = tmpDir('hub-jsonl');
    run(['--model', path.join(HUB, name), '--layers', '-1', '--out', jsonlOut]);
    const rows = fs.readFileSync(path.join(jsonlOut, 'embeddings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    checkRows(rows, ref, [L], dim, fp32Close);
    for (const dir of [npyOut, jsonlOut]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--dtype q8 --layers all runs the quantized export (cosine >= 0.98 to PyTorch fp32)', () => {
    const name = 'distilbert-opset17';
    const ref = reference(name);
    const out = tmpDir('hub-q8');
    run(['--model', path.join(HUB, name), '--dtype', 'q8', '--layers', 'all', '--layer-agg', 'concat', '--out', out]);
    const rows = fs.readFileSync(path.join(out, 'embeddings.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    checkRows(rows, ref, [0, 1, 2, 3], hiddenSize(name), q8Close);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

describe('graph structure', () => {
  test('a fill-mask export runs without its head: no logits, no decoder MatMul in the session', async () => {
    const model = await loadContextualModel({ model: path.join(HUB, 'bert-mlm-opset17') });
    expect(model.states.otherOutputs).toEqual(['logits']);
    expect(model.encoder.outputNames).not.toContain('logits');
    expect(model.encoder.outputNames).toEqual([model.states.tensors[model.numLayers]]);
    await model.dispose();
  });

  test('DistilBERT exports have no token_type_ids input, and run without one', async () => {
    const model = await loadContextualModel({ model: path.join(HUB, 'distilbert-opset14') });
    expect(model.encoder.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(model.hiddenSize).toBe(32);
    expect(model.numLayers).toBe(3);
    await model.dispose();
  });

  test('the load-time check fails loudly when last_hidden_state is not the last layer found', async () => {
    // Rewire last_hidden_state to layer 2's output: the encoder stream still ends at layer 3.
    const dir = tmpDir('hub-bad');
    fs.cpSync(path.join(HUB, 'bert-opset17'), dir, { recursive: true });
    const file = path.join(dir, 'onnx', 'model.onnx');
    const proto = onnx.ModelProto.decode(fs.readFileSync(file));
    const graph = proto.graph!;
    const last = graph.node!.find((n) => n.output!.includes('last_hidden_state'))!;
    last.output = ['layer3_output'];
    graph.node!.push({ opType: 'Identity', name: 'rewired', input: ['/encoder/layer.1/output/LayerNorm/LayerNormalization_output_0'], output: ['last_hidden_state'] });
    const consumers = graph.node!.filter((n) => n.input!.includes('last_hidden_state') && n.name !== 'rewired');
    expect(consumers).toHaveLength(0);
    fs.writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    await expect(loadContextualModel({ model: dir })).rejects.toThrow(
      /the hidden state found for the last layer \(layer3_output\) is not the tensor that produces last_hidden_state/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a config without its layer count, another model_type or a non-WordPiece tokenizer is a one-line error', async () => {
    const dir = tmpDir('hub-config');
    fs.cpSync(path.join(HUB, 'distilbert-opset14'), dir, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    delete config.n_layers;
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    await expect(loadContextualModel({ model: dir })).rejects.toThrow(/config.json lacks n_layers \(a positive integer for a distilbert model\)/);
    config.n_layers = 3;
    config.model_type = 'roberta';
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    await expect(loadContextualModel({ model: dir })).rejects.toThrow(/model_type "roberta"; ctxembed runs bert and distilbert encoders/);
    config.model_type = 'distilbert';
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const tokenizer = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    tokenizer.model = { type: 'BPE', vocab: tokenizer.model.vocab, merges: [], unk_token: '[UNK]' };
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    await expect(loadContextualModel({ model: dir })).rejects.toThrow(/aligns tokens for WordPiece \(BERT-family\) tokenizers; this tokenizer's model is BPE/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('graphs of other exporters', () => {
  type Graph = onnx.IGraphProto;

  /** Copies an export, rewrites its graph, and embeds the reference document with it at every layer. */
  async function embedRewritten(name: string, rewrite: (g: Graph) => void): Promise<Row[]> {
    const dir = tmpDir('hub-rewrite');
    fs.cpSync(path.join(HUB, name), dir, { recursive: true });
    const file = path.join(dir, 'onnx', 'model.onnx');
    const proto = onnx.ModelProto.decode(fs.readFileSync(file));
    rewrite(proto.graph!);
    if (proto.graph!.node!.some((n) => n.domain === 'com.microsoft')) proto.opsetImport!.push({ domain: 'com.microsoft', version: 1 });
    fs.writeFileSync(file, onnx.ModelProto.encode(proto).finish());
    const model = await loadContextualModel({ model: dir });
    const rows = allRows(await embed([reference(name).texts[0].text], { model, layers: 'all', layerAgg: 'concat' }));
    await model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    return rows;
  }

  test('unscoped node names and numbered tensors (older exporters) are found by structure alone', async () => {
    const name = 'bert-mlm-opset14';
    const rows = await embedRewritten(name, (g) => {
      const keep = new Set([...g.input!, ...g.output!, ...g.initializer!].map((t) => t.name!));
      const renamed = new Map<string, string>();
      const rename = (t: string) => (keep.has(t) || !t ? t : renamed.get(t) ?? (renamed.set(t, `${renamed.size + 1000}`), renamed.get(t)!));
      g.node!.forEach((n, i) => {
        n.name = `${n.opType}_${i}`;
        n.input = n.input!.map(rename);
        n.output = n.output!.map(rename);
      });
      g.valueInfo = [];
    });
    checkRows(rows, reference(name), [0, 1, 2, 3], 32, fp32Close);
  });

  test("onnxruntime's fused EmbedLayerNormalization and SkipLayerNormalization are read as the stream", async () => {
    const name = 'bert-opset17';
    const rows = await embedRewritten(name, (g) => {
      const nodes = g.node!;
      const producer = (t: string) => nodes.find((n) => n.output!.includes(t));
      const floatAttr = (attr: string, f: number) => ({ name: attr, f, type: onnx.AttributeProto.AttributeType.FLOAT });
      const lns = nodes.filter((n) => n.opType === 'LayerNormalization');
      const fused: onnx.INodeProto[] = [];
      const embeddingsLn = lns.find((n) => n.name!.startsWith('/embeddings/'))!;
      fused.push(
        { opType: 'Cast', name: 'ids32', input: ['input_ids'], output: ['ids32'], attribute: [{ name: 'to', i: onnx.TensorProto.DataType.INT32, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: 'Cast', name: 'types32', input: ['token_type_ids'], output: ['types32'], attribute: [{ name: 'to', i: onnx.TensorProto.DataType.INT32, type: onnx.AttributeProto.AttributeType.INT }] },
        { opType: 'Cast', name: 'mask32', input: ['attention_mask'], output: ['mask32'], attribute: [{ name: 'to', i: onnx.TensorProto.DataType.INT32, type: onnx.AttributeProto.AttributeType.INT }] },
        {
          opType: 'EmbedLayerNormalization', domain: 'com.microsoft', name: 'EmbedLayerNorm',
          input: ['ids32', 'types32', 'embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight', 'embeddings.token_type_embeddings.weight', embeddingsLn.input![1], embeddingsLn.input![2], 'mask32'],
          output: [embeddingsLn.output![0], 'mask_index'], attribute: [floatAttr('epsilon', 1e-12)],
        },
      );
      const replaced = new Set<onnx.INodeProto>([embeddingsLn]);
      for (const ln of lns.filter((n) => n !== embeddingsLn)) {
        const add = producer(ln.input![0])!;
        replaced.add(ln).add(add);
        fused.push({ opType: 'SkipLayerNormalization', domain: 'com.microsoft', name: `${ln.name}_skip`, input: [add.input![0], add.input![1], ln.input![1], ln.input![2]], output: [ln.output![0]], attribute: [floatAttr('epsilon', 1e-12)] });
      }
      // Keep topological order: each fused node where the node it replaces stood.
      g.node = nodes.flatMap((n) => (n === embeddingsLn ? fused.slice(0, 4) : replaced.has(n) ? (n.opType === 'LayerNormalization' ? [fused.find((f) => f.output![0] === n.output![0])!] : []) : [n]));
    });
    checkRows(rows, reference(name), [0, 1, 2, 3], 32, fp32Close);
  });
});
