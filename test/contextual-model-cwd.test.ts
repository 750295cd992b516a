/**
 * loadContextualModel on a local folder must not depend on the working directory.
 * (Its own file: Transformers.js memoizes a failed file lookup per id for the life of the module.)
 */
import { ModelLoadError } from '../src/errors';
import { loadContextualModel } from '../src/contextual/model';
import { fixtureModel } from './fixtures';

test('loads a local model folder given by absolute path from the repository as working directory', async () => {
  expect(process.cwd()).not.toBe('/');
  let error: unknown = null;
  let model = null;
  try {
    model = await loadContextualModel({ model: fixtureModel('tiny') });
  } catch (err) {
    error = err;
  }
  // Before 6b81f26: ModelLoadError "could not load model from …/tiny: Cannot read properties of
  // undefined (reading 'tokenizer_class')": the folder's path relative to '/' (more than two
  // segments, so not a hub id to Transformers.js 4) is read relative to the working directory.
  expect(error instanceof ModelLoadError ? error.message : error).toBeNull();
  expect(model!.hiddenSize).toBe(32);
  expect(model!.tokenizer.tokenize('hello world').ids).toEqual(Int32Array.from([7592, 2088]));
  await model!.dispose();
});
