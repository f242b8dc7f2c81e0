// URLs a widget renders (a file event's `url`, in what the customer sends and what the server
// pushes, and an agent's `avatar`) take only `https:` and `http:`: every other scheme, however it
// is spelt, is rejected with a `pattern` error at the field. Email addresses are checked the same
// way (a `pattern` as strict as ajv-formats' `email`), so validators without format plugins agree.
import { describe, expect, it } from 'vitest';
import { UNSAFE_URLS } from '@customer-chat/spec-model/testing';
import { validate, validateFrame, type Validation } from '../src/index.js';

const DANGEROUS = UNSAFE_URLS;

const SAFE = [
  'https://files.example.com/cat.png',
  'http://127.0.0.1:8788/files/a%20b.png?size=2&x=y#top',
  'HTTPS://CDN.EXAMPLE.COM/AVATARS/SAM.PNG',
  'Http://example.com',
  'https://example.com:8443/a/b/c;v=1/?q=a/b?c#frag/ment?',
];

/** Every place a URL travels: [what, validate it with `url` in it, the pointer of `url`]. */
const PLACES: Array<[string, (url: string) => Validation<unknown>, string]> = [
  ['send_event payload: the file event the customer sends', (url) => validate('send_event', { chat: 'c1', event: { type: 'file', url, contentType: 'image/png' } }), '/event/url'],
  [
    'send_event frame',
    (url) => validateFrame('send_event', { requestId: '1', action: 'send_event', payload: { chat: 'c1', event: { type: 'file', url, contentType: 'image/png' } } }),
    '/payload/event/url',
  ],
  ['start_chat payload: a file among the first events', (url) => validate('start_chat', { events: [{ type: 'message', text: 'hi' }, { type: 'file', url, contentType: 'image/png' }] }), '/events/1/url'],
  ['new_event payload: a file the server pushes', (url) => validate('new_event', { type: 'file', url }), '/url'],
  ['new_event frame', (url) => validateFrame('new_event', { action: 'new_event', type: 'push', payload: { type: 'file', url } }), '/payload/url'],
  ['send_event_response payload', (url) => validate('send_event_response', { event: { id: 'e1', type: 'file', url } }), '/event/url'],
  ['user_data payload: an agent avatar', (url) => validate('user_data', { type: 'agent', id: 'a1', avatar: url }), '/avatar'],
  ['user_data frame', (url) => validateFrame('user_data', { action: 'user_data', type: 'push', payload: { type: 'agent', avatar: url } }), '/payload/avatar'],
];

const errorsOf = (result: Validation<unknown>) => (result.ok ? [] : result.errors.map((e) => ({ path: e.path, keyword: e.keyword })));

describe('URLs a widget renders take only https: and http:', () => {
  describe.each(PLACES)('%s', (_what, check, at) => {
    it.each(DANGEROUS.map((url) => [JSON.stringify(url), url]))('rejects %s', (_label, url) => {
      const result = check(url);
      expect(result.ok).toBe(false);
      expect(errorsOf(result)).toContainEqual({ path: at, keyword: 'pattern' });
      // Nothing but the URL is at fault.
      expect(errorsOf(result).filter((e) => e.path !== at)).toEqual([]);
    });

    it('accepts http(s) URLs, whatever the case of the scheme', () => {
      for (const url of SAFE) expect(errorsOf(check(url)), url).toEqual([]);
    });
  });

  it('an unknown user keeps its properties as sent (its avatar is not the agent schema)', () => {
    // UnknownUser is open and declares no avatar: a client that does not know the user kind does not render it.
    expect(validate('user_data', { type: 'bot', avatar: 'javascript:alert(1)' }).ok).toBe(true);
  });
});

describe('email addresses are checked by a pattern as strict as the format', () => {
  const places: Array<[string, (email: string) => Validation<unknown>, string]> = [
    ['login customer', (email) => validate('login', { token: 't', customer: { email } }), '/customer/email'],
    ['update_customer', (email) => validate('update_customer', { email }), '/email'],
    ['user_data agent', (email) => validate('user_data', { type: 'agent', email }), '/email'],
    ['user_data customer', (email) => validate('user_data', { type: 'customer', email }), '/email'],
  ];
  it.each(places)('%s', (_what, check, at) => {
    for (const email of ['jane@example.com', 'a.b+c@sub.example.org', 'JANE.DOE@EXAMPLE.COM', "o'brien!#$%&*+/=?^_`{|}~-@a-b.example"]) expect(errorsOf(check(email)), email).toEqual([]);
    for (const email of ['jane@example.com\n', ' jane@example.com', 'jane@example', 'jane..doe@example.com', 'j\u00e4ne@example.com', 'jane@-example.com', 'javascript:alert(1)//@example.com']) {
      expect(errorsOf(check(email)), JSON.stringify(email)).toContainEqual({ path: at, keyword: 'pattern' });
    }
  });
});
