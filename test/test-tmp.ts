/**
 * One folder per `npm test` run holds every temporary file the tests (and the processes they
 * start) make: global setup creates it and points TMPDIR at it, global teardown removes it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const TEST_TMP_ENV = 'CTXEMBED_TEST_TMP';

export function makeTestTmp(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ctxembed-tests-'));
  process.env[TEST_TMP_ENV] = root;
  process.env.TMPDIR = root;
  return root;
}
