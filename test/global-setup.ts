/** Generates the fixture BERT models the tests load (once; reused while the generator is unchanged). */
import { ensureDistBuilt } from './build-dist';
import { ensureProbeKernelBuilt } from './build-kernel';
import { ensureFixtureModels } from './fixtures';

export default async function globalSetup(): Promise<void> {
  ensureFixtureModels();
  // The CLI tests spawn bin/ctxembed.js, which runs dist/: rebuild it when src/ changed.
  ensureDistBuilt();
  ensureProbeKernelBuilt();
}
