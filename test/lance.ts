/** Lance output folders read by hand with LanceDB (not with src/store): what a user's reader sees. */
import * as path from 'path';
import * as lancedb from '@lancedb/lancedb';
import { readManifest } from '../src/store/manifest';

export interface PlainRow {
  row: number;
  fields: Record<string, unknown>;
  vector: number[];
}

/** The rows of a level's table at `version` (default: the version the manifest records), as plain values, in their order. */
export async function readTable(out: string, level: string, version?: number): Promise<PlainRow[]> {
  const db = await lancedb.connect(out);
  const table = await db.openTable(level);
  try {
    await table.checkout(version ?? readManifest(out)!.committed.tables![level].version);
    const rows: PlainRow[] = [];
    for (const r of await table.query().toArray()) {
      const { row, vector, ...fields } = r;
      rows.push({ row: Number(row), fields, vector: Array.from(vector as Iterable<number>) });
    }
    return rows;
  } finally {
    table.close();
    db.close();
  }
}

/** Every table of a lance output folder at its committed version, merged in the folder's row order. */
export async function readTables(out: string): Promise<PlainRow[]> {
  const levels = Object.keys(readManifest(out)!.committed.tables ?? {});
  const all = (await Promise.all(levels.map((l) => readTable(out, l)))).flat();
  return all.sort((a, b) => a.row - b.row);
}

/** The latest version of a level's table and the rows it holds there. */
export async function latest(out: string, level: string): Promise<{ version: number; rows: number }> {
  const db = await lancedb.connect(out);
  const table = await db.openTable(level);
  try {
    return { version: await table.version(), rows: await table.countRows() };
  } finally {
    table.close();
    db.close();
  }
}

/** Appends copies of a table's first rows as a new version, as a killed run leaves rows past its commit. */
export async function appendStrayRows(out: string, level: string, n: number): Promise<void> {
  const db = await lancedb.connect(out);
  const table = await db.openTable(level);
  try {
    const data = await table.query().limit(n).toArrow();
    await table.add(data);
  } finally {
    table.close();
    db.close();
  }
}

export const tablePath = (out: string, level: string) => path.join(out, `${level}.lance`);
