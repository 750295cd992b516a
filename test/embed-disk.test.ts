/** Output folders that cannot take the rows: a full disk, a read-only folder. Real file systems (a tmpfs), skipped where they cannot be mounted. */
import {  spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readManifest } from '../src/store/manifest';
import { ctxembed, expectExactlyCommitted, makeDocs } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { mountTinyDisk } from './tiny-disk';

const TINY = fixtureModel('tiny');
const embedArgs = (dir: string, out: string) => ['embed', dir, '--model', TINY, '--level', 'token', '--format', 'npy', '--out', out, '--quiet', '--batch-tokens', '64', '--commit-seconds', '0'];

/** numpy's view of a .npy file: shape and dtype, or the error it raises. */
function numpyLoad(file: string): { shape?: number[]; dtype?: string; error?: string } {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return {};
  const r = spawnSync('/usr/bin/python3', ['-c', 'import numpy, json, sys; a = numpy.load(sys.argv[1]); print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype)}))', file], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : { error: r.stderr };
}

test('a full disk: "disk full" in one line, exit 1, the outputs readable at their last commit; with room again the run resumes exactly', () => {
  const disk = mountTinyDisk(384);
  if (!disk) return;
  try {
    const dir = makeDocs(150);
    const out = path.join(disk.dir, 'out');
    const full = ctxembed(embedArgs(dir, out));
    expect(full.code).toBe(1);
    const lines = full.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^ctxembed: disk full: cannot write ${out}/(vectors\\.npy|meta\\.jsonl|manifest\\.json) \\(no space left on the device\\); ${out} is kept as of its last commit \\(\\d+ rows\\): make room and run the same command again to resume$`));
    const m = readManifest(out)!;
    expect(m.committed.rows).toBeGreaterThan(0);
    expect(Object.keys(m.files).length).toBeLessThan(150);
    // exactly the committed rows, in files numpy reads
    expectExactlyCommitted(out);
    const np = numpyLoad(path.join(out, 'vectors.npy'));
    if (np.shape || np.error) expect(np).toEqual({ shape: [m.committed.rows, 32], dtype: 'float32' });
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'meta.jsonl', 'vectors.npy']);

    disk.resize(8192);
    const resumed = ctxembed(embedArgs(dir, out));
    expect(resumed.code).toBe(0);
    const clean = tmpDir('disk-clean');
    expect(ctxembed(embedArgs(dir, clean)).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'meta.jsonl'), 'utf8')).toBe(fs.readFileSync(path.join(clean, 'meta.jsonl'), 'utf8'));
    expect(Buffer.compare(fs.readFileSync(path.join(out, 'vectors.npy')), fs.readFileSync(path.join(clean, 'vectors.npy')))).toBe(0);
  } finally {
    disk.unmount();
  }
});

test('a read-only output folder: "not writable" in one line before the model runs', () => {
  const disk = mountTinyDisk(64, { readOnly: true });
  if (!disk) return;
  try {
    const dir = makeDocs(2);
    for (const out of [disk.dir, path.join(disk.dir, 'sub', 'out')]) {
      const r = ctxembed(embedArgs(dir, out));
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${disk.dir} is not writable (read-only file system)`);
    }
  } finally {
    disk.unmount();
  }
});
