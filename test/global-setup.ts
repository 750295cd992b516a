/** Generates the fixture BERT models the tests load (once; reused while the generator is unchanged). */
import { ensureDistBuilt } from './build-dist';
import { ensureProbeKernelBuilt } from './build-kernel';
import { ensureFixtureModels } from './fixtures';
import { makeTestTmp } from './test-tmp';

export default async function globalSetup(): Promise<void> {
  // Test workers and the CLI processes they spawn inherit TMPDIR: everything lands in one folder, removed by global teardown.
  makeTestTmp();
  // LanceDB warns that an index over a few hundred test rows leaves k-means clusters empty: true, and expected at test sizes.
  process.env.LANCEDB_LOG ??= 'error';
  ensureFixtureModels();
  // The CLI tests spawn bin/ctxembed.js, which runs dist/: rebuild it when src/ changed.
  ensureDistBuilt();
  ensureProbeKernelBuilt();
}
