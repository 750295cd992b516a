/**
 * Where a BERT-family ONNX graph holds its hidden states, found by the graph's structure rather
 * than by node names, so that any exporter's graph works: Optimum and Transformers.js' converter
 * (`/encoder/layer.N/...`, `/bert/encoder/...` under a head, `/transformer/layer.N/...` in
 * DistilBERT), older exporters with unscoped names, fused or decomposed LayerNorm, onnxruntime's
 * fused SkipLayerNormalization, and dynamically quantized graphs.
 *
 * Every BERT-family encoder is a residual stream through LayerNorms: the embeddings end in one,
 * and each layer adds a block's output to the stream and normalizes it twice (after attention,
 * after the feed-forward block). Following the stream back from its end through those
 * "LayerNorm of (x + block)" steps gives 2L + 1 tensors: the embeddings' output, then for each
 * layer its attention LayerNorm and its output LayerNorm. Hidden state i is the i-th output one.
 */
import { onnx } from 'onnx-proto';

type Node = onnx.INodeProto;

export interface HiddenStates {
  /** Tensor of hidden state i: 0 is the embeddings' output, i the output of encoder layer i. */
  tensors: string[];
  /** The graph output that holds state i as the model was exported (`last_hidden_state`, `hidden_states.i`), or null. */
  outputs: (string | null)[];
  /** Graph outputs that are no hidden state (a head's `logits`, `pooler_output`): computing them is wasted work. */
  otherOutputs: string[];
}

/** Why the states could not be found; the caller adds which model it was. */
export class GraphStructureError extends Error {}

class GraphIndex {
  readonly producer = new Map<string, Node>();
  readonly constants = new Set<string>();

  constructor(readonly graph: onnx.IGraphProto) {
    for (const t of graph.initializer ?? []) this.constants.add(t.name ?? '');
    for (const node of graph.node ?? []) {
      for (const out of node.output ?? []) this.producer.set(out, node);
      if (node.opType === 'Constant') for (const out of node.output ?? []) this.constants.add(out);
    }
  }

  /** The tensor behind Identity nodes (an exporter may name the graph output through one). */
  canonical(tensor: string): string {
    let t = tensor;
    for (let node = this.producer.get(t); node?.opType === 'Identity'; node = this.producer.get(t)) t = node.input![0];
    return t;
  }

  op(tensor: string): Node | undefined {
    return this.producer.get(tensor);
  }

  isConstant(tensor: string): boolean {
    return this.constants.has(tensor);
  }
}

/** The other input of a binary node when one input is constant; null otherwise. */
function nonConstantInput(g: GraphIndex, node: Node | undefined, op: string): string | null {
  if (node?.opType !== op || node.input?.length !== 2) return null;
  const [a, b] = node.input;
  if (g.isConstant(b) && !g.isConstant(a)) return a;
  if (g.isConstant(a) && !g.isConstant(b)) return b;
  return null;
}

/**
 * The input stream of a LayerNorm whose output is `tensor`, and what was added into it:
 * `[a, b]` when the LayerNorm normalizes a + b (the residual step), `[x]` when it normalizes a
 * tensor that is no sum (the embeddings may end so), or null when `tensor` is no LayerNorm output.
 */
function layerNormInputs(g: GraphIndex, tensor: string): string[] | null {
  const node = g.op(tensor);
  if (!node) return null;
  let x: string | null = null;
  if (node.opType === 'LayerNormalization') x = node.input![0];
  else if (node.opType === 'SkipLayerNormalization') return [node.input![0], node.input![1]];
  else if (node.opType === 'EmbedLayerNormalization') return [];
  else {
    // Decomposed (opset < 17): Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(...)), gamma), beta).
    const scaled = nonConstantInput(g, node, 'Add');
    const normalized = scaled ? nonConstantInput(g, g.op(scaled), 'Mul') : null;
    const div = normalized ? g.op(normalized) : undefined;
    const sub = div?.opType === 'Div' ? g.op(div.input![0]) : undefined;
    const mean = sub?.opType === 'Sub' ? g.op(sub.input![1]) : undefined;
    if (sub && mean?.opType === 'ReduceMean' && mean.input![0] === sub.input![0]) x = sub.input![0];
  }
  if (x === null) return null;
  const sum = g.op(x);
  return sum?.opType === 'Add' && sum.input!.length === 2 && !sum.input!.some((i) => g.isConstant(i)) ? [sum.input![0], sum.input![1]] : [x];
}

/**
 * Finds hidden states 0..numLayers of the encoder in `graph`. Without a `last_hidden_state`
 * output (a fill-mask or other head export) the encoder's stream is the longest chain of residual
 * LayerNorms; with one, the chain found must end at the tensor that produces it.
 */
export function findHiddenStates(graph: onnx.IGraphProto, numLayers: number): HiddenStates {
  const g = new GraphIndex(graph);
  // The previous residual LayerNorm output of every LayerNorm output (null at the stream's start).
  const previous = new Map<string, string | null>();
  for (const node of graph.node ?? []) {
    const out = node.output?.[0];
    if (!out) continue;
    const inputs = layerNormInputs(g, out);
    if (inputs === null) continue;
    const back = inputs.map((t) => g.canonical(t)).filter((t) => previous.has(t));
    previous.set(out, back.length === 1 ? back[0] : null);
  }
  const feedsAnother = new Set([...previous.values()].filter((t): t is string => t !== null));
  const chains: string[][] = [];
  for (const end of previous.keys()) {
    if (feedsAnother.has(end)) continue;
    const chain: string[] = [];
    for (let t: string | null = end; t !== null; t = previous.get(t) ?? null) chain.unshift(t);
    chains.push(chain);
  }
  chains.sort((a, b) => b.length - a.length);
  const expected = 2 * numLayers + 1;
  const stream = chains[0];
  if (!stream || stream.length !== expected) {
    throw new GraphStructureError(
      `cannot find the encoder's hidden states in the ONNX graph: a BERT-family encoder of ${numLayers} layers has a stream of ${expected} residual LayerNorms, the longest found has ${stream?.length ?? 0}`,
    );
  }
  if (chains.length > 1 && chains[1].length === expected) {
    throw new GraphStructureError(`the ONNX graph holds two encoder streams of ${numLayers} layers; ctxembed cannot tell which one is the model's`);
  }
  const tensors = Array.from({ length: numLayers + 1 }, (_, i) => stream[2 * i]);
  const outputs: (string | null)[] = tensors.map(() => null);
  const otherOutputs: string[] = [];
  for (const o of graph.output ?? []) {
    const name = o.name ?? '';
    const state = tensors.indexOf(g.canonical(name));
    if (name === 'last_hidden_state' && state !== numLayers) {
      throw new GraphStructureError(
        `the hidden state found for the last layer (${tensors[numLayers]}) is not the tensor that produces last_hidden_state (${g.canonical(name)}); the graph is not a BERT-family encoder ctxembed can read`,
      );
    }
    if (state < 0) otherOutputs.push(name);
    else outputs[state] ??= name;
  }
  return { tensors, outputs, otherOutputs };
}

/** Every tensor name read inside a node's subgraphs (If, Loop, Scan bodies read outer tensors by name). */
function subgraphInputs(node: Node, into: Set<string>): void {
  for (const attr of node.attribute ?? []) {
    for (const sub of [attr.g, ...(attr.graphs ?? [])]) {
      for (const inner of sub?.node ?? []) {
        for (const i of inner.input ?? []) into.add(i);
        subgraphInputs(inner, into);
      }
    }
  }
}

/**
 * Rewrites `model` in place so that its only outputs are `outputs` (tensor names of the graph)
 * and drops every node and initializer they do not need: a head (fill-mask logits,
 * pooler) is then never computed.
 */
export function pruneToOutputs(model: onnx.IModelProto, outputs: string[]): void {
  const graph = model.graph!;
  const existing = new Map((graph.output ?? []).map((o) => [o.name, o]));
  graph.output = outputs.map((name) => existing.get(name) ?? { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
  const needed = new Set(outputs);
  const kept: Node[] = [];
  const nodes = graph.node ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const input of node.input ?? []) if (input) needed.add(input);
    subgraphInputs(node, needed);
  }
  graph.node = kept.reverse();
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  // The model's inputs stay, used or not (the embeddings alone read no attention_mask); an
  // initializer listed as an input (older IR versions) goes with its initializer.
  graph.input = (graph.input ?? []).filter((t) => !initializers.has(t.name ?? '') || needed.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((t) => needed.has(t.name ?? ''));
}
