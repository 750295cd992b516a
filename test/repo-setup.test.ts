/** What a clean clone gives a user before any command: install scripts skipped with npm 10 and 11, and a .gitignore that keeps generated models out. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './fixtures';

test("npm 11 runs no dependency install script (allowScripts); npm 10 skips onnxruntime-node's CUDA download (.npmrc)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(pkg.allowScripts).toEqual({ '@parcel/watcher': false, 'msgpackr-extract': false, 'onnxruntime-node': false, protobufjs: false });
  expect(fs.readFileSync(path.join(ROOT, '.npmrc'), 'utf8').split('\n')).toContain('onnxruntime-node-install=skip');
  // The key reaches onnxruntime-node's install script as npm_config_onnxruntime_node_install.
  const r = spawnSync('npm', ['config', 'get', 'onnxruntime-node-install'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stdout.trim()).toBe('skip');
});

test('models/, where the README puts fixture models, is ignored by git', () => {
  expect(spawnSync('git', ['check-ignore', '-q', 'models/tiny/onnx/model.onnx'], { cwd: ROOT }).status).toBe(0);
});
