// Reads the enum catalogues the runtime needs from `x-` extensions on named enum schemas:
// error types (`x-client-codes`), client error codes (the enum that holds every client code), and
// disconnection reasons (`x-reactions`). Each value must be described in `x-enum-descriptions`.
// Read from the parser's JSON of each named schema, where the extensions still are.
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import { isSchemaObject } from '@customer-chat/spec-loader/schema-traversal';
import type { ProblemCollector } from './problems.js';
import type { EnumEntry, ProtocolModel } from './types.js';

type RawSchemas = Record<string, Record<string, unknown>>;
const schemaPointer = (name: string, ...path: string[]) => appendPointer('/components/schemas', name, ...path);
const REACTIONS = new Set(['reconnect', 'stay_disconnected', 'destroy']);

function single(schemas: RawSchemas, predicate: (s: Record<string, unknown>) => boolean, what: string, problems: ProblemCollector) {
  const found = Object.entries(schemas).filter(([, s]) => predicate(s));
  if (found.length !== 1) {
    problems.add('/components/schemas', `expected exactly one schema with ${what}, found ${found.length}`);
    return undefined;
  }
  return found[0]!;
}

/**
 * The extension `key` of a catalogue schema as a mapping of enum value to text, or undefined with
 * one problem when it is something else (a text or a list would read as one entry per character or
 * index, each reported at a pointer that does not exist).
 */
function mapping(name: string, schema: Record<string, unknown>, key: string, what: string, problems: ProblemCollector): Record<string, unknown> | undefined {
  const value = schema[key];
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.add(schemaPointer(name, key), `${key} must be a mapping of enum value to ${what}, not ${JSON.stringify(value)}`);
  return undefined;
}

function entries([name, schema]: [string, Record<string, unknown>], problems: ProblemCollector): EnumEntry[] {
  const values = (schema.enum ?? []) as string[];
  const declared = mapping(name, schema, 'x-enum-descriptions', 'its description', problems);
  // A wrong mapping is one problem: no value is then reported as undescribed.
  if (declared === undefined) return values.map((value) => ({ value, description: '' }));
  const descriptions = declared as Record<string, string>;
  for (const key of Object.keys(descriptions)) if (!values.includes(key)) problems.add(schemaPointer(name, 'x-enum-descriptions', key), `"${key}" is not a value of the enum`);
  return values.map((value) => {
    if (!descriptions[value]) problems.add(schemaPointer(name, 'x-enum-descriptions'), `value "${value}" has no description`);
    return { value, description: descriptions[value] ?? '' };
  });
}

export function readCatalogues(
  parsed: ReadonlyMap<string, unknown>,
  problems: ProblemCollector,
): Pick<ProtocolModel, 'errorTypes' | 'clientErrorCodes' | 'disconnectionReasons' | 'catalogueSchemas' | 'disconnectCloseCode' | 'errorAnswers'> {
  const schemas: RawSchemas = Object.fromEntries([...parsed].filter((entry): entry is [string, Record<string, unknown>] => isSchemaObject(entry[1])));
  const errorSchema = single(schemas, (s) => s['x-client-codes'] !== undefined, 'x-client-codes (the error catalogue)', problems);
  const reasonSchema = single(schemas, (s) => s['x-reactions'] !== undefined, 'x-reactions (the disconnection reasons)', problems);
  if (!errorSchema || !reasonSchema) {
    return { errorTypes: [], clientErrorCodes: [], disconnectionReasons: [], catalogueSchemas: { errorType: '', clientErrorCode: '', disconnectionReason: '' }, disconnectCloseCode: undefined, errorAnswers: {} };
  }

  const declaredCodes = mapping(errorSchema[0], errorSchema[1], 'x-client-codes', 'its client error code', problems);
  const codes = (declaredCodes ?? {}) as Record<string, string>;
  // Without the codes the client code enum cannot be told (it holds every one of them): reported once.
  const codeSchema = declaredCodes === undefined ? undefined : single(
    schemas,
    (s) => s !== errorSchema[1] && Array.isArray(s.enum) && Object.values(codes).every((c) => (s.enum as string[]).includes(c)),
    'an enum holding every client code of x-client-codes',
    problems,
  );
  const errorTypes = entries(errorSchema, problems).map((e) => {
    if (declaredCodes !== undefined && !codes[e.value]) problems.add(schemaPointer(errorSchema[0], 'x-client-codes'), `error type "${e.value}" has no client code`);
    return { ...e, clientCode: codes[e.value] ?? '' };
  });
  const declaredReactions = mapping(reasonSchema[0], reasonSchema[1], 'x-reactions', 'its reaction', problems);
  const reactions = (declaredReactions ?? {}) as Record<string, string>;
  const disconnectionReasons = entries(reasonSchema, problems).map((e) => {
    const reaction = reactions[e.value] ?? '';
    if (declaredReactions !== undefined && !REACTIONS.has(reaction)) problems.add(schemaPointer(reasonSchema[0], 'x-reactions'), `reason "${e.value}" needs a reaction: ${[...REACTIONS].join(', ')}`);
    return { ...e, reaction: reaction as 'reconnect' | 'stay_disconnected' | 'destroy' };
  });
  // WebSocket close codes 4000-4999 are the application's own (RFC 6455, 7.4.2).
  // Optional (documents before it had none); when given, one of the application's codes.
  const closeCode: unknown = reasonSchema[1]['x-close-code'];
  const disconnectCloseCode = Number.isInteger(closeCode) && (closeCode as number) >= 4000 && (closeCode as number) <= 4999 ? (closeCode as number) : undefined;
  if (closeCode !== undefined && disconnectCloseCode === undefined) problems.add(schemaPointer(reasonSchema[0], 'x-close-code'), 'x-close-code must be the WebSocket close code (4000 to 4999) a server closes with after a disconnection');
  // Optional: the error type each situation gets (`x-answers`), each one of the catalogue.
  const answers: unknown = errorSchema[1]['x-answers'];
  const errorAnswers: Record<string, string> = {};
  if (answers !== undefined && (typeof answers !== 'object' || answers === null || Array.isArray(answers))) {
    problems.add(schemaPointer(errorSchema[0], 'x-answers'), 'x-answers maps situations (refused_token, before_login, ...) to error types of the catalogue');
  } else {
    for (const [situation, type] of Object.entries((answers ?? {}) as Record<string, unknown>)) {
      if (typeof type === 'string' && errorTypes.some((e) => e.value === type)) errorAnswers[situation] = type;
      else problems.add(schemaPointer(errorSchema[0], 'x-answers', situation), `${JSON.stringify(type)} is not an error type of the catalogue`);
    }
  }
  return {
    errorAnswers,
    disconnectCloseCode,
    errorTypes,
    clientErrorCodes: codeSchema ? entries(codeSchema, problems) : [],
    disconnectionReasons,
    catalogueSchemas: { errorType: errorSchema[0], clientErrorCode: codeSchema?.[0] ?? '', disconnectionReason: reasonSchema[0] },
  };
}
