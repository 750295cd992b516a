/** A cross-validation thread: takes outer folds from the shared counter until none is left, posting each result. */
import { parentPort, workerData } from 'worker_threads';
import { FoldTask, runFold } from './cross-validate';

const task = workerData as FoldTask & { next: Int32Array; folds: number; thread: number };
try {
  for (let f = Atomics.add(task.next, 0, 1); f < task.folds; f = Atomics.add(task.next, 0, 1)) parentPort!.postMessage(runFold(task, f, task.thread));
} catch (err) {
  parentPort!.postMessage({ error: String((err as Error).stack ?? err) });
}
