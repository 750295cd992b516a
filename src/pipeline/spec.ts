/**
 * Experiment specs (pipelines/*.yaml): named steps of known kinds, their parameters, and sweeps.
 * Validated by a JSON Schema (ajv); an error names the file, the line and the allowed values.
 */
import * as fs from 'fs';
import Ajv, { ErrorObject } from 'ajv';
import { Document, isNode, LineCounter, parseDocument } from 'yaml';
import { InputError } from '../errors';
import { STEP_KINDS, StepKindName } from './steps';

export type ParamValue = string | number | boolean | (string | number | boolean)[];

export interface StepSpec {
  name: string;
  run: StepKindName;
  with: Record<string, ParamValue>;
  /** Each key's values are tried in turn; several keys make their product. */
  sweep: Record<string, (string | number | boolean)[]>;
  /** Line of the step in the spec, for messages. */
  line: number;
}

export interface PipelineSpec {
  file: string;
  name: string;
  /** Values that `${name}` in parameters stands for. */
  vars: Record<string, string | number | boolean>;
  steps: StepSpec[];
}

const scalar = { type: ['string', 'number', 'boolean'] };

function specSchema() {
  return {
    type: 'object',
    required: ['steps'],
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      vars: { type: 'object', additionalProperties: scalar },
      steps: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'run'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', pattern: '^[a-z][a-z0-9_-]*$' },
            run: { enum: Object.keys(STEP_KINDS) },
            with: { type: 'object' },
            sweep: { type: 'object', additionalProperties: { type: 'array', minItems: 1, items: scalar } },
          },
        },
      },
    },
  };
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validateSpec = ajv.compile<any>(specSchema());
const validateParams = Object.fromEntries(
  Object.entries(STEP_KINDS).map(([kind, def]) => [kind, ajv.compile({ type: 'object', additionalProperties: false, required: def.required ?? [], properties: def.params })]),
);

/** "file:line: what is wrong (allowed: …)" from an ajv error at `base` + its instance path. */
function describe(file: string, doc: Document, lines: LineCounter, err: ErrorObject, base: (string | number)[]): string {
  const rel = err.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  let path = [...base, ...rel];
  if (err.keyword === 'additionalProperties') path = [...path, (err.params as any).additionalProperty];
  // The deepest node that exists gives the line.
  let node: unknown = null;
  for (let n = path.length; n >= 0 && !isNode(node); n--) node = doc.getIn(path.slice(0, n), true);
  const line = isNode(node) && node.range ? lines.linePos(node.range[0]).line : 1;
  const where = path.length ? path.join('.') : 'the spec';
  let what: string;
  switch (err.keyword) {
    case 'enum':
      what = `${where} must be one of: ${(err.params as any).allowedValues.join(', ')}`;
      break;
    case 'additionalProperties': {
      const parent = doc.getIn(path.slice(0, -1));
      const allowed = Object.keys(allowedKeys(path.slice(0, -1), doc) ?? {});
      what = `unknown key ${where}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`;
      void parent;
      break;
    }
    case 'required':
      what = `${where} needs ${(err.params as any).missingProperty}`;
      break;
    default:
      what = `${where} ${err.message}`;
  }
  return `${file}:${line}: ${what}`;
}

/** The keys a mapping at `path` may hold: the spec's own, a step's, or a step kind's parameters. */
function allowedKeys(path: (string | number)[], doc: Document): Record<string, unknown> | null {
  const schema = specSchema();
  if (path.length === 0) return schema.properties;
  if (path.length === 2 && path[0] === 'steps') return schema.properties.steps.items.properties;
  if (path.length === 3 && path[0] === 'steps' && path[2] === 'with') {
    const kind = doc.getIn(['steps', path[1], 'run']) as StepKindName;
    return STEP_KINDS[kind]?.params ?? null;
  }
  return null;
}

export function parsePipeline(file: string, text: string = fs.readFileSync(file, 'utf8')): PipelineSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new InputError(`${file}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as any;
  if (!validateSpec(data)) throw new InputError(describe(file, doc, lines, validateSpec.errors![0], []));
  const names = new Set<string>();
  const steps: StepSpec[] = data.steps.map((s: any, i: number) => {
    const node = doc.getIn(['steps', i], true);
    const line = isNode(node) && node.range ? lines.linePos(node.range[0]).line : 1;
    if (names.has(s.name)) throw new InputError(`${file}:${line}: two steps are named ${s.name}`);
    names.add(s.name);
    const params = s.with ?? {};
    const check = validateParams[s.run];
    // Swept keys are parameters too: validate each of their values in place.
    for (const [key, values] of Object.entries<any[]>(s.sweep ?? {})) {
      if (key in params) throw new InputError(`${file}:${line}: step ${s.name} sets ${key} both in with and in sweep`);
      values.forEach((value, k) => {
        if (!check({ ...params, [key]: value })) throw new InputError(describe(file, doc, lines, check.errors![0], ['steps', i, 'sweep', key, k]).replace(`sweep.${key}.${k}.${key}`, `sweep.${key}.${k}`));
      });
    }
    if (!check(params)) {
      const err = check.errors![0];
      // A required parameter may come from the sweep.
      if (!(err.keyword === 'required' && (err.params as any).missingProperty in (s.sweep ?? {}))) throw new InputError(describe(file, doc, lines, err, ['steps', i, 'with']));
    }
    return { name: s.name, run: s.run, with: params, sweep: s.sweep ?? {}, line };
  });
  return { file, name: data.name ?? file, vars: data.vars ?? {}, steps };
}
