/** Fixture models and paths shared by the tests. */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TEST_TMP_ENV } from './test-tmp';
import { FIXTURE_DEFAULTS, FixtureModelOptions, makeFixtureModel } from '../scripts/make-fixture-model';

export const ROOT = path.resolve(__dirname, '..');
export const FIXTURES_DIR = path.join(ROOT, 'fixtures');
const CACHE = path.join(ROOT, '.cache', 'fixture-models');
export const SHARED = path.resolve(ROOT, '..', 'shared');

const MODELS: Record<string, Partial<FixtureModelOptions>> = {
  /** bert-base-uncased vocabulary, hidden 32, 2 layers: the default test model. */
  tiny: {},
  /** The same weights, also exporting every layer's hidden states. */
  'tiny-all-layers': { allLayers: true },
  /** Small vocabulary and short positions, for windowing. */
  'tiny-small-vocab': { vocab: 'small', maxPosition: 64, seed: 7 },
  /** 12 layers like bert-base, for the README's `--layers 0,6,12`. */
  'tiny-12-layers': { layers: 12 },
};

export type FixtureModelName = keyof typeof MODELS;

export function fixtureModel(name: FixtureModelName): string {
  return path.join(CACHE, name);
}

function generatorHash(): string {
  const h = crypto.createHash('sha256');
  for (const f of ['make-fixture-model.ts', 'fixture-tokenizer.ts']) h.update(fs.readFileSync(path.join(ROOT, 'scripts', f)));
  h.update(JSON.stringify(MODELS)); // a model added to the list is made too
  return h.digest('hex').slice(0, 16);
}

export function ensureFixtureModels(): void {
  const stamp = path.join(CACHE, 'generator.hash');
  const hash = generatorHash();
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  fs.rmSync(CACHE, { recursive: true, force: true });
  for (const [name, opts] of Object.entries(MODELS)) {
    makeFixtureModel({ ...FIXTURE_DEFAULTS, ...opts, out: path.join(CACHE, name) });
  }
  fs.writeFileSync(stamp, hash);
}

export function sharedAvailable(sub: string): boolean {
  const ok = fs.existsSync(path.join(SHARED, sub));
  if (!ok) console.warn(`skipping: ../shared/${sub} is not present`);
  return ok;
}

/** A fresh folder under the test run's temporary root (removed by global teardown). */
export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env[TEST_TMP_ENV] ?? require('os').tmpdir(), `ctxembed-${prefix}-`));
}

/** Runs the CLI in this process: its exit code and what it wrote to stderr. */
export async function runMain(args: string[]): Promise<{ code: number; err: string }> {
  const { main } = await import('../src/cli/main');
  const errors: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...m) => void errors.push(m.join(' ')));
  try {
    process.exitCode = 0;
    await main(args);
    return { code: Number(process.exitCode ?? 0), err: errors.join('\n') };
  } finally {
    spy.mockRestore();
    process.exitCode = 0;
  }
}
