/**
 * The ONNX encoder against an independent float64 BERT forward pass over the same weights:
 * onnxruntime-node directly, and through ctxembed's loadContextualModel / BertEncoder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { fixtureModel } from './fixtures';
import { loadReferenceWeights, maxAbsDiff, referenceForward, ReferenceWeights } from './reference-bert';
import { HfModel, loadHf } from './transformers-ref';

const TOL = 1e-4;
const TEXTS = [
  'The bank raised interest rates.',
  'We sat on the river bank and watched the water.',
  'Unbelievable!',
  'A somewhat longer sentence, with commas, numbers like 1945 and 2006, and a few rarer words: quixotic, sesquipedalian.',
];

function onnxFile(name: 'tiny' | 'tiny-all-layers'): string {
  return path.join(fixtureModel(name), 'onnx', 'model.onnx');
}

function heads(name: string): number {
  return JSON.parse(fs.readFileSync(path.join(fixtureModel(name as any), 'config.json'), 'utf8')).num_attention_heads;
}

function feeds(seqs: number[][]): { feeds: Record<string, Tensor>; width: number; masks: number[][] } {
  const width = Math.max(...seqs.map((s) => s.length));
  const ids = new BigInt64Array(seqs.length * width);
  const mask = new BigInt64Array(seqs.length * width);
  const masks: number[][] = [];
  seqs.forEach((s, b) => {
    const m: number[] = [];
    for (let i = 0; i < width; i++) {
      ids[b * width + i] = BigInt(i < s.length ? s[i] : 0);
      mask[b * width + i] = i < s.length ? 1n : 0n;
      m.push(i < s.length ? 1 : 0);
    }
    masks.push(m);
  });
  const dims = [seqs.length, width];
  return {
    feeds: {
      input_ids: new Tensor('int64', ids, dims),
      attention_mask: new Tensor('int64', mask, dims),
      token_type_ids: new Tensor('int64', new BigInt64Array(seqs.length * width), dims),
    },
    width,
    masks,
  };
}

describe('reference BERT vs onnxruntime', () => {
  let ref: ReferenceWeights;
  let hf: HfModel;
  let seqs: number[][];

  beforeAll(async () => {
    ref = loadReferenceWeights(onnxFile('tiny'), heads('tiny'));
    hf = await loadHf(fixtureModel('tiny'));
    seqs = TEXTS.map((t) => hf.ids(t));
  });
  afterAll(async () => {
    await hf?.dispose();
  });

  test('the reference reads the fixture architecture', () => {
    expect(ref.hidden).toBe(32);
    expect(ref.layers).toBe(2);
    expect(seqs[0][0]).toBe(101); // [CLS]
    expect(seqs[0][seqs[0].length - 1]).toBe(102); // [SEP]
  });

  test('onnxruntime-node, one sequence at a time, matches the reference (1e-4)', async () => {
    const session = await InferenceSession.create(onnxFile('tiny'));
    try {
      for (const s of seqs) {
        const { feeds: f } = feeds([s]);
        const out = await session.run(f);
        const got = out.last_hidden_state.data as Float32Array;
        const want = referenceForward(ref, s);
        expect(out.last_hidden_state.dims).toEqual([1, s.length, 32]);
        expect(maxAbsDiff(got, want[2].data)).toBeLessThan(TOL);
        // Context matters: the states are not the embeddings, and not the same for every position.
        expect(maxAbsDiff(got, want[0].data)).toBeGreaterThan(0.05);
      }
    } finally {
      await session.release();
    }
  });

  test('onnxruntime-node on a padded batch: real positions match the reference of each unpadded sequence', async () => {
    const session = await InferenceSession.create(onnxFile('tiny'));
    try {
      const { feeds: f, width, masks } = feeds(seqs);
      const out = await session.run(f);
      const data = out.last_hidden_state.data as Float32Array;
      const D = 32;
      seqs.forEach((s, b) => {
        const want = referenceForward(ref, s)[2].data;
        const got = data.subarray(b * width * D, (b * width + s.length) * D);
        expect(maxAbsDiff(got, want)).toBeLessThan(TOL);
        // The reference with the same padding gives the same states at the real positions.
        const padded = [...s, ...new Array(width - s.length).fill(0)];
        const wantPadded = referenceForward(ref, padded, masks[b])[2].data;
        expect(maxAbsDiff(want, wantPadded, s.length * D)).toBeLessThan(1e-12);
      });
      // Without the mask, padding would change the short sequences' states: the mask is doing something.
      const shortest = seqs.reduce((a, b) => (a.length <= b.length ? a : b));
      const unmasked = referenceForward(ref, [...shortest, ...new Array(width - shortest.length).fill(0)])[2].data;
      expect(maxAbsDiff(unmasked, referenceForward(ref, shortest)[2].data, shortest.length * D)).toBeGreaterThan(1e-3);
    } finally {
      await session.release();
    }
  });

  describe('through loadContextualModel', () => {
    let model: ContextualModel;
    beforeAll(async () => {
      model = await loadContextualModel({ model: fixtureModel('tiny') });
    });
    afterAll(async () => {
      await model?.dispose();
    });

    test('BertEncoder.run on a padded batch matches the reference per sequence', async () => {
      expect(model.hiddenSize).toBe(32);
      expect(model.numLayers).toBe(2);
      expect(model.maxLength).toBe(512);
      const out = await model.encoder.run(seqs.map((s) => Int32Array.from(s)));
      expect(out).toHaveLength(seqs.length);
      seqs.forEach((s, b) => {
        expect(out[b]).toHaveLength(1);
        expect(out[b][0].length).toBe(s.length * 32);
        expect(maxAbsDiff(out[b][0], referenceForward(ref, s)[2].data)).toBeLessThan(TOL);
      });
    });

    test('random ids, including rare vocabulary rows and a long sequence', async () => {
      let seed = 12345;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const batch = [3, 40, 130].map((n) => [101, ...Array.from({ length: n }, () => 1000 + Math.floor(rand() * 29000)), 102]);
      const out = await model.encoder.run(batch.map((s) => Int32Array.from(s)));
      batch.forEach((s, b) => expect(maxAbsDiff(out[b][0], referenceForward(ref, s)[2].data)).toBeLessThan(TOL));
    });
  });
});

describe('tiny-all-layers: hidden_states.i is the reference layer i', () => {
  test('onnxruntime-node and BertEncoder outputs', async () => {
    const ref = loadReferenceWeights(onnxFile('tiny-all-layers'), heads('tiny-all-layers'));
    const hf = await loadHf(fixtureModel('tiny-all-layers'));
    const seqs = TEXTS.slice(0, 3).map((t) => hf.ids(t));
    await hf.dispose();
    const session = await InferenceSession.create(onnxFile('tiny-all-layers'));
    const names = ['hidden_states.0', 'hidden_states.1', 'hidden_states.2'];
    expect(session.outputNames).toEqual(expect.arrayContaining([...names, 'last_hidden_state']));
    for (const s of seqs) {
      const out = await session.run(feeds([s]).feeds);
      const want = referenceForward(ref, s);
      names.forEach((n, i) => expect(maxAbsDiff(out[n].data as Float32Array, want[i].data)).toBeLessThan(TOL));
      expect(maxAbsDiff(out.last_hidden_state.data as Float32Array, want[2].data)).toBeLessThan(TOL);
      // Layers differ from each other: a mix-up of outputs would show.
      expect(maxAbsDiff(want[1].data, want[2].data)).toBeGreaterThan(0.05);
    }
    await session.release();

    const model = await loadContextualModel({ model: fixtureModel('tiny-all-layers') });
    try {
      expect(model.encoder.outputNames).toEqual(expect.arrayContaining(names));
      model.encoder.outputs = names;
      const out = await model.encoder.run(seqs.map((s) => Int32Array.from(s)));
      seqs.forEach((s, b) => {
        const want = referenceForward(ref, s);
        expect(out[b]).toHaveLength(3);
        names.forEach((_, i) => expect(maxAbsDiff(out[b][i], want[i].data)).toBeLessThan(TOL));
      });
    } finally {
      await model.dispose();
    }
  });
});
