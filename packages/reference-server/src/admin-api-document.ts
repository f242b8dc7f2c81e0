// The admin API's OpenAPI 3.1 document (spec/admin-api.openapi.yaml): found, parsed and compiled
// once per process. It is the one description of the admin routes: admin-http.ts serves the
// operations it lists, checks request bodies with the ajv validators compiled here from its
// schemas, and answers with each operation's first 2xx status.
//
// Where the document is: the build copies it next to the bundles (dist/admin-api.openapi.yaml, so
// the installed package carries it); running from the sources in the repository, it is read from
// spec/ directly.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/** The file name of the document, in spec/ and in the package's dist/. */
export const ADMIN_API_DOCUMENT_FILE = 'admin-api.openapi.yaml';

/** Where the document may be, first match wins: next to this module (built package), then the repository's spec/. */
export function adminApiDocumentCandidates(moduleUrl: string | URL = import.meta.url): string[] {
  return [new URL(`./${ADMIN_API_DOCUMENT_FILE}`, moduleUrl), new URL(`../../../spec/${ADMIN_API_DOCUMENT_FILE}`, moduleUrl)].map((url) => fileURLToPath(url));
}

/** The path of the document, or an error naming every place looked at. */
export function locateAdminApiDocument(moduleUrl: string | URL = import.meta.url): string {
  const candidates = adminApiDocumentCandidates(moduleUrl);
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`the admin API document ${ADMIN_API_DOCUMENT_FILE} is missing (looked in ${candidates.join(', ')}); rebuild the package`);
  return found;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
export type HttpMethod = Uppercase<(typeof METHODS)[number]>;

/** A request body failing its schema: the first issue, with a JSON pointer into the body. */
export interface BodyIssue {
  readonly message: string;
  readonly pointer: string;
}

/** One operation of the document, ready to serve. */
export interface AdminOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. `/chats/{chatId}`. */
  readonly path: string;
  readonly summary: string;
  /** The status of a successful answer: the operation's first 2xx response. */
  readonly successStatus: number;
  /** The body's fields in one line, e.g. `{ text, customId? }`; undefined for operations without a body. */
  readonly bodySummary: string | undefined;
  /** Checks a body (an absent body is checked as `{}`); undefined for operations without a body. */
  readonly validateBody: ((body: unknown) => BodyIssue | undefined) | undefined;
}

export interface AdminApiDocument {
  /** The parsed document, as served by `GET /openapi.json`. */
  readonly document: Record<string, unknown>;
  readonly operations: readonly AdminOperation[];
  /** Where it was read from. */
  readonly source: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The pointer of an ajv error: the missing or extra property itself, not its parent. */
function pointerOf(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty !== undefined) return `${error.instancePath}/${escapePointer(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties' && params.additionalProperty !== undefined) return `${error.instancePath}/${escapePointer(params.additionalProperty)}`;
  return error.instancePath;
}

function describe(error: ErrorObject, pointer: string): string {
  const where = pointer === '' ? 'the body' : `body${pointer}`;
  if (error.keyword === 'required') return `${where} is required`;
  if (error.keyword === 'additionalProperties') return `${where} is not a field of this body`;
  if (error.keyword === 'enum') return `${where} must be one of ${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where} ${error.message ?? 'is not valid'}`;
}

/** `{ a, b? }` from an object schema (`{ a, ... }` when it takes other fields too). */
function summarize(schema: Json): string {
  const properties = isObject(schema['properties']) ? Object.keys(schema['properties']) : [];
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const fields = properties.map((name) => (required.has(name) ? name : `${name}?`));
  if (schema['additionalProperties'] !== false && schema['additionalProperties'] !== undefined) fields.push('...');
  return `{ ${fields.join(', ')} }`;
}

/** Follows a local `$ref` (`#/components/...`) in the document. */
function resolveRef(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${ref}`);
  let node: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
  return node;
}

/** The `$id` under which the document's schemas are registered with ajv. */
const SCHEMAS_ID = 'urn:customer-chat:reference-server:admin-api';

/** Builds the operations of a parsed document; throws on a document the server cannot serve. */
export function compileAdminApiDocument(document: unknown, source = '(in memory)'): AdminApiDocument {
  if (!isObject(document) || typeof document['openapi'] !== 'string' || !document['openapi'].startsWith('3.1.')) {
    throw new Error(`${source}: not an OpenAPI 3.1 document`);
  }
  const paths = document['paths'];
  const components = document['components'];
  if (!isObject(paths)) throw new Error(`${source}: no paths`);
  const schemas = isObject(components) && isObject(components['schemas']) ? components['schemas'] : {};

  // OpenAPI 3.1 schemas are JSON Schema 2020-12. The schemas are registered as they are in the
  // document, so that their `#/components/schemas/...` references resolve; `components` is the one
  // keyword ajv must be told about. Strict mode: a typo in a schema fails at start-up.
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  ajv.addKeyword('components');
  ajv.addSchema({ $id: SCHEMAS_ID, components: { schemas } });

  const operations: AdminOperation[] = [];
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const where = `${source}: ${method.toUpperCase()} ${path}`;
      const operationId = operation['operationId'];
      if (typeof operationId !== 'string' || operationId === '') throw new Error(`${where} has no operationId`);
      if (seen.has(operationId)) throw new Error(`${where}: operationId ${operationId} is used twice`);
      seen.add(operationId);
      const responses = isObject(operation['responses']) ? Object.keys(operation['responses']) : [];
      const successStatus = responses.filter((code) => /^2\d\d$/.test(code)).map(Number).sort((a, b) => a - b)[0];
      if (successStatus === undefined) throw new Error(`${where} has no 2xx response`);

      let bodySummary: string | undefined;
      let validateBody: AdminOperation['validateBody'];
      const requestBody = operation['requestBody'];
      if (requestBody !== undefined) {
        const content = isObject(requestBody) ? requestBody['content'] : undefined;
        const media = isObject(content) ? content['application/json'] : undefined;
        const schema = isObject(media) ? media['schema'] : undefined;
        const ref = isObject(schema) ? schema['$ref'] : undefined;
        if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) {
          throw new Error(`${where}: the request body must be application/json with a $ref to #/components/schemas`);
        }
        const resolved = resolveRef(document, ref);
        if (!isObject(resolved)) throw new Error(`${where}: ${ref} is not a schema object`);
        bodySummary = summarize(resolved);
        let validate: ValidateFunction | undefined;
        try {
          validate = ajv.getSchema(`${SCHEMAS_ID}${ref}`);
        } catch (error) {
          throw new Error(`${where}: the request body schema does not compile: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        if (validate === undefined) throw new Error(`${where}: ${ref} does not resolve`);
        const check = validate;
        validateBody = (body) => {
          if (check(body)) return undefined;
          const [first] = check.errors ?? [];
          if (first === undefined) return { message: 'the body is not valid', pointer: '' };
          const pointer = pointerOf(first);
          return { message: describe(first, pointer), pointer };
        };
      }

      operations.push({
        operationId,
        method: method.toUpperCase() as HttpMethod,
        path,
        summary: typeof operation['summary'] === 'string' ? operation['summary'] : operationId,
        successStatus,
        bodySummary,
        validateBody,
      });
    }
  }
  return { document, operations, source };
}

let cached: AdminApiDocument | undefined;

/** The document of this package, read and compiled on first use. */
export function loadAdminApiDocument(): AdminApiDocument {
  if (cached !== undefined) return cached;
  const source = locateAdminApiDocument();
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(source, 'utf8'));
  } catch (error) {
    throw new Error(`${source}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  cached = compileAdminApiDocument(parsed, source);
  return cached;
}
