// The hand-written, protocol-agnostic part of the validators: turning a precompiled ajv validator's
// outcome into a result with JSON-pointer paths, plus the assert and lookup helpers.

/** The shape of an ajv standalone validate function. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ReadonlyArray<CompiledValidatorError> | null;
}

export interface CompiledValidatorError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

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

function toIssue(error: CompiledValidatorError): ValidationIssue {
  const named = error.params.missingProperty ?? error.params.additionalProperty;
  const path = typeof named === 'string' ? `${error.instancePath}/${escape(named)}` : error.instancePath;
  return { path, message: error.message ?? `failed ${error.keyword}`, keyword: error.keyword };
}

export function check<T>(validator: CompiledValidator, data: unknown): Validation<T> {
  if (validator(data)) return { ok: true, value: data as T };
  const errors = validator.errors ?? [];
  // `if` errors only summarise the errors of the branch that failed, which are listed anyway.
  const specific = errors.filter((e) => e.keyword !== 'if');
  return { ok: false, errors: (specific.length > 0 ? specific : errors).map(toIssue) };
}

/** For messages that carry nothing: `undefined` and `null` are the only valid payloads. */
export function checkNothing(data: unknown): Validation<undefined> {
  if (data === undefined || data === null) return { ok: true, value: undefined };
  return { ok: false, errors: [{ path: '', message: 'must carry no payload', keyword: 'type' }] };
}

export class ValidationError extends Error {
  constructor(
    readonly messageName: string,
    readonly errors: ValidationIssue[],
  ) {
    const lines = [...new Set(errors.map((e) => `${e.path === '' ? '(root)' : e.path} ${e.message}`))];
    super(`invalid ${messageName}: ${lines.join('; ')}`);
    this.name = 'ValidationError';
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
