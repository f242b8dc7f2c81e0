// The spec's introduction rule: a response comes after the push marked `x-introduction` (user_data)
// of every user it names that its connection has not been told about yet. The table says where each
// response names users (pointer patterns, `*` for any array item or map value) and where the
// introduction says whom it introduces. A name counts as a user's once the server introduced it on
// some connection of the run: an id no connection was ever introduced to (a system message's author)
// may be no user at all, and is not held to the rule.
import { type ReceivedFrame, payloadOf } from './connection.js';
import { protocol } from './gen/protocol.js';

const userIdsByAction = new Map(protocol.requests.map((r) => [r.action, r.userIds]));
const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The user a frame introduces: the id in a valid introduction push, else undefined. */
export function introducedUser(entry: ReceivedFrame): string | undefined {
  const introduction = protocol.introduction;
  if (introduction === null || entry.verdict.kind !== 'push' || entry.verdict.action !== introduction.push || entry.verdict.issues.length > 0) return undefined;
  const [found] = valuesAt(payloadOf(entry.frame), introduction.user);
  return typeof found?.value === 'string' ? found.value : undefined;
}

/** Every value at `pattern` in `value`, with its pointer; `*` is any array item or any member of an object. */
export function valuesAt(value: unknown, pattern: string, pointer = ''): Array<{ pointer: string; value: unknown }> {
  if (pattern === '') return [{ pointer, value }];
  const slash = pattern.indexOf('/', 1);
  const head = unescape(slash === -1 ? pattern.slice(1) : pattern.slice(1, slash));
  const rest = slash === -1 ? '' : pattern.slice(slash);
  if (typeof value !== 'object' || value === null) return [];
  if (head === '*') {
    const members: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
    return members.flatMap(([key, item]) => valuesAt(item, rest, `${pointer}/${escape(key)}`));
  }
  if (!Object.hasOwn(value, head)) return [];
  return valuesAt((value as Record<string, unknown>)[head], rest, `${pointer}/${escape(head)}`);
}

/**
 * A user of `knownUsers` that a valid response names though its connection has not `met` them (no
 * introduction of them came before it there), with where it names them; undefined for any other frame.
 */
export function unintroducedIn(entry: ReceivedFrame, met: ReadonlySet<string>, knownUsers: ReadonlySet<string>): { user: string; pointer: string } | undefined {
  if (entry.verdict.kind !== 'response' || entry.verdict.issues.length > 0) return undefined;
  for (const pattern of userIdsByAction.get(entry.verdict.action) ?? []) {
    for (const { pointer, value } of valuesAt(payloadOf(entry.frame), pattern)) {
      if (typeof value === 'string' && knownUsers.has(value) && !met.has(value)) return { user: value, pointer: `/payload${pointer}` };
    }
  }
  return undefined;
}

/** What a response naming a user it should have introduced first breaks, in words. */
export function unintroducedMessage(action: string, user: string): string {
  const push = protocol.introduction?.push ?? 'the introduction';
  return `the ${action} response names user ${JSON.stringify(user)} before any ${push} introducing them on that connection (a response comes after the ${push} of every user it names that the connection was not told about yet)`;
}

/**
 * The first response among `frames` (one connection's, in the order they came) that names a user
 * of `knownUsers` before any introduction of that user on the connection, with where it names them.
 */
export function firstUnintroduced(frames: readonly ReceivedFrame[], knownUsers: ReadonlySet<string>): { entry: ReceivedFrame; user: string; pointer: string } | undefined {
  const met = new Set<string>();
  for (const entry of frames) {
    const introduced = introducedUser(entry);
    if (introduced !== undefined) met.add(introduced);
    const found = unintroducedIn(entry, met, knownUsers);
    if (found !== undefined) return { entry, ...found };
  }
  return undefined;
}
