/** A small tmpfs for full-disk tests: mounted where the tests may mount (root), skipped with a message elsewhere. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpDir } from './fixtures';

export interface TinyDisk {
  dir: string;
  /** Grows (or shrinks) the disk, keeping its files. */
  resize(kb: number): void;
  unmount(): void;
}

/** Mounts a tmpfs of `kb` kilobytes (read-only with `readOnly`); null (with a warning) where mounting is not allowed. */
export function mountTinyDisk(kb: number, opts: { readOnly?: boolean } = {}): TinyDisk | null {
  const dir = tmpDir('disk');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k${opts.readOnly ? ',ro' : ''}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    console.warn(`skipping the full-disk test: cannot mount a tmpfs (${(r.stderr || r.error?.message || '').trim()})`);
    return null;
  }
  return {
    dir,
    resize(size: number) {
      const r = spawnSync('mount', ['-o', `remount,size=${size}k`, dir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`cannot resize the tmpfs at ${dir}: ${r.stderr}`);
    },
    unmount() {
      spawnSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
