/**
 * Intermediate layers. Hidden state 0 is the embeddings' output, state i (1..L) the output of
 * encoder layer i. Models exported with every state as an output (`hidden_states.i`) are used as
 * they are; models exported with only last_hidden_state (most hub models) get each layer's output
 * tensor added to the ONNX graph's outputs when loaded.
 */
import * as fs from 'fs';
import { InferenceSession } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { ModelLoadError, UsageError } from '../errors';
import { ContextualModel } from './model';

/**
 * Parses `--layers`: `-1` (default), a comma list such as `-4,-3,-2,-1` or `0,6,12`, or `all`.
 * @returns hidden-state indices in 0..numLayers, in the order given
 */
export function parseLayers(spec: string | number | undefined, numLayers: number): number[] {
  const text = String(spec ?? '-1').trim();
  if (text === 'all') return Array.from({ length: numLayers + 1 }, (_, i) => i);
  const out = text.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n > numLayers || n < -(numLayers + 1)) {
      throw new UsageError(`--layers ${text}: each entry must be an integer in [${-(numLayers + 1)}, ${numLayers}] (0 is the embeddings, ${numLayers} or -1 the last layer), or 'all'`);
    }
    return n < 0 ? numLayers + 1 + n : n;
  });
  if (new Set(out).size !== out.length) throw new UsageError(`--layers ${text} names a layer twice`);
  return out;
}

/** The graph tensor that holds each hidden state, found by Optimum's node names (`/embeddings/...`, `/encoder/layer.N/...`). */
export function findLayerTensors(graph: onnx.IGraphProto, numLayers: number): (string | null)[] {
  const found: (string | null)[] = new Array(numLayers + 1).fill(null);
  for (const node of graph.node ?? []) {
    const name = node.name ?? '';
    // Topological order: the last node under a scope produces that scope's output.
    if (name.startsWith('/embeddings/')) found[0] = node.output?.[0] ?? null;
    const m = /^\/encoder\/layer\.(\d+)\//.exec(name);
    if (m && Number(m[1]) < numLayers) found[Number(m[1]) + 1] = node.output?.[0] ?? null;
  }
  return found;
}

function describeAvailable(outputs: readonly string[]): string {
  return outputs.join(', ');
}

/** Makes the model's encoder return the hidden states `indices` (see parseLayers), in that order. */
export async function exposeLayers(model: ContextualModel, indices: number[]): Promise<void> {
  const L = model.numLayers;
  const current = model.encoder.outputNames;
  if (indices.length === 1 && indices[0] === L) {
    model.encoder.useSession(model.encoder.session, ['last_hidden_state']);
    return;
  }
  const exported = indices.map((i) => `hidden_states.${i}`);
  if (exported.every((name) => current.includes(name))) {
    model.encoder.useSession(model.encoder.session, exported);
    return;
  }
  if (!model.onnxPath || !fs.existsSync(model.onnxPath)) {
    throw new ModelLoadError(`${model.id}: cannot read the ONNX file to expose layers ${indices.join(',')}; available: ${describeAvailable(current)}`);
  }
  const proto = onnx.ModelProto.decode(fs.readFileSync(model.onnxPath));
  const tensors = findLayerTensors(proto.graph!, L);
  const missing = indices.filter((i) => !tensors[i]);
  if (missing.length > 0) {
    const have = tensors.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
    throw new ModelLoadError(
      `${model.id}: cannot find hidden state${missing.length > 1 ? 's' : ''} ${missing.join(',')} in the ONNX graph (it names no /embeddings/ or /encoder/layer.N/ nodes); available: last_hidden_state (layer ${L})${have.length ? `, layers ${have.join(',')}` : ''}`,
    );
  }
  const names = indices.map((i) => tensors[i]!);
  const graphOutputs = proto.graph!.output!;
  for (const name of new Set(names)) {
    if (!graphOutputs.some((o) => o.name === name)) {
      graphOutputs.push({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } });
    }
  }
  const bytes = onnx.ModelProto.encode(proto).finish();
  const session = await InferenceSession.create(bytes, model.sessionOptions);
  await model.encoder.session.release();
  model.encoder.useSession(session, names);
}
