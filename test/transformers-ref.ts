/** Transformers.js, run directly on a local model folder: the outside reference for ctxembed's token states and ids. */
import * as path from 'path';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';

export interface HfModel {
  tokenizer: any;
  model: any;
  /** Token ids of `text`, [CLS] and [SEP] included. */
  ids(text: string): number[];
  /** last_hidden_state of one text: [CLS] ... [SEP] rows, [S x hidden]. */
  lastHidden(text: string): Promise<{ ids: number[]; data: Float32Array; dim: number }>;
  dispose(): Promise<void>;
}

export async function loadHf(dir: string): Promise<HfModel> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // An absolute path: Transformers.js 4 reads a folder path that is not a valid hub id
  // ("owner/name") as is. (A path made relative to env.localModelPath = '/' is resolved against
  // the working directory instead, because it has more than two segments.)
  const rel = path.resolve(dir);
  const tokenizer = await AutoTokenizer.from_pretrained(rel);
  const model = await AutoModel.from_pretrained(rel, { dtype: 'fp32', device: 'cpu' } as any);
  const ids = (text: string): number[] => {
    const enc = tokenizer(text);
    return Array.from(enc.input_ids.data as BigInt64Array, Number);
  };
  return {
    tokenizer,
    model,
    ids,
    async lastHidden(text: string) {
      const enc = tokenizer(text);
      const out = await model(enc);
      const t = out.last_hidden_state;
      return { ids: Array.from(enc.input_ids.data as BigInt64Array, Number), data: t.data as Float32Array, dim: t.dims[2] as number };
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
