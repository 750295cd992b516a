/**
 * A finished part into the output folder: its committed rows appended to the folder's outputs
 * (vectors.npy and meta.jsonl, or embeddings.jsonl, stay single files that numpy.load and
 * query read as they are; LanceDB tables gain a version), its files' entries added with their
 * rows shifted and the job named as their `part`, and the manifest that counts them written last. Parts are merged in the
 * plan's order, so the rows are those of a one-machine run, in its order.
 */
import { backToCommit } from '../embed-folder';
import { InputError } from '../errors';
import { appendRows } from '../store/append';
import { FileEntry, Manifest, optionsDiffer, readManifest, writeManifest } from '../store/manifest';
import { OutputFormat } from '../store/rows';
import { checkOutputs } from '../store/verify';
import { openSink } from '../store/writers';
import { SourceFile } from '../text/sources';

/** The part's manifest, checked against the folder's and the job's files; an InputError says what is wrong. */
async function checkedPart(m: Manifest, part: string, files: SourceFile[]): Promise<Manifest> {
  const pm = readManifest(part);
  if (!pm) throw new InputError(`${part}: no manifest.json`);
  const differ = optionsDiffer(m.options, pm.options) ?? (m.modelSha256 !== pm.modelSha256 ? `model files: sha256 ${pm.modelSha256?.slice(0, 12)}… ≠ ${m.modelSha256?.slice(0, 12)}…` : null);
  if (differ) throw new InputError(`${part} was made with other settings than the output folder (${differ})`);
  const missing = files.find((f) => !pm.files[f.source]);
  if (missing) throw new InputError(`${part} has no entry for ${missing.source}`);
  await checkOutputs(part, pm, 'its job is embedded again');
  return pm;
}

/**
 * Appends the part at `part` (job `id`, over `files`) to `out`, whose manifest on disk is `m`;
 * returns the manifest written. A part that does not hold what it should is an InputError (and
 * `out` is untouched); a failed write leaves `out` as of `m`.
 */
export async function mergePart(out: string, m: Manifest, id: string, part: string, files: SourceFile[]): Promise<{ manifest: Manifest; entries: [string, FileEntry][] }> {
  const pm = await checkedPart(m, part, files);
  const format = m.options.format as OutputFormat;
  const shift = m.committed.rows;
  const entries = files.map((f): [string, FileEntry] => {
    const e = pm.files[f.source];
    return [f.source, { ...e, ...(e.rows && { rows: [e.rows[0] + shift, e.rows[1] + shift] }), part: id }];
  });
  try {
    const committed = await appendRows(format, part, pm.committed, [[0, pm.committed.rows]], out, m.committed);
    const next: Manifest = { ...m, committed, files: { ...m.files, ...Object.fromEntries(entries) } };
    writeManifest(out, next);
    return { manifest: next, entries };
  } catch (err) {
    // The folder's outputs back to the last commit: numpy.load reads them and the manifest agrees.
    throw await backToCommit(err, out, m.committed.rows, async () => (await openSink(out, format, m.committed)).rollback(m.committed));
  }
}
