// Direction-aware comparison of two versions of the protocol. Who writes and who reads each
// message decides whether a schema change breaks anyone: what the client sends must stay
// acceptable to the new server (a narrowing breaks old clients), what the server sends (and the
// SDK emits) must stay acceptable to old clients (a widening breaks them).
import { definitionName, definitionRef, type JsonSchema, type MessageModel, type ProtocolModel } from '@customer-chat/spec-model';
import { classifyHttpChanges } from './http-changes.js';
import { classifyRequestChanges } from './request-changes.js';
import { diffSchemas, type Effect } from './schema-diff.js';

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

  for (const [name, old] of baseMessages) {
    const current = headMessages.get(name);
    if (!current) {
      // The SDK's event or method disappears: code written against it no longer compiles.
      changes.push({ subject: name, direction: direction(old), path: '/', what: `message ${name} removed`, breaking: true, packages: packagesFor(old) });
      continue;
    }
    const flow = direction(current);
    for (const change of diffSchemas(payloadOf(old), payloadOf(current), resolveBase, resolveHead)) {
      changes.push({ subject: name, direction: flow, path: change.path, what: `${change.what} (${change.effect})`, breaking: breaks(change.effect, flow), packages: packagesFor(current) });
    }
    if (old.action !== current.action) {
      changes.push({ subject: name, direction: flow, path: '/', what: `wire action ${String(old.action)} -> ${String(current.action)}`, breaking: true, packages: packagesFor(current) });
    }
  }
  for (const [name, added] of headMessages) {
    if (baseMessages.has(name)) continue;
    // Old clients never send a new request; a new push reaches them as an unknown action, which
    // the SDK reports and drops without losing the connection.
    changes.push({ subject: name, direction: direction(added), path: '/', what: `message ${name} added`, breaking: false, packages: packagesFor(added) });
  }

  const catalogue = (subject: string, before: string[], after: string[], addBreaks: boolean, removeBreaks: boolean, packages: string[]) => {
    for (const value of after.filter((v) => !before.includes(v))) changes.push({ subject, direction: 'server-to-client', path: '/', what: `value ${value} added`, breaking: addBreaks, packages });
    for (const value of before.filter((v) => !after.includes(v))) changes.push({ subject, direction: 'server-to-client', path: '/', what: `value ${value} removed`, breaking: removeBreaks, packages });
  };
  // An unknown error type still rejects the request (its code is derived); an unknown
  // disconnection reason fails validation, so old clients would not react to it.
  catalogue('ErrorType', base.errorTypes.map((e) => e.value), head.errorTypes.map((e) => e.value), false, false, [SPEC, VALIDATORS, SDK, SERVER]);
  catalogue('DisconnectionReason', base.disconnectionReasons.map((e) => e.value), head.disconnectionReasons.map((e) => e.value), true, false, [SPEC, VALIDATORS, SDK, SERVER]);
  for (const reason of head.disconnectionReasons) {
    const before = base.disconnectionReasons.find((r) => r.value === reason.value);
    if (before && before.reaction !== reason.reaction) {
      changes.push({ subject: 'DisconnectionReason', direction: 'protocol', path: `/${reason.value}`, what: `reaction ${before.reaction} -> ${reason.reaction}`, breaking: true, packages: [SPEC, SDK] });
    }
  }
  if (JSON.stringify(base.lifecycle) !== JSON.stringify(head.lifecycle)) {
    changes.push({ subject: 'x-client-lifecycle', direction: 'protocol', path: '/', what: 'connection lifecycle changed', breaking: true, packages: [SPEC, SDK, SERVER] });
  }
  if (base.channel.address !== head.channel.address) {
    changes.push({ subject: 'channel', direction: 'protocol', path: '/address', what: `socket address ${base.channel.address} -> ${head.channel.address}`, breaking: true, packages: [SPEC, SDK, SERVER] });
  }
  for (const q of head.channel.query.filter((q) => q.required && !base.channel.query.some((b) => b.name === q.name && b.required))) {
    changes.push({ subject: 'channel', direction: 'client-to-server', path: `/query/${q.name}`, what: `required query parameter ${q.name} added`, breaking: true, packages: [SPEC, SDK, SERVER] });
  }
  changes.push(...classifyHttpChanges(base, head, resolveBase, resolveHead));
  changes.push(...classifyRequestChanges(base, head));
  return changes;
}
