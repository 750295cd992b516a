/**
 * Moves an output folder to another format without embedding again: its committed rows, in order,
 * through the target format's sink, then the manifest with the new format. The target folder is
 * locked and written from scratch; its manifest comes last, so a convert stopped midway leaves a
 * folder without one (the next convert starts it over). npy → lance → npy gives the same bytes.
 */
import * as path from 'path';
import { InputError, UsageError } from '../errors';
import { ensureWritableFolder } from '../files';
import { BuiltIndex, indexWhereDue } from './lance-index';
import { lockFolder } from './lock';
import { Manifest, readManifest, writeManifest } from './manifest';
import { OutputFormat } from './rows';
import { scanRows } from './scan';
import { checkOutputs } from './verify';
import { clearOutputs, EMPTY_SINK, openSink } from './writers';

export interface ConvertOptions {
  /** The target format: lance from jsonl or npy, npy from lance, unless given. */
  format?: OutputFormat;
  /** Replace the outputs a target folder holds. */
  overwrite?: boolean;
  onProgress?: (rows: number, total: number) => void;
  /** lance: tables from this many rows get an ANN index (default AUTO_INDEX_ROWS; Infinity for none). */
  indexRows?: number;
  /** Called before an ANN index is built on a large lance table. */
  onIndex?: (level: string, rows: number) => void;
}

export interface ConvertSummary {
  from: OutputFormat;
  to: OutputFormat;
  rows: number;
  seconds: number;
  indexed: BuiltIndex[];
}

export async function convertOutputs(from: string, to: string, options: ConvertOptions = {}): Promise<ConvertSummary> {
  const began = Date.now();
  const manifest = readManifest(from);
  if (!manifest) throw new InputError(`${from}: no manifest.json; convert reads the output folder of ctxembed embed`);
  const source = manifest.options.format as OutputFormat;
  const format = options.format ?? (source === 'lance' ? 'npy' : 'lance');
  if (format === source) throw new UsageError(`${from} holds ${format} outputs already; name another --format`);
  if (path.resolve(from) === path.resolve(to)) throw new UsageError(`--to must be another folder than --from (${from})`);
  await checkOutputs(from, manifest, 'embed it again (with --overwrite) before converting');
  ensureWritableFolder(to);
  const lock = lockFolder(to);
  try {
    if (!options.overwrite && readManifest(to)) throw new UsageError(`${to} holds embeddings already: use --overwrite to replace them, or another --to`);
    clearOutputs(to);
    const sink = await openSink(to, format);
    let written: Manifest;
    try {
      for await (const { row, vector } of scanRows(from, manifest)) {
        await sink.write(row, vector);
        if (sink.rows % 10000 === 0) options.onProgress?.(sink.rows, manifest.committed.rows);
      }
      sink.endFile();
      const committed = await sink.commit();
      await sink.close();
      written = { ...manifest, options: { ...manifest.options, format }, committed };
      writeManifest(to, written);
    } catch (err) {
      await sink.rollback(EMPTY_SINK).catch(() => undefined);
      throw err;
    }
    options.onProgress?.(sink.rows, manifest.committed.rows);
    const indexed = format === 'lance' ? (await indexWhereDue(to, written, options.indexRows, options.onIndex)).built : [];
    return { from: source, to: format, rows: sink.rows, seconds: (Date.now() - began) / 1000, indexed };
  } finally {
    lock.release();
  }
}
