import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadContextualModel, ContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { readManifest } from '../src/store/manifest';
import { readNpy } from '../src/store/npy';
import { BIN, makeDocs, signalAfterCommits } from './cli';
import { fixtureModel, tmpDir } from './fixtures';

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);

let model: ContextualModel;
beforeAll(async () => {
  model = await loadContextualModel({ model: fixtureModel('tiny') });
});
afterAll(() => model.dispose());

test('bad inputs get a status and a reason; the run goes on', async () => {
  const dir = tmpDir('bad');
  fs.writeFileSync(path.join(dir, 'good.txt'), 'A perfectly good document.');
  fs.writeFileSync(path.join(dir, 'empty.txt'), '');
  fs.writeFileSync(path.join(dir, 'binary.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
  fs.writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from('caf\xe9 au lait', 'latin1'));
  fs.writeFileSync(path.join(dir, 'utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hello from UTF-16.', 'utf16le')]));
  fs.writeFileSync(path.join(dir, 'näme with spaces.md'), '# Title\n\nNon-ASCII name.');
  fs.writeFileSync(path.join(dir, 'page.html'), '<html><head><script>var x = 1;</script><style>p{}</style></head><body><h1>Heading</h1><p>Visible &amp; text.</p></body></html>');
  fs.writeFileSync(path.join(dir, 'records.jsonl'), '{"text": "First record."}\n{"text": "Second record."}\n');
  fs.writeFileSync(path.join(dir, 'big.txt'), 'word '.repeat(60_000));
  fs.symlinkSync(path.join(dir, 'missing-target.txt'), path.join(dir, 'dangling.txt'));
  const out = tmpDir('bad-out');
  const issues: string[] = [];
  const s = await embedFolder([dir], model, { out, levels: ['document'], maxFileBytes: 1_000_000, onFileIssue: (src, e) => issues.push(`${e.status} ${src}`) });
  const m = readManifest(out)!;
  const status = Object.fromEntries(Object.entries(m.files).map(([k, v]) => [k, v.status]));
  expect(status).toEqual({
    'good.txt': 'done', 'empty.txt': 'skipped', 'binary.bin': 'skipped', 'latin1.txt': 'skipped', 'utf16.txt': 'done',
    'näme with spaces.md': 'done', 'page.html': 'done', 'records.jsonl': 'done', 'big.txt': 'done', 'dangling.txt': 'failed',
  });
  expect(m.files['binary.bin'].reason).toMatch(/binary/);
  expect(m.files['latin1.txt'].reason).toMatch(/invalid UTF-8 at byte 3/);
  expect(m.files['dangling.txt'].reason).toMatch(/ENOENT/);
  expect(issues.sort()).toEqual(['failed dangling.txt', 'skipped binary.bin', 'skipped empty.txt', 'skipped latin1.txt']);
  expect(s.done).toBe(6);
  const rows = lines(path.join(out, 'embeddings.jsonl')).map((l) => JSON.parse(l));
  expect(rows.find((r) => r.source === 'page.html').text).toBe('Heading Visible & text.');
  expect(rows.find((r) => r.source === 'utf16.txt').text).toBe('Hello from UTF-16.');
  // the big file ran in parts, and still is one document row
  expect(rows.filter((r) => r.source === 'big.txt')).toHaveLength(1);

  const tooBig = await embedFolder([dir], model, { out: tmpDir('big-out'), levels: ['document'], maxFileBytes: 100_000, include: ['big.txt'] });
  expect(tooBig.skipped).toBe(1);
  const latin = await embedFolder([dir], model, { out: tmpDir('latin-out'), levels: ['word'], include: ['latin1.txt'], fallbackEncoding: 'windows-1252' });
  expect(latin.done).toBe(1);
});

test('globs select files; a symlinked folder loop is walked once', async () => {
  const dir = makeDocs(6);
  fs.symlinkSync(dir, path.join(dir, 'even', 'loop'));
  const out = tmpDir('glob-out');
  await embedFolder([dir], model, { out, levels: ['document'], include: ['**/*.txt'], exclude: ['odd/**'] });
  expect(Object.keys(readManifest(out)!.files).sort()).toEqual(['even/doc 000.txt', 'even/doc 002.txt', 'even/doc 004.txt']);
});

test('npy and meta.jsonl stay aligned with the jsonl rows', async () => {
  const dir = makeDocs(5);
  const a = tmpDir('jsonl');
  const b = tmpDir('npy');
  const levels = ['token', 'word', 'sentence', 'document'] as const;
  await embedFolder([dir], model, { out: a, levels: [...levels] });
  await embedFolder([dir], model, { out: b, levels: [...levels], format: 'npy' });
  const rows = lines(path.join(a, 'embeddings.jsonl')).map((l) => JSON.parse(l));
  const meta = lines(path.join(b, 'meta.jsonl')).map((l) => JSON.parse(l));
  const npy = readNpy(path.join(b, 'vectors.npy'));
  expect(npy.rows).toBe(rows.length);
  expect(meta.length).toBe(rows.length);
  rows.forEach((r, i) => {
    const { vector, ...rest } = r;
    expect(meta[i]).toEqual(rest);
    const v = npy.data.subarray(i * npy.dim, (i + 1) * npy.dim);
    vector.forEach((x: number, k: number) => expect(Math.abs(x - v[k])).toBeLessThan(1e-6));
  });
});

test('a rerun skips what is done; other options are refused unless --overwrite', async () => {
  const dir = makeDocs(4);
  const out = tmpDir('rerun');
  await embedFolder([dir], model, { out, levels: ['sentence'] });
  const before = fs.readFileSync(path.join(out, 'embeddings.jsonl'), 'utf8');
  fs.writeFileSync(path.join(dir, 'new.txt'), 'A new file arrives.');
  const again = await embedFolder([dir], model, { out, levels: ['sentence'] });
  expect([again.done, again.alreadyDone]).toEqual([1, 4]);
  const after = fs.readFileSync(path.join(out, 'embeddings.jsonl'), 'utf8');
  expect(after.startsWith(before)).toBe(true);
  expect(lines(path.join(out, 'embeddings.jsonl')).filter((l) => JSON.parse(l).source === 'new.txt')).toHaveLength(1);
  await expect(embedFolder([dir], model, { out, levels: ['sentence'], normalize: true })).rejects.toThrow(/other settings \(normalize: false → true\)/);
  const over = await embedFolder([dir], model, { out, levels: ['sentence'], normalize: true, overwrite: true });
  expect(over.done).toBe(5);
});

test('kill -9 mid-run, then a rerun: rows identical to an uninterrupted run', async () => {
  const dir = makeDocs(120);
  const model = fixtureModel('tiny');
  const args = (out: string) => [BIN, 'embed', dir, '--model', model, '--level', 'token', '--level', 'sentence', '--format', 'npy', '--out', out, '--quiet', '--batch-tokens', '64', '--commit-seconds', '0'];
  const clean = tmpDir('clean');
  expect(spawnSync('node', args(clean)).status).toBe(0);

  const killed = tmpDir('killed');
  const child = spawn('node', args(killed), { stdio: 'ignore' });
  // Kill once some files are committed, but (most likely) before the end.
  await signalAfterCommits(child, killed, 'SIGKILL');
  await new Promise((r) => child.on('close', r));
  const partial = readManifest(killed)!;
  const committed = Object.keys(partial.files).length;
  expect(committed).toBeGreaterThanOrEqual(3);
  expect(committed).toBeLessThan(120);
  const resumed = spawnSync('node', args(killed), { encoding: 'utf8' });
  expect(resumed.status).toBe(0);
  expect(fs.readFileSync(path.join(killed, 'meta.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(clean, 'meta.jsonl'), 'utf8'));
  expect(Buffer.compare(fs.readFileSync(path.join(killed, 'vectors.npy')), fs.readFileSync(path.join(clean, 'vectors.npy')))).toBe(0);
});

test('Ctrl-C: the run stops after the batch in flight with exit 130, and a rerun completes it', async () => {
  const dir = makeDocs(120);
  const args = (out: string) => [BIN, 'embed', dir, '--model', fixtureModel('tiny'), '--level', 'sentence', '--out', out, '--batch-tokens', '64', '--commit-seconds', '0'];
  const clean = tmpDir('int-clean');
  expect(spawnSync('node', args(clean)).status).toBe(0);
  const stopped = tmpDir('int-stopped');
  const child = spawn('node', args(stopped), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  await signalAfterCommits(child, stopped, 'SIGINT');
  const code = await new Promise((r) => child.on('close', r));
  expect(code).toBe(130);
  expect(stderr).toMatch(/stopping after the batch in flight/);
  expect(stderr).toMatch(/^stopped: \d+ done/m);
  expect(Object.keys(readManifest(stopped)!.files).length).toBeLessThan(120);
  expect(spawnSync('node', args(stopped)).status).toBe(0);
  expect(fs.readFileSync(path.join(stopped, 'embeddings.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(clean, 'embeddings.jsonl'), 'utf8'));
});

test('the CLI: a summary line, exit 1 when nothing could be embedded, exit 2 for a missing model', () => {
  const dir = tmpDir('cli');
  fs.writeFileSync(path.join(dir, 'only.bin'), Buffer.from([0, 1, 2, 3]));
  const none = spawnSync('node', [BIN, 'embed', dir, '--model', fixtureModel('tiny'), '--out', tmpDir('cli-out')], { encoding: 'utf8' });
  expect(none.status).toBe(1);
  expect(none.stderr).toMatch(/skipped only\.bin: binary file/);
  expect(none.stderr).toMatch(/nothing could be embedded/);
  const missing = spawnSync('node', [BIN, 'embed', dir, '--model', path.join(dir, 'no-model'), '--out', tmpDir('cli-out')], { encoding: 'utf8' });
  expect(missing.status).toBe(2);
  expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  expect(missing.stderr).toMatch(/model folder .*no-model does not exist/);
});
