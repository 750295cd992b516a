/** Generates the fixture BERT models the tests load (once; reused while the generator is unchanged). */
import { ensureFixtureModels } from './fixtures';

export default async function globalSetup(): Promise<void> {
  ensureFixtureModels();
}
