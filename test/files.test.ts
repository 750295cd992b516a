/** Checked atomic writes: whole file or an OutputError naming it, never a truncated file under the final name. */
import * as fs from 'fs';
import * as path from 'path';
import { OutputError } from '../src/errors';
import { AtomicFile, ensureWritableFile, writeFileAtomic } from '../src/files';
import { tmpDir } from './fixtures';
import { mountTinyDisk } from './tiny-disk';

test('writeFileAtomic replaces the file whole and leaves no temporary file', () => {
  const dir = tmpDir('files');
  const file = path.join(dir, 'a.txt');
  fs.writeFileSync(file, 'old');
  writeFileAtomic(file, 'new contents');
  expect(fs.readFileSync(file, 'utf8')).toBe('new contents');
  expect(fs.readdirSync(dir)).toEqual(['a.txt']);
  fs.rmSync(dir, { recursive: true });
});

test('an aborted AtomicFile leaves the old file as it was', () => {
  const dir = tmpDir('files');
  const file = path.join(dir, 'a.txt');
  fs.writeFileSync(file, 'old');
  const out = new AtomicFile(file);
  out.write('half');
  out.abort();
  expect(fs.readFileSync(file, 'utf8')).toBe('old');
  expect(fs.readdirSync(dir)).toEqual(['a.txt']);
  fs.rmSync(dir, { recursive: true });
});

test('ensureWritableFile refuses a folder and a path under a file', () => {
  const dir = tmpDir('files');
  fs.writeFileSync(path.join(dir, 'f'), '');
  expect(() => ensureWritableFile(dir)).toThrow(`${dir} is a folder`);
  expect(() => ensureWritableFile(path.join(dir, 'f', 'x.vec'))).toThrow(OutputError);
  fs.rmSync(dir, { recursive: true });
});

test('a full disk is an OutputError "disk full" and leaves neither the file nor its temporary', () => {
  const disk = mountTinyDisk(64);
  if (!disk) return;
  try {
    const file = path.join(disk.dir, 'big.bin');
    expect(() => writeFileAtomic(file, Buffer.alloc(256 * 1024, 1))).toThrow(`disk full: cannot write ${file} (no space left on the device)`);
    expect(fs.readdirSync(disk.dir)).toEqual([]);
  } finally {
    disk.unmount();
  }
});
