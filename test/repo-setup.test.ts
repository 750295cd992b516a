/** What a clean clone gives a user before any command: npm without warnings, and a .gitignore that keeps generated models out. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './fixtures';

test('npm runs in the project without "Unknown project config" warnings', () => {
  const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stdout.trim()).toBe('"ctxembed"');
  expect(r.stderr).not.toMatch(/Unknown (project|env|user) config/);
});

test("install scripts npm does not need are denied in package.json (onnxruntime-node's only downloads CUDA libraries)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.allowScripts).toEqual({ '@parcel/watcher': false, 'onnxruntime-node': false, protobufjs: false });
});

test('models/, where the README puts fixture models, is ignored by git', () => {
  expect(spawnSync('git', ['check-ignore', '-q', 'models/tiny/onnx/model.onnx'], { cwd: ROOT }).status).toBe(0);
});
