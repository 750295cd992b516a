/**
 * Dynamic int8 quantization of an ONNX encoder, by graph surgery, in the operator pattern and
 * with the names onnxruntime's `quantize_dynamic` gives (IntegerOps mode, symmetric int8 weights):
 * every MatMul or Gemm with a constant 2-D weight W reads `DynamicQuantizeLinear(x)` (uint8, named
 * `<x>_QuantizeLinear`, one per input however many MatMuls read it) and `W_quantized` /
 * `W_scale` / `W_zero_point`; `MatMulInteger`, a Cast and two Muls give back the float output
 * (a Gemm's bias is added after). Embedding gathers and LayerNorms stay float32.
 */
import { onnx } from 'onnx-proto';

type Node = onnx.INodeProto;
type Tensor = onnx.ITensorProto;
const { DataType } = onnx.TensorProto;

export interface QuantizeOptions {
  /** One scale per output column instead of one per weight. */
  perChannel?: boolean;
  /** Nodes left in float32: their names match this. */
  exclude?: (nodeName: string) => boolean;
}

export interface QuantizeReport {
  /** MatMul / Gemm nodes quantized, and left float32 by `exclude`. */
  quantized: string[];
  excluded: string[];
}

/** Why a graph cannot be quantized; the caller names the file. */
export class QuantizeError extends Error {}

/** The float32 values of an initializer (raw little-endian bytes, or float_data). */
function floatValues(t: Tensor): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // aligned
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** Rounds half to even, as numpy and onnxruntime's quantizer do. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Symmetric int8 of a [K, N] weight: values in [-127, 127], zero point 0, a scale per tensor or
 * per output column (the N axis, as MatMulInteger's per-column zero point).
 */
function quantizeWeight(w: Float32Array, k: number, n: number, perChannel: boolean): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(perChannel ? n : 1);
  const absMax = new Float32Array(scales.length);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const c = perChannel ? j : 0;
      const a = Math.abs(w[i * n + j]);
      if (a > absMax[c]) absMax[c] = a;
    }
  }
  // float32 arithmetic, as onnxruntime's quantizer computes the scale in numpy float32
  for (let c = 0; c < scales.length; c++) scales[c] = absMax[c] > 0 ? Math.fround(absMax[c] / 127) : 1;
  const q = new Int8Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) {
      const s = scales[perChannel ? j : 0];
      q[i * n + j] = Math.max(-127, Math.min(127, roundHalfEven(Math.fround(w[i * n + j] / s))));
    }
  }
  return { q, scales };
}

function tensor(name: string, dataType: number, dims: number[], bytes: Uint8Array): Tensor {
  return { name, dataType, dims, rawData: bytes };
}

const bytesOf = (a: Int8Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const attr = (node: Node, name: string) => node.attribute?.find((a) => a.name === name);

/** Whether `graph` has been quantized already (it holds MatMulInteger or DynamicQuantizeLinear nodes). */
function isQuantized(graph: onnx.IGraphProto): boolean {
  return (graph.node ?? []).some((n) => ['MatMulInteger', 'DynamicQuantizeLinear', 'DynamicQuantizeMatMul', 'QLinearMatMul'].includes(n.opType ?? ''));
}

/** Quantizes `model` in place; see the module comment. */
export function quantizeModel(model: onnx.IModelProto, options: QuantizeOptions = {}): QuantizeReport {
  const graph = model.graph!;
  if (isQuantized(graph)) throw new QuantizeError('the graph is quantized already (it has MatMulInteger / DynamicQuantizeLinear nodes); quantize the float32 export');
  const opset = (model.opsetImport ?? []).find((o) => !o.domain)?.version ?? 0;
  if (Number(opset) < 11) throw new QuantizeError(`opset ${opset}: DynamicQuantizeLinear needs opset 11 or later; re-export the model`);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const report: QuantizeReport = { quantized: [], excluded: [] };
  const quantizedInputs = new Set<string>();
  const quantizedWeights = new Map<string, Tensor[]>();
  const nodes: Node[] = [];

  /** The [K, N] weight a node multiplies by, if it is a constant float 2-D one. */
  const constantWeight = (node: Node): { name: string; k: number; n: number; values: Float32Array } | null => {
    const name = node.input?.[1] ?? '';
    const t = inits.get(name);
    if (!t || t.dataType !== DataType.FLOAT || t.dims?.length !== 2) return null;
    const [d0, d1] = t.dims.map(Number);
    const values = floatValues(t);
    if (node.opType === 'MatMul') return { name, k: d0, n: d1, values };
    // Gemm: Y = A·B (+ C) with transB storing B as [N, K]; other forms are left alone.
    const transB = Number(attr(node, 'transB')?.i ?? 0) === 1;
    if (Number(attr(node, 'transA')?.i ?? 0) !== 0 || (attr(node, 'alpha')?.f ?? 1) !== 1 || (attr(node, 'beta')?.f ?? 1) !== 1) return null;
    if (!transB) return { name, k: d0, n: d1, values };
    const transposed = new Float32Array(values.length);
    for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) transposed[j * d0 + i] = values[i * d1 + j];
    return { name: `${name}_transposed`, k: d1, n: d0, values: transposed };
  };

  for (const node of graph.node ?? []) {
    const w = node.opType === 'MatMul' || node.opType === 'Gemm' ? constantWeight(node) : null;
    if (!w) {
      nodes.push(node);
      continue;
    }
    if (options.exclude?.(node.name ?? '')) {
      report.excluded.push(node.name ?? '');
      nodes.push(node);
      continue;
    }
    const x = node.input![0];
    if (!quantizedInputs.has(x)) {
      quantizedInputs.add(x);
      nodes.push({ opType: 'DynamicQuantizeLinear', name: `${x}_QuantizeLinear`, input: [x], output: [`${x}_quantized`, `${x}_scale`, `${x}_zero_point`] });
    }
    if (!quantizedWeights.has(w.name)) {
      const { q, scales } = quantizeWeight(w.values, w.k, w.n, options.perChannel ?? false);
      const perChannel = scales.length > 1;
      quantizedWeights.set(w.name, [
        tensor(`${w.name}_quantized`, DataType.INT8, [w.k, w.n], bytesOf(q)),
        tensor(`${w.name}_scale`, DataType.FLOAT, perChannel ? [w.n] : [], bytesOf(scales)),
        tensor(`${w.name}_zero_point`, DataType.INT8, perChannel ? [w.n] : [], new Uint8Array(scales.length)),
      ]);
    }
    const name = `${node.name}_quant`;
    const out = node.output![0];
    const product = node.opType === 'Gemm' && node.input![2] ? `${out}_MatMul` : out;
    const integer = `${product}_output_quantized`;
    nodes.push(
      { opType: 'MatMulInteger', name, input: [`${x}_quantized`, `${w.name}_quantized`, `${x}_zero_point`, `${w.name}_zero_point`], output: [integer] },
      { opType: 'Cast', name: `${integer}_cast`, input: [integer], output: [`${integer}_cast_output`], attribute: [{ name: 'to', i: DataType.FLOAT, type: onnx.AttributeProto.AttributeType.INT }] },
      { opType: 'Mul', name: `${name}_scales_mul`, input: [`${x}_scale`, `${w.name}_scale`], output: [`${name}_scales_mul:0`] },
      { opType: 'Mul', name: `${name}_output_scale_mul`, input: [`${integer}_cast_output`, `${name}_scales_mul:0`], output: [product] },
    );
    if (product !== out) nodes.push({ opType: 'Add', name: `${node.name}_bias_add`, input: [product, node.input![2]], output: [out] });
    report.quantized.push(node.name ?? '');
  }
  if (report.quantized.length === 0) {
    throw new QuantizeError(`no MatMul or Gemm with a constant float32 weight to quantize${report.excluded.length ? ` (${report.excluded.length} excluded)` : ''}`);
  }
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => used.has(t.name!)), ...[...quantizedWeights.values()].flat()];
  return report;
}
