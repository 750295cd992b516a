/**
 * Runs a pipeline spec: sweeps expand into variants, `${steps.X.output}` references order the
 * steps, and each variant's output is cached under a hash of its kind, parameters and inputs
 * (file contents, upstream hashes), so a rerun repeats only what changed. Writes the results
 * table (results.csv, results.json) and the comparison report (report/) beside the step folders.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { writeReport } from '../report/html';
import type { ComparisonReport, EmbeddingProbe, EmbeddingScores, LayerContextuality } from '../report/types';
import { VERSION } from '../version';
import { ParamValue, PipelineSpec, StepSpec } from './spec';
import { ResultRow, STEP_KINDS } from './steps';

export interface RunOptions {
  /** Where step outputs, the results table and the report go. */
  out: string;
  log?: (message: string) => void;
}

export interface Variant {
  step: StepSpec;
  /** `name` or `name[key=value,…]` for a swept step. */
  id: string;
  sweep: Record<string, string | number | boolean>;
  params: Record<string, ParamValue>;
  /** Hash of everything the output depends on. */
  key: string;
  dir: string;
  outputs: Record<string, string>;
}

export interface PipelineRun {
  /** Variants that ran, in order, and those whose cached output was reused. */
  ran: string[];
  cached: string[];
  results: ResultRow[];
  variants: Variant[];
}

const REF = /\$\{([^}]+)\}/g;
const DONE_FILE = 'step.json';
const BIG_FILE = 64 * 1024 * 1024;

/** Content hash of a file or folder (big files by size and time, to stay fast). */
function hashPath(p: string, h: crypto.Hash): void {
  if (!fs.existsSync(p)) {
    h.update(`missing:${p}`);
    return;
  }
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) {
      h.update(`dir-entry:${name}`);
      hashPath(path.join(p, name), h);
    }
  } else if (st.size > BIG_FILE) {
    h.update(`file:${st.size}:${st.mtimeMs}`);
  } else {
    h.update(fs.readFileSync(p));
  }
}

function combinations(sweep: Record<string, (string | number | boolean)[]>): Record<string, string | number | boolean>[] {
  let out: Record<string, string | number | boolean>[] = [{}];
  for (const [key, values] of Object.entries(sweep)) out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return out;
}

/** Step names a value refers to through `${steps.NAME.output}`. */
function referencedSteps(value: ParamValue): string[] {
  const found: string[] = [];
  for (const v of Array.isArray(value) ? value : [value]) {
    if (typeof v !== 'string') continue;
    for (const m of v.matchAll(REF)) if (m[1].startsWith('steps.')) found.push(m[1].split('.')[1]);
  }
  return found;
}

/** Steps in an order where each comes after those it refers to. */
function orderSteps(spec: PipelineSpec): StepSpec[] {
  const byName = new Map(spec.steps.map((s) => [s.name, s]));
  const order: StepSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: StepSpec, chain: string[]) => {
    if (state.get(s.name) === 'done') return;
    if (state.get(s.name) === 'visiting') throw new InputError(`${spec.file}:${s.line}: steps refer to each other in a cycle: ${[...chain, s.name].join(' → ')}`);
    state.set(s.name, 'visiting');
    for (const value of Object.values(s.with)) {
      for (const name of referencedSteps(value)) {
        const dep = byName.get(name);
        if (!dep) throw new InputError(`${spec.file}:${s.line}: step ${s.name} refers to steps.${name}, which is not a step (steps: ${[...byName.keys()].join(', ')})`);
        visit(dep, [...chain, s.name]);
      }
    }
    state.set(s.name, 'done');
    order.push(s);
  };
  for (const s of spec.steps) visit(s, []);
  return order;
}

export async function runPipeline(spec: PipelineSpec, options: RunOptions): Promise<PipelineRun> {
  const log = options.log ?? (() => {});
  const specDir = path.dirname(path.resolve(spec.file));
  const out = path.resolve(options.out);
  const variantsOf = new Map<string, Variant[]>();
  const run: PipelineRun = { ran: [], cached: [], results: [], variants: [] };

  /** `${var}` and `${steps.X.output}` in one string, for one choice of upstream variants. */
  const substitute = (text: string, upstream: Map<string, Variant>, where: StepSpec): string =>
    text.replace(REF, (_, ref: string) => {
      if (!ref.startsWith('steps.')) {
        if (!(ref in spec.vars)) throw new InputError(`${spec.file}:${where.line}: \${${ref}} is not among vars (${Object.keys(spec.vars).join(', ') || 'none'})`);
        return String(spec.vars[ref]);
      }
      const [, name, output] = ref.split('.');
      const v = upstream.get(name)!;
      if (!(output in v.outputs)) throw new InputError(`${spec.file}:${where.line}: steps.${name} has no output ${output} (outputs: ${STEP_KINDS[v.step.run].outputs.join(', ')})`);
      return v.outputs[output];
    });

  for (const step of orderSteps(spec)) {
    const kind = STEP_KINDS[step.run];
    const gather = new Set(kind.gather ?? []);
    // Upstream steps referenced by fan-out parameters: one variant of this step per combination.
    const fanOut = [...new Set(Object.entries(step.with).filter(([k]) => !gather.has(k)).flatMap(([, v]) => referencedSteps(v)))];
    let upstreamChoices: Map<string, Variant>[] = [new Map()];
    for (const name of fanOut) upstreamChoices = upstreamChoices.flatMap((m) => variantsOf.get(name)!.map((v) => new Map(m).set(name, v)));
    const variants: Variant[] = [];
    for (const upstream of upstreamChoices) {
      for (const sweep of combinations(step.sweep)) {
        const params: Record<string, ParamValue> = {};
        // The version is part of every step's hash: another ctxembed version may compute other results.
        const h = crypto.createHash('sha256').update(JSON.stringify({ version: VERSION, kind: step.run, sweep }));
        for (const [key, raw] of Object.entries({ ...step.with, ...sweep })) {
          const schema = kind.params[key];
          let value: ParamValue;
          if (gather.has(key)) {
            // Every variant of each referenced step, in order.
            value = (Array.isArray(raw) ? raw : [raw]).flatMap((item) => {
              const names = referencedSteps(item);
              if (typeof item !== 'string' || names.length === 0) return [typeof item === 'string' ? substitute(item, upstream, step) : item];
              return variantsOf.get(names[0])!.map((v) => substitute(item, new Map(upstream).set(names[0], v), step));
            }) as ParamValue;
          } else {
            value = Array.isArray(raw) ? (raw.map((x) => (typeof x === 'string' ? substitute(x, upstream, step) : x)) as ParamValue) : typeof raw === 'string' ? substitute(raw, upstream, step) : raw;
          }
          if (schema?.path || schema?.model) {
            const resolve = (x: string) => {
              const abs = path.resolve(specDir, x);
              return schema.model && !fs.existsSync(abs) ? x : abs;
            };
            value = Array.isArray(value) ? value.map((x) => resolve(String(x))) : resolve(String(value));
          }
          params[key] = value;
          h.update(`${key}=${JSON.stringify(value)};`);
          // Inputs by content; upstream outputs through their variant's key.
          for (const x of Array.isArray(value) ? value : [value]) {
            const owner = typeof x === 'string' ? [...variantsOf.values()].flat().find((v) => Object.values(v.outputs).some((o) => x === o || x.startsWith(o + path.sep))) : undefined;
            if (owner) h.update(`upstream:${owner.key}`);
            else if (typeof x === 'string' && (schema?.path || schema?.model) && fs.existsSync(x)) hashPath(x, h);
          }
        }
        const key = h.digest('hex').slice(0, 16);
        const label = [...[...upstream.entries()].filter(([n]) => variantsOf.get(n)!.length > 1).map(([, v]) => v.id), ...Object.entries(sweep).map(([k, v]) => `${k}=${v}`)];
        const id = label.length ? `${step.name}[${label.join(',')}]` : step.name;
        const dir = path.join(out, 'steps', step.name, key);
        variants.push({ step, id, sweep, params, key, dir, outputs: {} });
      }
    }
    for (const v of variants) {
      const done = path.join(v.dir, DONE_FILE);
      let result: { outputs: Record<string, string>; results?: ResultRow[] };
      if (fs.existsSync(done)) {
        result = JSON.parse(fs.readFileSync(done, 'utf8'));
        run.cached.push(v.id);
        log(`${v.id}: cached`);
      } else {
        // A half-finished earlier attempt leaves no step.json: start it over.
        fs.rmSync(v.dir, { recursive: true, force: true });
        fs.mkdirSync(v.dir, { recursive: true });
        log(`${v.id}: running ${v.step.run}`);
        const began = Date.now();
        const producer = (x: string) => run.variants.find((u) => Object.values(u.outputs).includes(x));
        const label = (x: string) => producer(x)?.id ?? x;
        result = await kind.run(v.params, { dir: v.dir, log: (m) => log(`${v.id}: ${m}`), label, producer: (x) => producer(x)?.step.run });
        fs.writeFileSync(done, JSON.stringify({ id: v.id, kind: v.step.run, params: v.params, ...result, seconds: (Date.now() - began) / 1000 }, null, 1));
        run.ran.push(v.id);
      }
      v.outputs = result.outputs;
      for (const row of result.results ?? []) run.results.push({ step: v.id, ...v.sweep, ...row });
    }
    variantsOf.set(step.name, variants);
    run.variants.push(...variants);
  }
  writeResults(out, run.results);
  await writePipelineReport(out, run.variants);
  return run;
}

/**
 * OUT/report: the report of the last compare step when there is one, else one made of every
 * eval step's scores, contextuality step's measures and probe step's probes.
 */
async function writePipelineReport(out: string, variants: Variant[]): Promise<void> {
  const dir = path.join(out, 'report');
  fs.rmSync(dir, { recursive: true, force: true });
  const compare = variants.filter((v) => v.step.run === 'compare').pop();
  if (compare) {
    fs.cpSync(compare.outputs.report, dir, { recursive: true });
    return;
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const embeddings: EmbeddingScores[] = variants.filter((v) => v.step.run === 'eval').flatMap((v) => read(v.outputs.scores));
  const contextuality: LayerContextuality[] = variants.filter((v) => v.step.run === 'contextuality').flatMap((v) => read(v.outputs.measures));
  const downstream: EmbeddingProbe[] = variants.filter((v) => v.step.run === 'probe').flatMap((v) => {
    // a sweep of what rows do not show (word pooling…) names the embedding; layers and sentence poolings are in the rows
    const shown = Object.entries(v.sweep).filter(([k]) => k !== 'layers' && k !== 'sentencePooling');
    const suffix = shown.length ? ` [${shown.map(([k, x]) => `${k}=${x}`).join(',')}]` : '';
    return (read(v.outputs.probes) as EmbeddingProbe[]).map((p) => ({ ...p, embedding: p.embedding + suffix }));
  });
  if (embeddings.length === 0 && contextuality.length === 0 && downstream.length === 0) return;
  const datasets = [...new Set(embeddings.flatMap((e) => e.wordsim.map((w) => w.dataset)))];
  const analogy = embeddings.find((e) => e.analogy)?.analogy?.dataset;
  const probed = (task: string) => [...new Set(downstream.filter((p) => p.task === task).map((p) => p.dataset))];
  const report: ComparisonReport = { tool: 'ctxembed', created: new Date().toISOString(), datasets: { wordsim: datasets, ...(analogy ? { analogy } : {}) }, embeddings, contextuality };
  if (downstream.length > 0) Object.assign(report, { downstream, datasets: { ...report.datasets, classify: probed('classification'), wsd: probed('wsd') } });
  await writeReport(report, dir);
}

function csvCell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** results.json and results.csv (columns: every key any row has, in first-seen order). */
export function writeResults(out: string, rows: ResultRow[]): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(rows, null, 1));
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n');
  fs.writeFileSync(path.join(out, 'results.csv'), csv + '\n');
}
