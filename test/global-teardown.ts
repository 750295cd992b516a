/** Removes the folder every test's temporary files went to (see global-setup.ts). */
import * as fs from 'fs';
import { TEST_TMP_ENV } from './test-tmp';

export default async function globalTeardown(): Promise<void> {
  const root = process.env[TEST_TMP_ENV];
  if (!root) return;
  try {
    fs.rmSync(root, { recursive: true, force: true });
  } catch (err) {
    // A tiny-disk test that could not unmount leaves a busy mount point behind.
    console.warn(`global teardown: could not remove ${root}: ${(err as Error).message}`);
  }
}
