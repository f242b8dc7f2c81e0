// Shared by the validators' tests: the spec read once (through the spec model, so kinds and
// wire actions are the generator's own), the generated JSON Schemas, frames built the way the
// protocol describes them, and JSON-pointer helpers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCleanSpec } from '@customer-chat/spec-loader';
import { buildModel, formatPointer, REPOSITORY_ROOT, SPEC_FILE, type MessageModel, type ParsedSpec, type ProtocolModel } from '@customer-chat/spec-model';

export { pascalCase } from '@customer-chat/spec-model';
export { REPOSITORY_ROOT, SPEC_FILE };
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export type Message = MessageModel;
export type Schema = { [keyword: string]: unknown };

export interface Protocol {
  model: ProtocolModel;
  /** The parsed document, for what the model leaves out (example headers). */
  document: ParsedSpec['document'];
}

let loading: Promise<Protocol> | undefined;

/** Parses the spec once per test file (the parser takes a couple of seconds). */
export function loadProtocol(): Promise<Protocol> {
  loading ??= loadCleanSpec(SPEC_FILE).then((spec) => ({ model: buildModel(spec, REPOSITORY_ROOT), document: spec.document }));
  return loading;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readJson(relativeToPackage: string): unknown {
  return JSON.parse(readFileSync(`${PACKAGE_DIR}${relativeToPackage}`, 'utf8')) as unknown;
}

/** `schemas/bundle.json`: every named schema, `payload.<name>` and `frame.<name>` under `definitions`. */
export function loadBundle(): { definitions: Record<string, Schema> } {
  const bundle = readJson('schemas/bundle.json');
  if (!isObject(bundle) || !isObject(bundle.definitions)) throw new Error('schemas/bundle.json has no definitions');
  return bundle as { definitions: Record<string, Schema> };
}

/** A frame around `payload`, built from the message's kind as the spec's frame table says. */
export function frameOf(message: Message, payload: unknown): Record<string, unknown> | undefined {
  switch (message.kind) {
    case 'request':
      return { requestId: '1', action: message.action, payload };
    case 'response':
      return { requestId: '1', action: message.action, type: 'response', success: true, payload };
    case 'error':
      return { requestId: '1', action: 'send_event', type: 'response', success: false, payload };
    case 'push':
      return { action: message.action, type: 'push', payload };
    case 'client':
      return undefined;
  }
}

/** The headers an example gives in the document (the model keeps only payloads). */
export function exampleHeaders(protocol: Protocol, message: Message, index: number): Record<string, unknown> | undefined {
  const headers: unknown = protocol.document.components().messages().get(message.key)?.examples().all()[index]?.headers();
  return isObject(headers) ? headers : undefined;
}

export type Path = ReadonlyArray<string | number>;

/** RFC 6901 JSON pointer of a path: `''` for the root. */
export const pointer = formatPointer;

/** Whether `ancestor` points at `target` or at one of its ancestors. */
export function isAtOrAbove(ancestor: string, target: string): boolean {
  return ancestor === target || target.startsWith(`${ancestor}/`);
}

/** A well-formed JSON pointer: empty, or `/`-separated segments where `~` only starts `~0`/`~1`. */
export function isJsonPointer(value: string): boolean {
  return value === '' || /^(\/([^~/]|~[01])*)+$/.test(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Sets an own, enumerable property even for `__proto__`, so a fuzzed key never touches a prototype. */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of `root` with the value at `path` replaced by `update(old)`, where `old` is already
 * part of the copy (so `update` may change it in place and return it).
 */
export function updateAt(root: unknown, path: Path, update: (old: unknown) => unknown): unknown {
  if (path.length === 0) return update(clone(root));
  const copy = clone(root);
  let parent: unknown = copy;
  for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[segment];
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[last as number] = update(parent[last as number]);
  else defineOwn(parent as Record<string, unknown>, String(last), update((parent as Record<string, unknown>)[String(last)]));
  return copy;
}

export function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}
