/**
 * Which hidden states the encoder's onnxruntime session returns. The session Transformers.js
 * created serves when its outputs hold the states asked for and nothing else (a head's logits
 * would be computed for nothing); otherwise the graph is cut down to exactly those states and a
 * new session replaces it.
 */
import * as fs from 'fs';
import { InferenceSession } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { BertEncoder } from './encoder';
import { HiddenStates, pruneToOutputs } from './graph';

export function readOnnx(file: string): onnx.ModelProto {
  return onnx.ModelProto.decode(fs.readFileSync(file));
}

export interface StateSource {
  encoder: BertEncoder;
  states: HiddenStates;
  onnxPath: string;
  sessionOptions: InferenceSession.SessionOptions;
}

/**
 * Makes `encoder` return hidden states `indices` (0 the embeddings, i layer i), in that order.
 * `proto`, when given, is src.onnxPath already decoded (it is cut down in place) and is not read again.
 */
export async function selectStates(src: StateSource, indices: number[], proto?: onnx.ModelProto): Promise<void> {
  const { encoder, states } = src;
  const current = encoder.outputNames;
  // Each state under whichever name the current session outputs it (a graph output name, or the tensor itself).
  const fetch = indices.map((i) => [states.outputs[i], states.tensors[i]].find((n) => n !== null && current.includes(n)));
  if (fetch.every((n) => n !== undefined) && !current.some((o) => states.otherOutputs.includes(o))) {
    encoder.useSession(encoder.session, fetch as string[]);
    return;
  }
  const tensors = indices.map((i) => states.tensors[i]);
  const decoded = proto ?? readOnnx(src.onnxPath);
  pruneToOutputs(decoded, [...new Set(tensors)]);
  const session = await InferenceSession.create(onnx.ModelProto.encode(decoded).finish(), src.sessionOptions);
  await encoder.session.release();
  encoder.useSession(session, tensors);
}
