// Reads `x-client-lifecycle` (the requests the client sends on every connection and the client
// events it emits) and the frame constants that tell the kinds of wire frames apart.
import type { AsyncAPIDocumentInterface } from '@asyncapi/parser';
import { appendPointer } from '@customer-chat/spec-loader/json-pointer';
import type { ProblemCollector } from './problems.js';
import type { ClientLifecycle, ClientPolicy, FrameConstants, JsonSchema, MessageModel, RequestOperationModel } from './types.js';

/** Each policy value: where it is, and the range it must be in. */
const POLICY_FIELDS: Array<{ path: string[]; min: number; max: number; whole: boolean; optional?: boolean }> = [
  { path: ['requestTimeoutMs'], min: 1, max: 2 ** 31 - 1, whole: true },
  { path: ['handshakeTimeoutMs'], min: 1, max: 2 ** 31 - 1, whole: true },
  { path: ['unstableAfterMs'], min: 1, max: 2 ** 31 - 1, whole: true, optional: true },
  { path: ['reconnect', 'initialDelayMs'], min: 0, max: 2 ** 31 - 1, whole: true },
  { path: ['reconnect', 'maxDelayMs'], min: 0, max: 2 ** 31 - 1, whole: true },
  { path: ['reconnect', 'factor'], min: 1, max: 100, whole: false },
  { path: ['reconnect', 'jitter'], min: 0, max: 1, whole: false },
  { path: ['reconnect', 'minUptimeForResetMs'], min: 0, max: 2 ** 31 - 1, whole: true },
];

/** The policy, every value checked (a problem at its pointer otherwise); undefined when absent. */
function readPolicy(raw: unknown, pointer: string, problems: ProblemCollector): ClientPolicy | undefined {
  if (raw === undefined) return undefined;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(raw)) {
    problems.add(pointer, 'policy must be an object');
    return undefined;
  }
  const known = new Set(['requestTimeoutMs', 'handshakeTimeoutMs', 'unstableAfterMs', 'reconnect']);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.add(appendPointer(pointer, key), `unknown policy "${key}" (known: ${[...known].join(', ')})`);
  const reconnectKeys = new Set(POLICY_FIELDS.filter((f) => f.path.length === 2).map((f) => f.path[1]!));
  if (isObject(raw.reconnect)) {
    for (const key of Object.keys(raw.reconnect)) if (!reconnectKeys.has(key)) problems.add(appendPointer(pointer, 'reconnect', key), `unknown reconnect policy "${key}" (known: ${[...reconnectKeys].join(', ')})`);
  } else problems.add(appendPointer(pointer, 'reconnect'), 'reconnect must be an object');
  for (const field of POLICY_FIELDS) {
    const value = field.path.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), raw);
    if (value === undefined && field.optional) continue;
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= field.min && value <= field.max && (!field.whole || Number.isInteger(value));
    if (!ok) problems.add(appendPointer(pointer, ...field.path), `must be a ${field.whole ? 'whole ' : ''}number from ${field.min} to ${field.max}, not ${JSON.stringify(value)}`);
  }
  return raw as unknown as ClientPolicy;
}

export function readLifecycle(
  document: AsyncAPIDocumentInterface,
  requests: RequestOperationModel[],
  messages: MessageModel[],
  schemaOf: (message: MessageModel) => JsonSchema | undefined,
  problems: ProblemCollector,
): ClientLifecycle | undefined {
  const pointer = '/x-client-lifecycle';
  const rawLifecycle = structuredClone(document.extensions().get('x-client-lifecycle')?.value<Partial<ClientLifecycle>>());
  const empty: ClientLifecycle = { login: { operation: '', tokenArgument: '' }, ready: { operation: '' }, events: { connected: '', restored: '', lost: '', disconnected: '' }, policy: undefined };
  // Optional: only the client emitters need it, and they fail without it.
  if (!rawLifecycle) return undefined;
  const lifecycle: ClientLifecycle = {
    ...empty,
    ...rawLifecycle,
    events: { ...empty.events, ...rawLifecycle.events },
    policy: readPolicy(rawLifecycle.policy, appendPointer(pointer, 'policy'), problems),
  } as ClientLifecycle;
  for (const step of ['login', 'ready'] as const) {
    const request = requests.find((r) => r.id === lifecycle[step]?.operation);
    if (!request) {
      problems.add(appendPointer(pointer, step), `${step}.operation must name a request operation`);
      continue;
    }
    if (step === 'login') {
      const args = schemaOf(request.request);
      const token = (args?.properties as Record<string, JsonSchema> | undefined)?.[lifecycle.login.tokenArgument];
      if (!token || token.type !== 'string' || !((args?.required as string[] | undefined) ?? []).includes(lifecycle.login.tokenArgument)) {
        problems.add(appendPointer(pointer, 'login', 'tokenArgument'), `"${lifecycle.login.tokenArgument}" must be a required string argument of ${request.id}`);
      }
    }
  }
  for (const [key, name] of Object.entries(lifecycle.events)) {
    if (!messages.some((m) => m.name === name && m.kind === 'client')) problems.add(appendPointer(pointer, 'events', key), `"${name}" must be a client event (a message on an x-emitted-by: client channel)`);
  }
  // A poor link is told by request latency: the two events come together, with their threshold.
  const { unstable, recovered } = lifecycle.events;
  if ((unstable === undefined) !== (recovered === undefined)) {
    problems.add(appendPointer(pointer, 'events', unstable === undefined ? 'unstable' : 'recovered'), 'events.unstable and events.recovered go together: give both or neither');
  } else if (unstable !== undefined && lifecycle.policy?.unstableAfterMs === undefined) {
    problems.add(appendPointer(pointer, 'policy', 'unstableAfterMs'), 'events.unstable needs policy.unstableAfterMs (how long a request may wait before the link counts as unstable)');
  }
  return lifecycle;
}

/**
 * For each kind, the header fields whose value is fixed by `const`, identical for every message of
 * the kind. (Whether they tell the kinds apart matters to a client only; its emitter checks that.)
 */
export function readFrameConstants(messages: MessageModel[], problems: ProblemCollector): FrameConstants {
  const constants: FrameConstants = { request: {}, response: {}, error: {}, push: {} };
  for (const kind of Object.keys(constants) as Array<keyof FrameConstants>) {
    const ofKind = messages.filter((m) => m.kind === kind);
    const per = ofKind.map((m) =>
      Object.fromEntries(
        Object.entries((m.headers?.properties ?? {}) as Record<string, JsonSchema>)
          .filter(([, schema]) => schema.const !== undefined)
          .map(([field, schema]) => [field, schema.const as string | boolean | number]),
      ),
    );
    const first = per[0] ?? {};
    for (const [i, other] of per.entries()) {
      if (JSON.stringify(other) !== JSON.stringify(first)) problems.add(ofKind[i]!.pointer, `every ${kind} frame must fix the same header constants (${JSON.stringify(first)})`);
    }
    constants[kind] = first;
  }
  return constants;
}
