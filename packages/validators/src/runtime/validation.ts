// The hand-written, protocol-agnostic part of the validators: the result of a check, built from the
// guard's verdict and, only when it says no, from the explainer's errors; plus the assert and lookup helpers.
import { explain, type SchemaError, type SchemaSet } from './explain.js';

export interface ValidationIssue {
  /** JSON pointer (RFC 6901) to the offending value; for a missing or extra property, to that property. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `maximum`, ...). */
  keyword: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** ajv's message, with the expected values named where ajv leaves them out (`const`, `enum`). */
function messageOf(error: SchemaError): string {
  if (error.keyword === 'const') return `must be equal to constant ${JSON.stringify(error.params.allowedValue)}`;
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  return error.message;
}

function toIssue(error: SchemaError): ValidationIssue {
  const named = error.params.missingProperty ?? error.params.additionalProperty;
  const path = typeof named === 'string' ? `${error.instancePath}/${escape(named)}` : error.instancePath;
  return { path, message: messageOf(error), keyword: error.keyword };
}

/** What a thrown value says, never throwing itself (`null` has no message; a `message` getter may throw). */
function thrownText(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'it threw a value that cannot be described';
  }
}

/**
 * Why `data` fails the definition `name`: every error, as JSON-pointer issues (none for a valid
 * value). `if` errors only summarise the errors of the branch that failed, which are listed anyway.
 */
export function issuesOf(set: SchemaSet, name: string, data: unknown): ValidationIssue[] {
  let errors: SchemaError[];
  try {
    errors = explain(set, name, data);
  } catch (error) {
    // A value the walk cannot take apart (a getter that throws...): say so rather than throw.
    return [{ path: '', message: `cannot be checked: ${thrownText(error)}`, keyword: 'type' }];
  }
  // An `if` error only sums up the errors of its branch, which come before it.
  const specific = errors.filter((e) => e.keyword !== 'if');
  // A union's own check and the branch it falls to can report the same issue; say it once.
  const seen = new Set<string>();
  return specific.map(toIssue).filter((issue) => {
    const key = `${issue.path}\u0000${issue.keyword}\u0000${issue.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
}

/** What the last guard that threw threw, and at which value: `invalid` gives it as the reason. */
let lastThrown: { data: unknown; error: unknown } | undefined;

/** Whether `guard` passes `data`; a value that makes it throw (a getter that throws) does not. */
export function passes<T>(guard: (data: unknown) => data is T, data: unknown): data is T {
  try {
    return guard(data);
  } catch (error) {
    lastThrown = { data, error };
    return false;
  }
}

/** The failed result for `data`, which its guard rejected; `issues` are the explainer's for it (`issuesOf`). */
export function invalid(issues: ValidationIssue[], data: unknown): { ok: false; errors: ValidationIssue[] } {
  const threw = lastThrown !== undefined && lastThrown.data === data ? lastThrown.error : undefined;
  lastThrown = undefined;
  if (issues.length > 0) return { ok: false, errors: issues };
  // The guard threw where the walk did not (a Proxy whose getPrototypeOf trap throws, which a
  // for-in loop calls): that is the reason. Otherwise the two agree on every case the differential
  // tests try; never answer "invalid" with no reason.
  const message = threw === undefined ? 'does not match the schema' : `cannot be checked: ${thrownText(threw)}`;
  return { ok: false, errors: [{ path: '', message, keyword: 'type' }] };
}

/** For messages that carry nothing: `undefined` and `null` are the only valid payloads. */
export function checkNothing(data: unknown): Validation<undefined> {
  if (data === undefined || data === null) return { ok: true, value: undefined };
  return { ok: false, errors: [{ path: '', message: 'must carry no payload', keyword: 'type' }] };
}

/**
 * Marks every ValidationError, whichever copy of this module made it: the root and the message
 * subpaths are separate bundles, each with its own copy of the class, and `instanceof` must hold
 * across them (and across two installed copies of the package).
 */
const BRAND = /*#__PURE__*/ Symbol.for('@customer-chat/validators.ValidationError');

export class ValidationError extends Error {
  constructor(
    readonly messageName: string,
    readonly errors: ValidationIssue[],
  ) {
    const lines = [...new Set(errors.map((e) => `${e.path === '' ? '(root)' : e.path} ${e.message}`))];
    super(`invalid ${messageName}: ${lines.join('; ')}`);
    this.name = 'ValidationError';
    Object.defineProperty(this, BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass keeps the ordinary check: its instances only.
    if (this !== ValidationError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function assertValid(messageName: string, result: Validation<unknown>): void {
  if (!result.ok) throw new ValidationError(messageName, result.errors);
}

/** Looks a name up in a validator table, own properties only (`__proto__` is not a message). */
export function lookup<T extends object, K extends keyof T>(table: T, name: K, what: string): T[K] {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(table, name)) {
    throw new TypeError(`unknown ${what} "${String(name)}"; known: ${Object.keys(table).join(', ')}`);
  }
  return table[name];
}
