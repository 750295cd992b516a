/**
 * query on lance outputs: through the ANN index built at the end of the embed run (scores are the
 * index's estimates), exactly with --exact (the streamed npy scan's hits), re-ranked exactly with
 * --refine, filtered by --where; ctxembed index; missing or corrupt tables and bad filters as one line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContextualModel, loadContextualModel } from '../src/contextual/model';
import { embedFolder } from '../src/embed-folder';
import { openIndex, QueryHit, queryIndex } from '../src/query';
import { readManifest } from '../src/store/manifest';
import { ctxembed } from './cli';
import { fixtureModel, tmpDir } from './fixtures';
import { tablePath } from './lance';

const TINY = fixtureModel('tiny');
const PLANTED = 'The lighthouse keeper counted seventeen gulls at dawn.';

let model: ContextualModel;
let docs: string;
const out: Record<'lance' | 'npy', string> = { lance: '', npy: '' };
let indexed: Awaited<ReturnType<typeof embedFolder>>['indexed'];

/** 40 files of 8 sentences (320, enough to train IVF-PQ), the planted one in even/d06.txt. */
function corpus(): string {
  const dir = tmpDir('lance-query-docs');
  const subjects = ['The committee', 'A farmer', 'Our neighbour', 'The new mayor', 'An engineer'];
  const verbs = ['repaired', 'painted', 'sold', 'measured', 'described', 'photographed', 'visited'];
  const objects = ['the old bridge', 'a red barn', 'the harbour wall', 'three bicycles', 'the school roof', 'a quiet garden'];
  for (let f = 0; f < 40; f++) {
    const sub = path.join(dir, f % 2 ? 'odd' : 'even');
    fs.mkdirSync(sub, { recursive: true });
    const sentences = Array.from({ length: 8 }, (_, s) => {
      const i = f * 8 + s;
      return `${subjects[i % 5]} ${verbs[(i >> 1) % 7]} ${objects[(i >> 2) % 6]} on day ${i}.`;
    });
    if (f === 6) sentences[3] = PLANTED;
    fs.writeFileSync(path.join(sub, `d${String(f).padStart(2, '0')}.txt`), sentences.join(' '));
  }
  return dir;
}

beforeAll(async () => {
  model = await loadContextualModel({ model: TINY });
  docs = corpus();
  for (const format of ['lance', 'npy'] as const) {
    out[format] = tmpDir(`lance-query-${format}`);
    const summary = await embedFolder([docs], model, { out: out[format], levels: ['sentence', 'document'], format, indexRows: 100 });
    if (format === 'lance') indexed = summary.indexed;
  }
});
afterAll(() => model.dispose());

const ids = (hits: QueryHit[]) => hits.map((h) => `${h.row.source}#${h.row.index}`);

test('an embed run ends by indexing the tables from indexRows rows: sentence (320) gets an IVF-PQ index, document (40) none', async () => {
  expect(indexed.map((i) => [i.level, i.kind, i.rows])).toEqual([['sentence', 'ivf_pq', 320]]);
  expect(indexed[0].bytes).toBeGreaterThan(0);
  const lancedb = await import('@lancedb/lancedb');
  const db = await lancedb.connect(out.lance);
  const m = readManifest(out.lance)!;
  for (const [level, count] of [['sentence', 1], ['document', 0]] as const) {
    const table = await db.openTable(level);
    await table.checkout(m.committed.tables![level].version);
    expect((await table.listIndices()).filter((i) => i.columns.includes('vector'))).toHaveLength(count);
    table.close();
  }
  db.close();
});

test('--exact gives the streamed scan of vectors.npy: the same rows and cosines', async () => {
  const exact = await queryIndex(out.lance, PLANTED, { k: 10, model, exact: true });
  const scanned = await queryIndex(out.npy, PLANTED, { k: 10, model });
  expect(ids(exact)).toEqual(ids(scanned));
  exact.forEach((h, i) => {
    expect(h.score).toBeCloseTo(scanned[i].score, 5);
    expect(h.row).toEqual(scanned[i].row);
  });
  expect(exact[0].row).toMatchObject({ source: 'even/d06.txt', level: 'sentence', text: PLANTED });
  expect(fs.readFileSync(path.join(docs, 'even', 'd06.txt'), 'utf8').slice(exact[0].row.start, exact[0].row.end)).toBe(PLANTED);
});

test('through the index the planted sentence comes first with estimated scores; --refine re-ranks them by exact cosine', async () => {
  const exact = await queryIndex(out.lance, PLANTED, { k: 5, model, exact: true });
  const ann = await queryIndex(out.lance, PLANTED, { k: 5, model });
  expect(ann[0].row.text).toBe(PLANTED);
  // product-quantized distances: not the exact cosines
  expect(ann.some((h, i) => Math.abs(h.score - exact[i].score) > 1e-4)).toBe(true);
  const refined = await queryIndex(out.lance, PLANTED, { k: 5, model, refine: 20 });
  expect(ids(refined)).toEqual(ids(exact));
  refined.forEach((h, i) => expect(h.score).toBeCloseTo(exact[i].score, 5));
});

test('--where filters by the row fields, with or without the index', async () => {
  for (const options of [{}, { exact: true }, { refine: 10 }]) {
    const odd = await queryIndex(out.lance, PLANTED, { k: 5, model, where: "source LIKE 'odd/%'", ...options });
    expect(odd).toHaveLength(5);
    for (const h of odd) expect(h.row.source).toMatch(/^odd\//);
    const one = await queryIndex(out.lance, PLANTED, { k: 3, model, where: "source = 'even/d06.txt' AND index >= 2", ...options });
    expect(one[0].row.text).toBe(PLANTED);
    expect(one.every((h) => h.row.source === 'even/d06.txt' && h.row.index >= 2)).toBe(true);
  }
});

test('openIndex: searches by vector, one opened table for many searches; rows with all their fields', async () => {
  const npyRows = fs.readFileSync(path.join(out.npy, 'meta.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const npy = fs.readFileSync(path.join(out.npy, 'vectors.npy'));
  const vectorOf = (at: number) => new Float32Array(npy.buffer.slice(npy.byteOffset + 128 + at * 128, npy.byteOffset + 128 + (at + 1) * 128));
  const index = await openIndex(out.lance, { level: 'sentence' });
  try {
    const sentences = npyRows.flatMap((r, i) => (r.level === 'sentence' ? [i] : []));
    for (const at of [npyRows.findIndex((r) => r.text === PLANTED), sentences[0], sentences[100]]) {
      const [hit] = await index.search(vectorOf(at), { k: 1, exact: true });
      expect(hit.row).toEqual(npyRows[at]);
      expect(hit.score).toBeCloseTo(1, 5);
    }
    await expect(index.search(new Float32Array(8))).rejects.toThrow(`${out.lance}: rows of 32 values, the query has 8`);
    await expect(index.search(vectorOf(0), { where: 'nofield = 1' })).rejects.toThrow(/^--where "nofield = 1": .*No field named nofield/);
  } finally {
    index.close();
  }
});

test('rows added by a later run are searched exactly beside the index; an index missing over a tenth of the rows is rebuilt', async () => {
  const moreDocs = tmpDir('lance-query-more');
  fs.cpSync(docs, moreDocs, { recursive: true });
  const copy = tmpDir('lance-query-grown');
  fs.cpSync(out.lance, copy, { recursive: true });
  const added = 'A violinist tuned her instrument beside the frozen canal.';
  fs.writeFileSync(path.join(moreDocs, 'added.txt'), added);
  const grow = () => embedFolder([moreDocs], model, { out: copy, levels: ['sentence', 'document'], format: 'lance', indexRows: 100 });
  const first = await grow();
  expect([first.done, first.alreadyDone, first.indexed]).toEqual([1, 40, []]);
  const [hit] = await queryIndex(copy, added, { k: 1, model });
  expect(hit.row).toMatchObject({ source: 'added.txt', text: added });
  for (let f = 0; f < 5; f++) fs.writeFileSync(path.join(moreDocs, `more-${f}.txt`), Array.from({ length: 8 }, (_, s) => `Extra sentence ${f * 8 + s} about the canal.`).join(' '));
  const second = await grow();
  expect(second.indexed.map((i) => [i.level, i.kind, i.rows])).toEqual([['sentence', 'ivf_pq', 361]]);
});

test('ctxembed index --kind ivf_hnsw_sq replaces the index; the CLI query prints through it', () => {
  const copy = tmpDir('lance-query-hnsw');
  fs.cpSync(out.lance, copy, { recursive: true });
  const before = readManifest(copy)!.committed.tables!.sentence;
  const r = ctxembed(['index', '--index', copy, '--kind', 'ivf_hnsw_sq', '--partitions', '2']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^indexed sentence: ivf_hnsw_sq over 320 rows in \d+\.\d s, \d+\.\d MB$/m);
  const after = readManifest(copy)!.committed.tables!.sentence;
  expect(after.rows).toBe(before.rows);
  expect(after.version).toBeGreaterThan(before.version);
  const q = ctxembed(['query', '--index', copy, PLANTED, '--k', '2', '--refine', '10']);
  expect(q.code).toBe(0);
  expect(q.stdout.split('\n')[0]).toMatch(new RegExp(`^1\\.0000\\teven/d06\\.txt:\\d+-\\d+\\t${PLANTED}$`));
});

const oneLine = (r: { code: number | null; stdout: string; stderr: string }, code: number) => {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
};

test('bad filters and options: one line, exit 2, before the model runs', () => {
  expect(oneLine(ctxembed(['query', '--index', out.lance, PLANTED, '--where', "sorce LIKE 'odd/%'"]), 2)).toBe(
    `ctxembed: --where "sorce LIKE 'odd/%'": Schema error: No field named sorce. Did you mean 'source'?. (the fields: source, level, index, text, start, end)`,
  );
  expect(oneLine(ctxembed(['query', '--index', out.lance, PLANTED, '--where', 'source LIKE']), 2)).toMatch(/^ctxembed: --where "source LIKE": .*sql parser error/);
  expect(oneLine(ctxembed(['query', '--index', out.npy, PLANTED, '--where', "source LIKE 'odd/%'"]), 2)).toBe(
    `ctxembed: --where filters LanceDB tables; ${out.npy} holds npy outputs (ctxembed convert --from ${out.npy} --to ${out.npy}-lance makes them)`,
  );
  expect(oneLine(ctxembed(['query', '--index', out.lance, PLANTED, '--nprobes', '0']), 2)).toBe('ctxembed: --nprobes must be a positive integer, got 0');
  expect(oneLine(ctxembed(['index', '--index', out.npy]), 2)).toMatch(/holds npy outputs; indexes are built on LanceDB tables/);
  expect(oneLine(ctxembed(['index', '--index', out.lance, '--level', 'document']), 1)).toMatch(/document\.lance: cannot build an ivf_pq index \(.*Requires 256 rows but only 40 available\); use --kind ivf_hnsw_sq/);
});

test.each([
  ['missing', (out: string) => fs.rmSync(tablePath(out, 'sentence'), { recursive: true }), /sentence\.lance: missing, so the folder no longer matches its manifest; run the embed command again with --overwrite/],
  ['with its version manifests emptied', (out: string) => {
    const versions = path.join(tablePath(out, 'sentence'), '_versions');
    for (const f of fs.readdirSync(versions)) fs.writeFileSync(path.join(versions, f), '');
  }, /sentence\.lance: cannot be read \(.+\), so the folder no longer matches its manifest/],
  ['with its data files overwritten', (out: string) => {
    const data = path.join(tablePath(out, 'sentence'), 'data');
    for (const f of fs.readdirSync(data)) fs.writeFileSync(path.join(data, f), Buffer.alloc(fs.statSync(path.join(data, f)).size, 7));
  }, /sentence\.lance: cannot be searched \(.+\); run the embed command again with --overwrite to rebuild the index/],
] as const)('a query on a table %s is a one-line error, exit 1', (_how, damage, message) => {
  const copy = tmpDir('lance-query-damaged');
  fs.cpSync(out.lance, copy, { recursive: true });
  damage(copy);
  for (const extra of [[], ['--exact']]) expect(oneLine(ctxembed(['query', '--index', copy, PLANTED, ...extra]), 1)).toMatch(message);
});
