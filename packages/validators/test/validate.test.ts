// validate(): the guard decides, the explainer says why. What a caller sees: values that are not
// JSON at all rejected without a throw, every failure with at least one located issue, const and
// enum issues that name what was expected, frames checked field by field.
import { describe, expect, it } from 'vitest';
import { explainFrame, explainPayload } from '../src/explain.js';
import { messageNames, validate, validateFrame, ValidationError, assertSendEvent, frameNames } from '../src/index.js';

const cyclic: Record<string, unknown> = { chat: 'C' };
cyclic.self = cyclic;
cyclic.event = cyclic;

const NOT_JSON: Array<[string, unknown]> = [
  ['a function', () => 1],
  ['a symbol', Symbol('x')],
  ['a cyclic object', cyclic],
  ['a BigInt', 10n],
  ['NaN', Number.NaN],
  ['a Map', new Map([['chat', 'C']])],
  ['a Date', new Date(0)],
  ['an object whose getter throws', Object.defineProperty({}, 'chat', { enumerable: true, get: () => { throw new Error('boom'); } })],
];

/** Values no schema of the spec takes: every message rejects them (a message without payload takes only undefined and null). */
const REJECTED_EVERYWHERE = new Set(['a function', 'a symbol', 'a BigInt', 'NaN']);

describe('validate() with values JSON cannot hold', () => {
  it.each(NOT_JSON)('%s: never a throw; a rejection comes with located issues', (what, value) => {
    for (const name of messageNames) {
      let result: ReturnType<typeof validate> | undefined;
      expect(() => (result = validate(name, value)), name).not.toThrow();
      // Objects (a Map, a Date, a cycle) pass where every property is optional, as ajv says.
      if (REJECTED_EVERYWHERE.has(what)) expect(result!.ok, name).toBe(false);
      if (!result!.ok) {
        expect(result!.errors.length, name).toBeGreaterThan(0);
        for (const issue of result!.errors) expect(issue.path === '' || issue.path.startsWith('/'), `${name}: ${issue.path}`).toBe(true);
      }
    }
    for (const name of frameNames) expect(() => validateFrame(name, value), name).not.toThrow();
  });

  it('a getter that throws fails the check with an issue saying the value cannot be checked', () => {
    const result = validate('get_chat_threads', NOT_JSON.at(-1)![1]);
    expect(result).toEqual({ ok: false, errors: [{ path: '', keyword: 'type', message: 'cannot be checked: boom' }] });
  });

  it.each([
    ['null', null, 'cannot be checked: null'],
    ['a string', 'nope', 'cannot be checked: nope'],
    ['a symbol', Symbol('s'), 'cannot be checked: Symbol(s)'],
    ['an error whose message getter throws', Object.defineProperty(new Error(), 'message', { get: () => { throw new Error('again'); } }), 'cannot be checked: it threw a value that cannot be described'],
  ])('a getter that throws %s: still an issue, never a throw', (_, thrown, message) => {
    const data = { get chat(): string { throw thrown; }, user: 'u1' };
    expect(validate('user_is_typing', data)).toEqual({ ok: false, errors: [{ path: '', keyword: 'type', message }] });
  });

  it('a Proxy whose trap throws where only the guard calls it (for-in calls getPrototypeOf) gets the trap\'s error as the reason', () => {
    const hostile = new Proxy({ chat: 'C', threads: ['T'] }, { getPrototypeOf: () => { throw new Error('no prototype here'); } });
    expect(validate('get_chat_threads', hostile)).toEqual({ ok: false, errors: [{ path: '', keyword: 'type', message: 'cannot be checked: no prototype here' }] });
    // The reason belongs to that value only: the next failure is explained on its own.
    expect(validate('get_chat_threads', { chat: 'C' })).toEqual({ ok: false, errors: [{ path: '/threads', keyword: 'required', message: "must have required property 'threads'" }] });
  });
});

describe('the issues of a failure', () => {
  it('name the expected constant and values', () => {
    const wrongType = validate('send_event', { chat: 'C', event: { type: 'message', text: 'Hi' }, extra: 1 });
    expect(wrongType).toEqual({ ok: false, errors: [{ path: '/extra', keyword: 'additionalProperties', message: 'must NOT have additional properties' }] });
    const frame = validateFrame('user_is_typing', { action: 'user_is_typing', type: 'pull', payload: { chat: 'C', user: 'U' } });
    expect(frame).toEqual({ ok: false, errors: [{ path: '/type', keyword: 'const', message: 'must be equal to constant "push"' }] });
    const reason = validate('customer_disconnected', { reason: 'gremlins' });
    expect(reason.ok).toBe(false);
    if (!reason.ok) {
      expect(reason.errors).toHaveLength(1);
      expect(reason.errors[0]).toMatchObject({ path: '/reason', keyword: 'enum' });
      expect(reason.errors[0]!.message).toMatch(/^must be one of "[a-z_]+"(, "[a-z_]+")+$/);
      expect(reason.errors[0]!.message).toContain('"customer_banned"');
    }
  });

  it('follow the branch the discriminator names, deep inside a value', () => {
    const page = { chatsSummary: [{ id: 'C', users: [], lastEventsPerType: { file: { type: 'file', id: 'E', chat: 'C', thread: 'T', author: 'a', timestamp: 1, url: 'https://x.example/f', contentType: 'a/b', name: 'f', size: 1, width: -1 } } }], totalChats: 1 };
    expect(validate('get_chats_summary_response', page)).toEqual({
      ok: false,
      errors: [{ path: '/chatsSummary/0/lastEventsPerType/file/width', keyword: 'minimum', message: 'must be >= 0' }],
    });
  });

  it('for a union value that names no branch, say only that the tag is missing, once', () => {
    expect(validate('send_event', { chat: 'C', event: {} })).toEqual({
      ok: false,
      errors: [{ path: '/event/type', keyword: 'required', message: "must have required property 'type'" }],
    });
  });

  it('say an issue once when the union and the branch it falls to both find it', () => {
    const result = validate('user_data', { type: null });
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.errors;
    expect(issues.filter((issue) => issue.path === '/type')).toHaveLength(1);
    expect(new Set(issues.map((issue) => JSON.stringify(issue))).size).toBe(issues.length);
  });

  it('the explain entry refuses a name without a payload or a frame, as validate does', () => {
    expect(() => explainPayload('nope', {})).toThrow(TypeError);
    expect(() => explainPayload('nope', {})).toThrow(/unknown message "nope" \(no payload of that name\); known: .*send_event/);
    // `connected` is an event of the client: it has a payload, and no frame on the wire.
    expect(explainPayload('connected', { chatsSummary: [], totalChats: 0 })).toEqual([]);
    expect(() => explainFrame('connected', {})).toThrow(/unknown message "connected" \(no frame of that name\)/);
    expect(() => explainPayload('__proto__', {})).toThrow(TypeError);
  });

  it('are what assert throws, and what the explain entry gives alone', () => {
    const bad = { chat: '', event: { type: 'message', text: '' } };
    const result = validate('send_event', bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(explainPayload('send_event', bad)).toEqual(result.errors);
    expect(() => assertSendEvent(bad)).toThrow(ValidationError);
    expect(() => assertSendEvent(bad)).toThrow(/invalid send_event: \/chat must NOT have fewer than 1 characters; \/event\/text must NOT have fewer than 1 characters/);
    expect(explainFrame('send_event', { action: 'send_event' })).toEqual(validateFrame('send_event', { action: 'send_event' }).ok ? [] : (validateFrame('send_event', { action: 'send_event' }) as { errors: unknown }).errors);
    // A valid value has nothing to explain.
    expect(explainPayload('send_event', { chat: 'C', event: { type: 'message', text: 'Hi' } })).toEqual([]);
  });
});
