// Direction-aware comparison of two versions of the protocol. Who writes and who reads each
// message decides whether a schema change breaks anyone: what the client sends must stay
// acceptable to the new server (a narrowing breaks old clients), what the server sends (and the
// SDK emits) must stay acceptable to old clients (a widening breaks them).
import { definitionName, definitionRef, type ClientLifecycle, type ClientPolicy, type JsonSchema, type MessageModel, type ProtocolModel } from '@customer-chat/spec-model';
import { classifyHttpChanges } from './http-changes.js';
import { classifyRequestChanges } from './request-changes.js';
import { diffSchemas, removesTypedName, type Effect, type SchemaChange } from './schema-diff.js';

export type Direction = 'client-to-server' | 'server-to-client' | 'sdk-to-application' | 'protocol';

export interface Change {
  /** The message (or catalogue) concerned, e.g. `send_event`, `DisconnectionReason`. */
  subject: string;
  direction: Direction;
  path: string;
  what: string;
  breaking: boolean;
  /** Published packages whose users see the change. */
  packages: string[];
}

const SPEC = '@customer-chat/spec';
const VALIDATORS = '@customer-chat/validators';
const SDK = '@customer-chat/sdk';
const SERVER = '@customer-chat/reference-server';
const CONFORMANCE = '@customer-chat/conformance';
const DOCS = '@customer-chat/docs';

/**
 * The packages that follow others. The docs document the whole protocol, each message on a page
 * exported by its path: they change with the spec. The conformance kit holds any server to the
 * protocol the reference server speaks on the wire: a server that passed may fail after a wire
 * change of the reference server (a type the server merely exports is not the kit's concern).
 */
function withFollowers(change: Change): Change {
  const packages = new Set(change.packages);
  if (packages.has(SPEC)) packages.add(DOCS);
  if (packages.has(SERVER) && change.direction !== 'sdk-to-application') packages.add(CONFORMANCE);
  return packages.size === change.packages.length ? change : { ...change, packages: [...packages] };
}

function direction(message: MessageModel): Direction {
  if (message.kind === 'request') return 'client-to-server';
  if (message.kind === 'client') return 'sdk-to-application';
  return 'server-to-client';
}

/** Whether a schema effect breaks the readers of data flowing in this direction. */
function breaks(effect: Effect, flow: Direction): boolean {
  if (effect === 'incompatible') return true;
  return flow === 'client-to-server' ? effect === 'narrowing' : effect === 'widening';
}

function packagesFor(message: MessageModel): string[] {
  return message.kind === 'client' ? [SPEC, VALIDATORS, SDK] : [SPEC, VALIDATORS, SDK, SERVER];
}

/** The packages exporting the TypeScript types of the named schemas (validators, which the SDK re-exports). */
const TYPED = [VALIDATORS, SDK];

/**
 * A schema change as a Change. What the server sends may lose a value (or a union branch, a field
 * of a closed object) safely on the wire, but the generated type loses it too: application code
 * naming it (`case 'license_expired'`) no longer compiles, which breaks the packages exporting it.
 */
function schemaChange(subject: string, flow: Direction, change: SchemaChange, packages: string[]): Change {
  const { path, effect, what } = change;
  if (!breaks(effect, flow) && removesTypedName(change)) {
    return { subject, direction: flow, path, what: `${what} (${effect}; gone from the exported type)`, breaking: true, packages: TYPED };
  }
  return { subject, direction: flow, path, what: `${what} (${effect})`, breaking: breaks(effect, flow), packages };
}

function resolver(model: ProtocolModel) {
  const byName = new Map(model.schemas.map((s) => [s.name, s.schema]));
  const resolve = (schema: JsonSchema): JsonSchema => {
    const ref = definitionName(schema.$ref);
    return ref === undefined ? schema : resolve(byName.get(ref) ?? {});
  };
  return resolve;
}

const payloadOf = (message: MessageModel): JsonSchema => (message.payload ? { $ref: definitionRef(message.payload.ref) } : { type: 'null' });

export function classifyChanges(base: ProtocolModel, head: ProtocolModel): Change[] {
  const changes: Change[] = [];
  const resolveBase = resolver(base);
  const resolveHead = resolver(head);
  const headMessages = new Map(head.messages.map((m) => [m.name, m]));
  const baseMessages = new Map(base.messages.map((m) => [m.name, m]));

  // The error type field of the error response: the ErrorType catalogue rule below decides a value
  // added or removed there (old clients read an unknown type leniently), not the payload diff.
  const errorTypePath = head.errorShape && `/${head.errorShape.property}/${head.errorShape.typeField}`;
  const isCatalogueValueChange = (message: MessageModel, change: SchemaChange) =>
    message.kind === 'error' && change.path === errorTypePath && /^value\(s\) .* (added|removed)$/.test(change.what);
  // Frame headers: one comparison per headers schema and direction (every push shares PushHeaders),
  // whatever number of messages use it.
  const headerDiffs = new Map<string, Change[]>();

  for (const [name, old] of baseMessages) {
    const current = headMessages.get(name);
    if (!current) {
      // The SDK's event or method disappears: code written against it no longer compiles.
      changes.push({ subject: name, direction: direction(old), path: '/', what: `message ${name} removed`, breaking: true, packages: packagesFor(old) });
      continue;
    }
    const flow = direction(current);
    for (const change of diffSchemas(payloadOf(old), payloadOf(current), resolveBase, resolveHead)) {
      if (isCatalogueValueChange(current, change)) continue;
      changes.push(schemaChange(name, flow, change, packagesFor(current)));
    }
    if (old.headersSchema !== undefined && current.headersSchema !== undefined) {
      const subject = current.headersSchema;
      const key = JSON.stringify([old.headersSchema, subject, flow]);
      const known = headerDiffs.get(key);
      if (known) {
        // A break of the exported type only stays with the packages exporting it.
        for (const change of known) if (change.packages !== TYPED) change.packages = [...new Set([...change.packages, ...packagesFor(current)])];
      } else {
        const found = diffSchemas({ $ref: definitionRef(old.headersSchema) }, { $ref: definitionRef(subject) }, resolveBase, resolveHead).map((change) => schemaChange(subject, flow, change, packagesFor(current)));
        headerDiffs.set(key, found);
        changes.push(...found);
      }
    }
    if (old.action !== current.action) {
      const wire = (m: MessageModel) => m.action ?? 'none (a client event the SDK emits itself)';
      changes.push({ subject: name, direction: flow, path: '/', what: `wire action ${wire(old)} -> ${wire(current)}`, breaking: true, packages: packagesFor(current) });
    }
    // The client event a push feeds (x-client-event): its listeners miss the push, or get another
    // payload, when it changes or goes; and a push that newly feeds one is no longer emitted under
    // its own name (nor typed in the SDK's events), so that breaks its listeners too.
    if (JSON.stringify(old.clientEvent) !== JSON.stringify(current.clientEvent)) {
      const fed = (m: MessageModel) => (m.clientEvent ? `${m.clientEvent.event} (payload ${m.clientEvent.payload})` : `none (emitted as ${m.name})`);
      changes.push({ subject: name, direction: 'sdk-to-application', path: '/x-client-event', what: `client event ${fed(old)} -> ${fed(current)}`, breaking: true, packages: [SPEC, SDK] });
    }
  }
  for (const [name, added] of headMessages) {
    if (baseMessages.has(name)) continue;
    // Old clients never send a new request; a new push reaches them as an unknown action, which
    // the SDK reports and drops without losing the connection.
    changes.push({ subject: name, direction: direction(added), path: '/', what: `message ${name} added`, breaking: false, packages: packagesFor(added) });
  }

  // A value removed from a catalogue is gone from its exported type (`typedBy`): application code
  // naming it no longer compiles, whatever the wire makes of it.
  const catalogue = (subject: string, before: string[], after: string[], addBreaks: boolean, packages: string[], typedBy: string[], flow: Direction = 'server-to-client') => {
    for (const value of after.filter((v) => !before.includes(v))) changes.push({ subject, direction: flow, path: '/', what: `value ${value} added`, breaking: addBreaks, packages });
    for (const value of before.filter((v) => !after.includes(v))) changes.push({ subject, direction: 'sdk-to-application', path: '/', what: `value ${value} removed`, breaking: true, packages: typedBy });
  };
  // An unknown error type still rejects the request (its code is derived); an unknown
  // disconnection reason fails validation, so old clients would not react to it. The server
  // exports both types as well.
  catalogue('ErrorType', base.errorTypes.map((e) => e.value), head.errorTypes.map((e) => e.value), false, [SPEC, VALIDATORS, SDK, SERVER], [...TYPED, SERVER]);
  // The codes the SDK rejects with: code that branches on an error type's code misses it when the code changes.
  catalogue('ClientErrorCode', base.clientErrorCodes.map((e) => e.value), head.clientErrorCodes.map((e) => e.value), false, [SPEC, SDK], [SPEC, ...TYPED], 'sdk-to-application');
  for (const type of head.errorTypes) {
    const before = base.errorTypes.find((e) => e.value === type.value);
    if (before && before.clientCode !== type.clientCode) {
      changes.push({ subject: 'ErrorType', direction: 'sdk-to-application', path: `/${type.value}`, what: `client code ${before.clientCode} -> ${type.clientCode}`, breaking: true, packages: [SPEC, SDK] });
    }
  }
  // A request's operation id is the SDK method's name: code calling the old name no longer compiles.
  for (const request of head.requests) {
    const before = base.requests.find((r) => r.action === request.action);
    if (before && before.id !== request.id) {
      changes.push({ subject: request.action, direction: 'sdk-to-application', path: '/', what: `SDK method ${before.id} renamed ${request.id}`, breaking: true, packages: [SPEC, SDK] });
    }
  }
  catalogue('DisconnectionReason', base.disconnectionReasons.map((e) => e.value), head.disconnectionReasons.map((e) => e.value), true, [SPEC, VALIDATORS, SDK, SERVER], [...TYPED, SERVER]);
  // Every named schema is an exported type and guard (`ChatMembership`, `isChatMembership`): code
  // using one that is gone, or renamed, no longer compiles.
  for (const { name, schema } of base.schemas.filter((s) => !head.schemas.some((h) => h.name === s.name))) {
    const renamed = head.schemas.find((h) => !base.schemas.some((b) => b.name === h.name) && JSON.stringify(h.schema) === JSON.stringify(schema));
    const what = renamed ? `schema ${name} renamed ${renamed.name} (type and guard is${name})` : `schema ${name} removed (type and guard is${name})`;
    changes.push({ subject: name, direction: 'sdk-to-application', path: '/', what, breaking: true, packages: [SPEC, ...TYPED] });
  }
  for (const reason of head.disconnectionReasons) {
    const before = base.disconnectionReasons.find((r) => r.value === reason.value);
    if (before && before.reaction !== reason.reaction) {
      changes.push({ subject: 'DisconnectionReason', direction: 'protocol', path: `/${reason.value}`, what: `reaction ${before.reaction} -> ${reason.reaction}`, breaking: true, packages: [SPEC, SDK] });
    }
  }
  // How the SDK and servers tell frames apart (the headers' constants): a change misroutes frames
  // of the old version, whichever side sends them.
  for (const kind of ['request', 'response', 'error', 'push'] as const) {
    const before = base.frameConstants[kind];
    const after = head.frameConstants[kind];
    for (const field of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
      if (before[field] === after[field]) continue;
      const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
      changes.push({ subject: 'frames', direction: 'protocol', path: `/${kind}/${field}`, what: `${kind} frames have ${field} ${show(after[field])}, was ${show(before[field])}`, breaking: true, packages: [SPEC, VALIDATORS, SDK, SERVER] });
    }
  }
  // The push that may introduce a user before any reply (x-introduction): a server that introduces
  // users with the old one now sends a push the request does not list; a first one constrains nobody.
  const [introducedBy, introducesNow] = [base, head].map((model) => model.messages.find((m) => m.introduction)?.name);
  if (introducedBy !== introducesNow) {
    const what = `users introduced by ${introducesNow ?? 'no push'}, was ${introducedBy ?? 'no push'}`;
    changes.push({ subject: 'x-introduction', direction: 'protocol', path: '/', what, breaking: introducedBy !== undefined, packages: [SPEC, SERVER, CONFORMANCE] });
  }
  changes.push(...classifyLifecycle(base.lifecycle, head.lifecycle));
  if (base.channel.address !== head.channel.address) {
    changes.push({ subject: 'channel', direction: 'protocol', path: '/address', what: `socket address ${base.channel.address} -> ${head.channel.address}`, breaking: true, packages: [SPEC, SDK, SERVER] });
  }
  // The socket's query, as the client writes it and the server reads it: a new required parameter,
  // a tighter pattern or length, a parameter no longer taken (when the query is closed) break old clients.
  for (const change of diffSchemas(base.channel.querySchema, head.channel.querySchema, resolveBase, resolveHead)) {
    changes.push({ subject: 'channel', direction: 'client-to-server', path: `/query${change.path}`, what: `${change.what} (${change.effect})`, breaking: breaks(change.effect, 'client-to-server'), packages: [SPEC, SDK, SERVER] });
  }
  changes.push(...classifyHttpChanges(base, head, resolveBase, resolveHead));
  changes.push(...classifyRequestChanges(base, head));
  return changes.map(withFollowers);
}

/**
 * The connection lifecycle: what a client sends first and the events it emits break when they
 * change; the timing policy is the SDK's default options (each one an option there), so a tuned
 * value is safe, but a policy the document no longer gives takes options away.
 */
function classifyLifecycle(base: ClientLifecycle | undefined, head: ClientLifecycle | undefined): Change[] {
  const subject = 'x-client-lifecycle';
  const withoutPolicy = (lifecycle: ClientLifecycle | undefined) => lifecycle && { ...lifecycle, policy: undefined };
  if (JSON.stringify(withoutPolicy(base)) !== JSON.stringify(withoutPolicy(head))) {
    return [{ subject, direction: 'protocol', path: '/', what: 'connection lifecycle changed', breaking: true, packages: [SPEC, SDK, SERVER] }];
  }
  const [before, after] = [base?.policy, head?.policy];
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (after === undefined) return [{ subject, direction: 'protocol', path: '/policy', what: 'client policy removed', breaking: true, packages: [SPEC, SDK] }];
  if (before === undefined) return [{ subject, direction: 'protocol', path: '/policy', what: 'client policy added', breaking: false, packages: [SPEC, SDK] }];
  const flat = (policy: ClientPolicy) => {
    const { reconnect, ...rest } = policy;
    return new Map<string, unknown>([...Object.entries(rest), ...Object.entries(reconnect).map(([k, v]) => [`reconnect/${k}`, v] as const)]);
  };
  const [b, h] = [flat(before), flat(after)];
  const changes: Change[] = [];
  for (const field of new Set([...b.keys(), ...h.keys()])) {
    if (b.get(field) === h.get(field)) continue;
    changes.push({ subject, direction: 'protocol', path: `/policy/${field}`, what: `${field} ${String(b.get(field))} -> ${String(h.get(field))}`, breaking: h.get(field) === undefined, packages: [SPEC, SDK] });
  }
  return changes;
}
