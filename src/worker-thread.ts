/** Starting a worker thread from a module file, compiled or not. */
import * as path from 'path';
import { Worker } from 'worker_threads';

/**
 * Runs `file`: a .js file from dist/ as it is, a .ts file (tests and ts-node scripts run the
 * sources) through ts-node, transpiled only.
 */
export function startWorker(file: string, workerData: unknown): Worker {
  if (file.endsWith('.ts')) {
    // ts-node and the tsconfig as this module finds them: an eval'd worker would look from the current folder
    const options = { transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.json') };
    return new Worker(`require(${JSON.stringify(require.resolve('ts-node'))}).register(${JSON.stringify(options)}); require(${JSON.stringify(file)});`, { eval: true, workerData });
  }
  return new Worker(file, { workerData });
}
