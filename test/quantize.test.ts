/**
 * `ctxembed quantize`: our graph surgery against PyTorch's fp32 states (every export kind and
 * layer), against the onnxruntime-named reference made by scripts/make-hub-fixtures.py (an
 * independent implementation of quantize_dynamic's pattern), and its failure paths.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { loadContextualModel } from '../src/contextual/model';
import { quantizeModel } from '../src/contextual/quantize';
import { quantizeModelFolder } from '../src/contextual/quantize-folder';
import { embed } from '../src/embed';
import { ROOT, tmpDir } from './fixtures';
import { allRows, checkRows, cosine, EXPORTS, hiddenSize, HUB, maxAbsDiff, q8Close, reference } from './hub-reference';
import { mountTinyDisk } from './tiny-disk';

const BIN = path.join(ROOT, 'bin', 'ctxembed.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60000 });

/** A copy of an export without its int8 file. */
function fp32Copy(name: string): string {
  const dir = tmpDir('quantize');
  fs.cpSync(path.join(HUB, name), dir, { recursive: true });
  fs.rmSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  return dir;
}

const graphOf = (file: string) => onnx.ModelProto.decode(fs.readFileSync(file)).graph!;

/** MatMul / Gemm nodes still multiplying by a float32 initializer. */
function floatWeightMatMuls(graph: onnx.IGraphProto): string[] {
  const floats = new Set((graph.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT && t.dims?.length === 2).map((t) => t.name));
  return (graph.node ?? []).filter((n) => (n.opType === 'MatMul' || n.opType === 'Gemm') && floats.has(n.input![1])).map((n) => n.name!);
}

describe.each(EXPORTS)('%s', (name) => {
  test.each([false, true])('per-channel %s: --dtype q8 at every layer within cosine 0.98 of PyTorch fp32; no float MatMul weight left', async (perChannel) => {
    const dir = fp32Copy(name);
    const r = await quantizeModelFolder(dir, { perChannel });
    expect(r.quantized.length).toBe(floatWeightMatMuls(graphOf(path.join(dir, 'onnx', 'model.onnx'))).length);
    expect(floatWeightMatMuls(graphOf(r.file))).toEqual([]);
    const model = await loadContextualModel({ model: dir, dtype: 'q8' });
    const L = model.numLayers;
    const rows = allRows(await embed([reference(name).texts[0].text], { model, layers: 'all', layerAgg: 'concat' }));
    checkRows(rows, reference(name), Array.from({ length: L + 1 }, (_, i) => i), hiddenSize(name), q8Close);
    await model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

test("ours is onnxruntime's pattern: the same nodes, names and int8 weights as the reference quantizer, the same vectors", async () => {
  const dir = fp32Copy('bert-mlm-opset14');
  const { file } = await quantizeModelFolder(dir);
  const ours = graphOf(file);
  const ref = graphOf(path.join(HUB, 'bert-mlm-opset14', 'onnx', 'model_quantized.onnx'));
  const shape = (g: onnx.IGraphProto) => g.node!.map((n) => [n.opType, n.name, n.input, n.output]);
  expect(shape(ours)).toEqual(shape(ref));
  const weights = (g: onnx.IGraphProto) => new Map(g.initializer!.map((t) => [t.name, Buffer.from(t.rawData ?? []).toString('hex')]));
  expect(weights(ours)).toEqual(weights(ref));
  const text = reference('bert-mlm-opset14').texts[0].text;
  const a = await embed([text], { model: dir, dtype: 'q8', levels: ['token'], layers: 'all', layerAgg: 'concat' });
  const b = await embed([text], { model: path.join(HUB, 'bert-mlm-opset14'), dtype: 'q8', levels: ['token'], layers: 'all', layerAgg: 'concat' });
  a.tokens.forEach((t, i) => expect(maxAbsDiff(t.vector, b.tokens[i].vector)).toBe(0));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('ctxembed quantize through the CLI: --out makes a whole model folder, --exclude keeps matching nodes float32, a rerun writes the same bytes', () => {
  const dir = fp32Copy('distilbert-opset17');
  const out = path.join(tmpDir('quantize-out'), 'q8');
  const r = cli('quantize', '--model', dir, '--out', out, '--exclude', '/transformer/layer.2/**');
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/^wrote .*model_quantized\.onnx: 12 MatMul\/Gemm quantized to int8, 6 left float32; 0\.3 MB → 0\.2 MB/);
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
    expect(fs.readFileSync(path.join(out, f))).toEqual(fs.readFileSync(path.join(dir, f)));
  }
  expect(fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))).toBe(false);
  const left = floatWeightMatMuls(graphOf(path.join(out, 'onnx', 'model_quantized.onnx')));
  expect(left).toHaveLength(6);
  expect(left.every((n) => n.startsWith('/transformer/layer.2/'))).toBe(true);
  const first = fs.readFileSync(path.join(out, 'onnx', 'model_quantized.onnx'));
  expect(cli('quantize', '--model', dir, '--out', out, '--exclude', '/transformer/layer.2/**', '--quiet').status).toBe(0);
  expect(fs.readFileSync(path.join(out, 'onnx', 'model_quantized.onnx'))).toEqual(first);
  const doc = path.join(out, '..', 'doc.txt');
  fs.writeFileSync(doc, reference('distilbert-opset17').texts[1].text);
  const embedded = cli('embed', doc, '--model', out, '--dtype', 'q8', '--out', path.join(out, '..', 'e'));
  expect(embedded.stderr).toMatch(/^finished: 1 done, 0 skipped, 0 failed of 1 files; 17 rows/m);
  expect(embedded.status).toBe(0);
  expect(JSON.parse(fs.readFileSync(path.join(out, '..', 'e', 'manifest.json'), 'utf8')).model.dtype).toBe('q8');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

test('errors: a quantized graph, a folder without onnx/, a missing q8 file, a full disk: one line each, nothing written', () => {
  const dir = fp32Copy('bert-opset14');
  fs.copyFileSync(path.join(HUB, 'bert-opset14', 'onnx', 'model_quantized.onnx'), path.join(dir, 'onnx', 'model.onnx'));
  let r = cli('quantize', '--model', dir);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`ctxembed: ${path.join(dir, 'onnx', 'model.onnx')}: the graph is quantized already (it has MatMulInteger / DynamicQuantizeLinear nodes); quantize the float32 export\n`);
  expect(fs.existsSync(path.join(dir, 'onnx', 'model_quantized.onnx'))).toBe(false);

  fs.rmSync(path.join(dir, 'onnx'), { recursive: true });
  r = cli('quantize', '--model', dir);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`ctxembed: model folder ${dir} has no onnx/model.onnx to quantize\n`);

  const fp32 = fp32Copy('bert-opset14');
  r = cli('embed', path.join(fp32, 'tokenizer_config.json'), '--model', fp32, '--dtype', 'q8', '--out', path.join(dir, 'o'));
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`ctxembed: model folder ${fp32} has no onnx/model_quantized.onnx for --dtype q8 (present: model.onnx): make it with ctxembed quantize --model ${fp32}\n`);

  const disk = mountTinyDisk(256);
  if (disk) {
    try {
      r = cli('quantize', '--model', fp32, '--out', path.join(disk.dir, 'q8'));
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^ctxembed: disk full: cannot write .*\n$/);
      expect(fs.existsSync(path.join(disk.dir, 'q8', 'onnx', 'model_quantized.onnx'))).toBe(false);
      const leftovers = fs.readdirSync(path.join(disk.dir, 'q8'), { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
      expect(leftovers).toEqual([]);
    } finally {
      disk.unmount();
    }
  }
  for (const d of [dir, fp32]) fs.rmSync(d, { recursive: true, force: true });
});

test('a Gemm with transB and a bias is quantized to MatMulInteger plus the bias, close to float', async () => {
  const K = 16;
  const N = 8;
  const w = Float32Array.from({ length: N * K }, (_, i) => Math.sin(i * 0.7) * 0.5);
  const b = Float32Array.from({ length: N }, (_, i) => i * 0.1);
  const bytes = (a: Float32Array) => new Uint8Array(a.buffer);
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [{ opType: 'Gemm', name: '/classifier/Gemm', input: ['x', 'W', 'B'], output: ['y'], attribute: [{ name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT }] }],
      initializer: [
        { name: 'W', dataType: onnx.TensorProto.DataType.FLOAT, dims: [N, K], rawData: bytes(w) },
        { name: 'B', dataType: onnx.TensorProto.DataType.FLOAT, dims: [N], rawData: bytes(b) },
      ],
      input: [{ name: 'x', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'n' }, { dimValue: K }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }],
    },
  };
  const floatSession = await InferenceSession.create(onnx.ModelProto.encode(model).finish());
  const report = quantizeModel(model);
  expect(report.quantized).toEqual(['/classifier/Gemm']);
  expect(model.graph!.node!.map((n) => n.opType)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul', 'Add']);
  const q8Session = await InferenceSession.create(onnx.ModelProto.encode(model).finish());
  const x = new Tensor('float32', Float32Array.from({ length: 3 * K }, (_, i) => Math.cos(i)), [3, K]);
  const exact = (await floatSession.run({ x })).y.data as Float32Array;
  const approx = (await q8Session.run({ x })).y.data as Float32Array;
  expect(cosine(exact, approx)).toBeGreaterThan(0.999);
  // y = x·Wᵀ + b by hand, for the float graph
  const xs = x.data as Float32Array;
  const hand = Array.from({ length: 3 * N }, (_, o) => {
    const [r, c] = [Math.floor(o / N), o % N];
    let s = b[c];
    for (let k = 0; k < K; k++) s += xs[r * K + k] * w[c * K + k];
    return s;
  });
  expect(maxAbsDiff(exact, hand)).toBeLessThan(1e-5);
});
