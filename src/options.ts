/** Library options: merged over their defaults, and checked, the same way everywhere. */
import { UsageError } from './errors';

/**
 * Options over their defaults, the one way ctxembed merges them. A key whose value is undefined
 * keeps its default: an optional field left unset, or a CLI flag not given (yargs passes it as
 * `undefined`), must not erase the default as a plain `{ ...defaults, ...options }` spread does.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  return merged as D & O;
}

/** The flag a camelCase option is given by: minCount → --min-count. */
export function flagName(option: string): string {
  return '--' + option.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** A UsageError naming the flag of the first value that is not a positive integer (undefined values are options not set). */
export function checkPositiveIntegers(values: Record<string, number | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new UsageError(`${flagName(k)} must be a positive integer, got ${v}`);
  }
}

/** A UsageError naming the flag of the first value that is not a positive number. */
export function checkPositive(values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) if (!(v > 0)) throw new UsageError(`${flagName(k)} must be positive, got ${v}`);
}
