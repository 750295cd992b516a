/** `npm test` leaves no ctxembed-* folders in the system's temporary folder: everything goes under one root that global teardown removes. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tmpDir } from './fixtures';
import { TEST_TMP_ENV } from './test-tmp';

test('tests and the processes they start write temporary files under the run root', () => {
  const root = process.env[TEST_TMP_ENV];
  expect(root).toMatch(/ctxembed-tests-/);
  expect(fs.statSync(root!).isDirectory()).toBe(true);
  expect(path.dirname(tmpDir('probe'))).toBe(root);
  expect(os.tmpdir()).toBe(root);
  const child = spawnSync(process.execPath, ['-e', 'console.log(require("os").tmpdir())'], { encoding: 'utf8' });
  expect(child.stdout.trim()).toBe(root);
});
