// The generated validators against the spec itself: every example of every message is a valid
// payload (through `validate`, `isX`, `assertX`) and, wrapped into the frame its kind calls for, a
// valid frame. Broken frames and payloads are rejected with JSON pointers to the offending field,
// unknown names throw, and `assertX` throws a ValidationError listing the problems.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import {
  assertUserIsTyping,
  frameNames,
  isNewEvent,
  isUserIsTyping,
  messageNames,
  validate,
  validateFrame,
  validateGetChatsSummary,
  ValidationError,
  type FrameName,
  type MessageName,
  type NewEvent,
  type Validation,
  type ValidationIssue,
} from '../src/index.js';
import { SchemaSet, typeAccepted, type JsonType } from './support/json-schema.js';
import { exampleHeaders, frameOf, isJsonPointer, isObject, loadBundle, loadProtocol, PACKAGE_DIR, pascalCase, type Message, type Schema } from './support/protocol.js';

const protocol = await loadProtocol();
const { model } = protocol;
const bundle = loadBundle();
const schemas = new SchemaSet(bundle.definitions);
const wire = model.messages.filter((m) => m.kind !== 'client');
const exports = api as unknown as Record<string, unknown>;

type Fn = (data: unknown) => unknown;
function exported(name: string): Fn {
  const fn = exports[name];
  if (typeof fn !== 'function') throw new Error(`the package exports no function ${name}`);
  return fn as Fn;
}
const validatorOf = (m: Message) => exported(`validate${pascalCase(m.name)}`) as (data: unknown) => Validation<unknown>;
const frameValidatorOf = (m: Message) => exported(`validate${pascalCase(m.name)}Frame`) as (data: unknown) => Validation<unknown>;
const guardOf = (m: Message) => exported(`is${pascalCase(m.name)}`) as (data: unknown) => boolean;
const assertionOf = (m: Message) => exported(`assert${pascalCase(m.name)}`) as (data: unknown) => void;

const examples = model.messages.flatMap((message) =>
  message.examples.map((example, index) => ({ id: `${message.name} / ${example.name ?? `#${index}`}`, message, index, payload: example.payload })),
);
const wireExamples = examples.filter((e) => e.message.kind !== 'client');
const examplesWithHeaders = wireExamples.flatMap((e) => {
  const headers = exampleHeaders(protocol, e.message, e.index);
  return headers === undefined ? [] : [{ ...e, headers }];
});

const errorsOf = (result: Validation<unknown>): ValidationIssue[] => (result.ok ? [] : result.errors);
const issues = (result: Validation<unknown>) => errorsOf(result).map(({ path, keyword }) => ({ path, keyword }));

function frameSchemaOf(message: Message): Schema {
  const schema = bundle.definitions[`frame.${message.name}`];
  if (schema === undefined) throw new Error(`no frame.${message.name} in bundle.json`);
  return schema;
}
const frameProperty = (message: Message, property: string): Schema | undefined => {
  const properties = frameSchemaOf(message).properties;
  return isObject(properties) && isObject(properties[property]) ? (properties[property] as Schema) : undefined;
};

describe('the generated tables follow the spec', () => {
  it('messageNames lists every message in document order, frameNames every wire message', () => {
    expect(messageNames).toEqual(model.messages.map((m) => m.name));
    expect(frameNames).toEqual(wire.map((m) => m.name));
    expect(Object.isFrozen(messageNames) && Object.isFrozen(frameNames)).toBe(true);
  });

  it.each(model.messages.map((m) => ({ name: m.name, message: m })))('$name has its functions and JSON Schemas', ({ message }) => {
    const base = pascalCase(message.name);
    for (const name of [`validate${base}`, `is${base}`, `assert${base}`]) expect(typeof exports[name], name).toBe('function');
    expect(typeof exports[`validate${base}Frame`]).toBe(message.kind === 'client' ? 'undefined' : 'function');
    expect(bundle.definitions[`payload.${message.name}`]).toBeDefined();
    expect(bundle.definitions[`frame.${message.name}`] !== undefined).toBe(message.kind !== 'client');
    const payloadFile = JSON.parse(readFileSync(`${PACKAGE_DIR}schemas/${message.name}.json`, 'utf8')) as Schema;
    expect(payloadFile.$id).toBe(`urn:customer-chat:payload:${message.name}`);
  });
});

describe('every example of the spec', () => {
  it('there are examples for every message', () => {
    expect(model.messages.filter((m) => m.examples.length === 0).map((m) => m.name)).toEqual([]);
  });

  it.each(examples)('$id is a valid payload (validate, isX, assertX, validateX)', ({ message, payload }) => {
    const result = validate(message.name as MessageName, payload);
    expect(errorsOf(result)).toEqual([]);
    if (result.ok && payload !== undefined && payload !== null) expect(result.value).toBe(payload);
    expect(guardOf(message)(payload)).toBe(true);
    expect(() => assertionOf(message)(payload)).not.toThrow();
    expect(validatorOf(message)(payload).ok).toBe(true);
  });

  it.each(wireExamples)('$id is valid in its frame (validateFrame, validateXFrame)', ({ message, payload }) => {
    const frame = frameOf(message, payload);
    expect(errorsOf(validateFrame(message.name as FrameName, frame))).toEqual([]);
    expect(frameValidatorOf(message)(frame).ok).toBe(true);
  });

  it.each(examplesWithHeaders)('$id is valid with the headers the example gives', ({ message, payload, headers }) => {
    expect(errorsOf(validateFrame(message.name as FrameName, { ...headers, payload }))).toEqual([]);
  });

  const schemaExamples = model.messages.flatMap((message) => {
    if (message.payload === undefined) return [];
    const named = bundle.definitions[message.payload.ref];
    const list = named !== undefined && Array.isArray(named.examples) ? (named.examples as unknown[]) : [];
    return list.map((example, i) => ({ id: `${message.name} / ${message.payload!.ref} example #${i}`, message, example }));
  });
  it.each(schemaExamples)('$id (an example of the payload schema) is valid', ({ message, example }) => {
    expect(errorsOf(validate(message.name as MessageName, example))).toEqual([]);
  });

  it.each(examples)('$id is rejected once it is wrapped in an array', ({ message, payload }) => {
    expect(validate(message.name as MessageName, [payload]).ok).toBe(false);
    expect(guardOf(message)([payload])).toBe(false);
  });
});

describe('frames', () => {
  const examplePayload = (m: Message) => m.examples[0]?.payload ?? null;
  const byName = wire.map((m) => ({ name: m.name, message: m }));

  it.each(byName)('$name: a wrong action is rejected (only the error frame takes any action)', ({ message }) => {
    const frame = frameOf(message, examplePayload(message))!;
    const pinned = frameProperty(message, 'action')?.const;
    expect(pinned === undefined).toBe(message.kind === 'error');
    for (const action of [`${String(frame.action)}_`, 'nope', wire.find((m) => m.action !== undefined && m.action !== message.action)!.action]) {
      const result = validateFrame(message.name as FrameName, { ...frame, action });
      if (pinned === undefined) expect(errorsOf(result)).toEqual([]);
      else expect(issues(result)).toEqual([{ path: '/action', keyword: 'const' }]);
    }
    const { action: _dropped, ...withoutAction } = frame;
    expect(issues(validateFrame(message.name as FrameName, withoutAction))).toEqual([{ path: '/action', keyword: 'required' }]);
  });

  it.each(byName.filter(({ message }) => message.kind !== 'push'))('$name: a missing requestId is rejected', ({ message }) => {
    const { requestId: _dropped, ...frame } = frameOf(message, examplePayload(message))!;
    expect(issues(validateFrame(message.name as FrameName, frame))).toEqual([{ path: '/requestId', keyword: 'required' }]);
    const tooLong = validateFrame(message.name as FrameName, { ...frame, requestId: 'r'.repeat(65) });
    expect(issues(tooLong)).toEqual([{ path: '/requestId', keyword: 'maxLength' }]);
  });

  it.each(byName)('$name: a missing payload is rejected', ({ message }) => {
    const { payload: _dropped, ...frame } = frameOf(message, examplePayload(message))!;
    expect(issues(validateFrame(message.name as FrameName, frame))).toEqual([{ path: '/payload', keyword: 'required' }]);
  });

  it.each(byName)('$name: an extra top-level field is rejected where the headers are closed (requests), kept elsewhere', ({ message }) => {
    const closed = frameSchemaOf(message).additionalProperties === false;
    expect(closed, 'client-sent frames are closed, server-sent ones open').toBe(message.kind === 'request');
    const frame = { ...frameOf(message, examplePayload(message)), 'extra/field~': 1 };
    const result = validateFrame(message.name as FrameName, frame);
    if (closed) expect(issues(result)).toEqual([{ path: '/extra~1field~0', keyword: 'additionalProperties' }]);
    else expect(errorsOf(result)).toEqual([]);
  });

  it.each(byName)('$name: the frame of another kind is rejected', ({ message }) => {
    const other = wire.find((m) => m.kind !== message.kind && !(m.kind === 'response' && message.kind === 'error') && !(m.kind === 'error' && message.kind === 'response'))!;
    const frame = { ...frameOf(other, examplePayload(message)), action: message.action ?? 'send_event' };
    expect(validateFrame(message.name as FrameName, frame).ok, `${message.kind} validated with a ${other.kind} frame`).toBe(false);
  });

  it('a failed response may carry requestId null (a frame too broken to read one), a successful one may not', () => {
    const error = frameOf(model.messages.find((m) => m.kind === 'error')!, { error: { type: 'validation', message: 'not JSON' } });
    expect(errorsOf(validateFrame('error_response', { ...error, requestId: null }))).toEqual([]);
    expect(issues(validateFrame('error_response', { ...error, requestId: '' }))).toEqual([{ path: '/requestId', keyword: 'minLength' }]);
    const response = frameOf(model.messages.find((m) => m.name === 'login_response')!, { customerId: 'c1' });
    expect(issues(validateFrame('login_response', { ...response, requestId: null }))).toEqual([{ path: '/requestId', keyword: 'type' }]);
    expect(issues(validateFrame('login_response', { ...response, success: false }))).toEqual([{ path: '/success', keyword: 'const' }]);
  });

  it('validates the payload inside the frame, with pointers from the frame root', () => {
    const result = validateFrame('user_is_typing', { action: 'user_is_typing', type: 'push', payload: { chat: 'c1' } });
    expect(issues(result)).toEqual([{ path: '/payload/user', keyword: 'required' }]);
  });
});

describe('names', () => {
  const notMessages = ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'USER_IS_TYPING'];
  it.each(notMessages)('validate(%j) and validateFrame() with that name throw a TypeError', (name) => {
    expect(() => validate(name as MessageName, {})).toThrow(TypeError);
    expect(() => validateFrame(name as FrameName, {})).toThrow(TypeError);
    expect(() => validate(name as MessageName, {})).toThrow(/unknown message/);
  });

  it('a name that is not a string throws a TypeError', () => {
    for (const name of [undefined, null, 42, Symbol('user_is_typing'), ['user_is_typing']]) {
      expect(() => validate(name as unknown as MessageName, {})).toThrow(TypeError);
    }
  });

  it.each(model.messages.filter((m) => m.kind === 'client').map((m) => m.name))('validateFrame(%j) throws: client events have no frame', (name) => {
    expect(() => validateFrame(name as FrameName, {})).toThrow(TypeError);
    expect(() => validate(name as MessageName, null)).not.toThrow();
  });
});

describe('errors carry JSON pointers to the offending field', () => {
  it('a missing property points at the property', () => {
    const result = validate('user_is_typing', { chat: 'PJ0MRSHTDG' });
    expect(result.ok).toBe(false);
    expect(errorsOf(result)).toEqual([{ path: '/user', keyword: 'required', message: expect.stringContaining('user') }]);
  });

  it('a number over its maximum points at it with keyword maximum', () => {
    expect(issues(validate('get_chats_summary', { limit: 26 }))).toEqual([{ path: '/limit', keyword: 'maximum' }]);
    expect(issues(validateGetChatsSummary({ limit: 25, offset: -1 }))).toEqual([{ path: '/offset', keyword: 'minimum' }]);
    expect(issues(validate('get_chats_summary', { limit: 2.5 }))).toEqual([{ path: '/limit', keyword: 'type' }]);
  });

  it('every problem is listed (allErrors), each with its own pointer', () => {
    const result = validate('get_chats_summary', { limit: 0, offset: 'x', extra: true });
    expect(issues(result)).toEqual(
      expect.arrayContaining([
        { path: '/limit', keyword: 'minimum' },
        { path: '/offset', keyword: 'type' },
        { path: '/extra', keyword: 'additionalProperties' },
      ]),
    );
    expect(errorsOf(result)).toHaveLength(3);
  });

  it('property names are escaped (RFC 6901), also inside maps', () => {
    expect(issues(validate('get_chats_summary', { 'a/b~c': 1 }))).toEqual([{ path: '/a~1b~0c', keyword: 'additionalProperties' }]);
    const properties = { 'name/space': { 'key~1': { nested: true } } };
    expect(issues(validate('chat_properties_updated', { chat: 'c1', properties }))).toEqual([{ path: '/properties/name~1space/key~01', keyword: 'type' }]);
    expect(issues(validate('login', { token: 't', customer: { fields: { 'a/b': 1 } } }))).toEqual([{ path: '/customer/fields/a~1b', keyword: 'type' }]);
  });

  it('array items are pointed at by index', () => {
    const result = validate('get_chat_threads', { chat: 'c1', threads: ['t1', ''] });
    expect(issues(result)).toEqual([{ path: '/threads/1', keyword: 'minLength' }]);
    expect(issues(validate('get_chat_threads', { chat: 'c1', threads: ['t1', 't1'] }))).toEqual([{ path: '/threads', keyword: 'uniqueItems' }]);
  });

  it('formats are checked, and the pattern beside each (what validators without format plugins check)', () => {
    expect(issues(validate('login', { token: 't', customer: { email: 'not-an-email' } }))).toEqual([
      { path: '/customer/email', keyword: 'pattern' },
      { path: '/customer/email', keyword: 'format' },
    ]);
    const file = { type: 'file', url: 'not a uri', contentType: 'image/png' };
    expect(issues(validate('send_event', { chat: 'c1', event: file }))).toContainEqual({ path: '/event/url', keyword: 'format' });
    expect(issues(validate('send_event', { chat: 'c1', event: file }))).toContainEqual({ path: '/event/url', keyword: 'pattern' });
    // A URI of another scheme is a URI: only the pattern says no.
    expect(issues(validate('send_event', { chat: 'c1', event: { ...file, url: 'javascript:alert(1)' } }))).toEqual([{ path: '/event/url', keyword: 'pattern' }]);
  });

  it('lengths count code points, not UTF-16 units', () => {
    const astral = '\u{1F600}';
    expect(errorsOf(validate('send_sneak_peek', { chat: 'c1', text: astral.repeat(16384) }))).toEqual([]);
    expect(issues(validate('send_sneak_peek', { chat: 'c1', text: astral.repeat(16385) }))).toEqual([{ path: '/text', keyword: 'maxLength' }]);
    expect(errorsOf(validate('customer_id', astral))).toEqual([]);
  });

  it('a payload that is a bare value is pointed at with the empty pointer', () => {
    expect(issues(validate('customer_id', ''))).toEqual([{ path: '', keyword: 'minLength' }]);
    expect(issues(validate('disconnected', 'bored'))).toEqual([{ path: '', keyword: 'enum' }]);
  });

  it('a message without payload takes only undefined and null', () => {
    expect(validate('connection_lost', undefined).ok).toBe(true);
    expect(validate('connection_lost', null).ok).toBe(true);
    for (const value of [{}, [], '', 0, false]) expect(issues(validate('connection_lost', value))).toEqual([{ path: '', keyword: 'type' }]);
  });

  it('a union member: the error of the branch its type names points at the field', () => {
    const result = validate('send_event', { chat: 'c1', event: { type: 'message' } });
    expect(result.ok).toBe(false);
    expect(issues(result)).toContainEqual({ path: '/event/text', keyword: 'required' });
    expect(errorsOf(result).every((e) => e.path === '/event' || e.path.startsWith('/event/'))).toBe(true);
  });

  it('the closed union (EventInput) rejects an unknown type; Event and User take it as their fallback', () => {
    expect(validate('send_event', { chat: 'c1', event: { type: 'sticker', text: 'hi' } }).ok).toBe(false);
    expect(errorsOf(validate('user_data', { id: 'u1', type: 'bot', fields: {} }))).toEqual([]);
    // A user with no fields at all (the seed lists none) is an UnknownUser; a known type is checked.
    expect(errorsOf(validate('user_data', {}))).toEqual([]);
    expect(validate('user_data', { type: 'agent', email: 5 }).ok).toBe(false);
    const sticker = { id: 'e1', type: 'sticker', chat: 'c1', thread: 't1', author: 'u1', timestamp: 0, pack: 'cats' };
    expect(errorsOf(validate('new_event', sticker))).toEqual([]);
    expect(isNewEvent(sticker)).toBe(true);
    // The fallback does not take the known types: a broken message event stays broken.
    expect(validate('new_event', { ...sticker, type: 'message', text: 5 }).ok).toBe(false);
    expect(validate('new_event', { ...sticker, type: 'sticker', timestamp: -1 }).ok).toBe(false);
  });
});

describe('assertX and ValidationError', () => {
  it('assertUserIsTyping throws a ValidationError listing JSON-pointer paths', () => {
    let thrown: unknown;
    try {
      assertUserIsTyping({ chat: '', user: 5 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toBeInstanceOf(Error);
    const error = thrown as ValidationError;
    expect(error.name).toBe('ValidationError');
    expect(error.messageName).toBe('user_is_typing');
    expect(error.errors.map((e) => e.path).sort()).toEqual(['/chat', '/user']);
    expect(error.message).toContain('/chat');
    expect(error.message).toContain('/user');
    expect(error.message).toMatch(/^invalid user_is_typing: /);
  });

  it('assertX returns nothing for a valid payload', () => {
    expect(assertUserIsTyping({ chat: 'c1', user: 'u1' })).toBeUndefined();
  });

  /** A value of a JSON type the payload does not accept. */
  function wrongTypeFor(message: Message): unknown {
    const accepted = schemas.typesOf(bundle.definitions[`payload.${message.name}`]!);
    const candidates: Array<[JsonType, unknown]> = [['array', [1]], ['boolean', true], ['object', { x: 1 }], ['string', 'x'], ['number', 1.5]];
    const found = candidates.find(([type]) => !typeAccepted(accepted, type));
    if (found === undefined) throw new Error(`${message.name} accepts every JSON type`);
    return found[1];
  }

  it.each(model.messages.map((m) => ({ name: m.name, message: m })))('assert for $name throws a ValidationError with the errors of validate', ({ message }) => {
    const bad = wrongTypeFor(message);
    const expected = errorsOf(validate(message.name as MessageName, bad));
    expect(expected.length).toBeGreaterThan(0);
    let thrown: unknown;
    try {
      assertionOf(message)(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).messageName).toBe(message.name);
    expect((thrown as ValidationError).errors).toEqual(expected);
    expect((thrown as ValidationError).errors.every((e) => isJsonPointer(e.path))).toBe(true);
    expect(guardOf(message)(bad)).toBe(false);
  });
});

describe('types', () => {
  it('isX narrows and validate() types its value by message name', () => {
    const data: unknown = JSON.parse('{"chat":"c1","user":"u1"}');
    if (!isUserIsTyping(data)) throw new Error('not a typing indicator');
    const chat: string = data.chat;
    const result = validate('new_event', JSON.parse('{"id":"e","type":"message","chat":"c","thread":"t","author":"a","timestamp":1,"text":"hi"}'));
    if (!result.ok) throw new Error('invalid');
    const event: NewEvent = result.value;
    const text = event.type === 'message' ? event.text : undefined;
    expect([chat, text]).toEqual(['c1', 'hi']);
    // @ts-expect-error not a message name
    expect(() => validate('nope', {})).toThrow(TypeError);
  });
});
