/**
 * Runs token-id sequences through the ONNX encoder in padded batches and returns, for each
 * sequence, its hidden states as Float32Array views with the padding cut off.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelLoadError } from '../errors';

/** Hidden states of one sequence: one [length x dim] view per requested output. */
export type SequenceStates = Float32Array[];

export class BertEncoder {
  /** Outputs fetched on every run: the hidden states asked for (see session.ts). */
  outputs: string[] = [];

  constructor(private current: InferenceSession, private readonly padId: number, private readonly source: string) {
    this.checkInputs(current);
  }

  private checkInputs(session: InferenceSession): void {
    for (const required of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(required)) throw new ModelLoadError(`${this.source}: the ONNX graph has no ${required} input (inputs: ${session.inputNames.join(', ')})`);
    }
  }

  get inputNames(): readonly string[] {
    return this.current.inputNames;
  }

  get session(): InferenceSession {
    return this.current;
  }

  get outputNames(): readonly string[] {
    return this.current.outputNames;
  }

  /** Swaps in another session over the same model (one that exposes more outputs) and fetches `outputs` from now on. */
  useSession(session: InferenceSession, outputs: string[]): void {
    this.checkInputs(session);
    for (const o of outputs) {
      if (!session.outputNames.includes(o)) throw new ModelLoadError(`${this.source}: the ONNX graph has no output ${o}`);
    }
    this.current = session;
    this.outputs = outputs;
  }

  /** Runs one batch: sequences hold token ids, special tokens included. */
  async run(sequences: Int32Array[]): Promise<SequenceStates[]> {
    const batch = sequences.length;
    let width = 0;
    for (const s of sequences) width = Math.max(width, s.length);
    const ids = new BigInt64Array(batch * width).fill(BigInt(this.padId));
    const mask = new BigInt64Array(batch * width);
    for (let b = 0; b < batch; b++) {
      const s = sequences[b];
      const row = b * width;
      for (let i = 0; i < s.length; i++) {
        ids[row + i] = BigInt(s[i]);
        mask[row + i] = 1n;
      }
    }
    const dims = [batch, width];
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
    };
    if (this.inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', new BigInt64Array(batch * width), dims);
    const result = await this.current.run(feeds, this.outputs);
    const perOutput = this.outputs.map((name) => {
      const t = result[name];
      if (t.dims.length !== 3 || t.dims[0] !== batch || t.dims[1] !== width) {
        throw new ModelLoadError(`${this.source}: output ${name} has shape [${t.dims.join(', ')}], expected [${batch}, ${width}, hidden]`);
      }
      return t.data as Float32Array;
    });
    const dim = (result[this.outputs[0]].dims[2] as number);
    return sequences.map((s, b) => perOutput.map((data) => data.subarray(b * width * dim, (b * width + s.length) * dim)));
  }
}
