/**
 * A training worker: owns a slice of the shared entries, and each epoch shuffles it and runs
 * AdaGrad over it on the shared parameters, lock-free (Hogwild, as glove.c's threads do).
 */
import { parentPort, workerData } from 'worker_threads';
import { GloVeParameters, trainEntries } from './adagrad';
import { entryViews, shuffleEntries } from './entries';
import { deriveSeed, seededRandom } from './random';

export interface TrainingWorkerData {
  params: GloVeParameters;
  entries: SharedArrayBuffer;
  from: number;
  to: number;
  learningRate: number;
  seed: number;
}

/** Sent for each epoch: its number; answered with the summed cost of the slice. */
export type EpochMessage = number;

if (parentPort) {
  const data = workerData as TrainingWorkerData;
  const { ids, values } = entryViews(data.entries);
  const port = parentPort;
  port.on('message', (epoch: EpochMessage) => {
    shuffleEntries(ids, data.from, data.to, seededRandom(deriveSeed(data.seed, epoch)));
    port.postMessage(trainEntries(data.params, ids, values, data.from, data.to, data.learningRate));
  });
}
