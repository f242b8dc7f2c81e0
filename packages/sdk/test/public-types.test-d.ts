// Type-level tests of what the package exports beyond the generated maps: SDKError's code is the
// spec's ClientErrorCode, and payloads a server may send with the seed's fields only type as such.
import { describe, expectTypeOf, it } from 'vitest';
import { createCustomerSDK, isSDKError, SDKError, type ClientErrorCode, type CustomerSDK, type CustomerSDKOptions, type Event, type ThreadSummary, type User } from '../src/index.js';
import { SDKError as UnvalidatedSDKError } from '../src/unvalidated.js';

declare const api: CustomerSDK;
declare const failure: unknown;

describe('SDKError', () => {
  it('has the spec ClientErrorCode as its code', () => {
    const error = new SDKError('CONNECTION_LOST', 'the link dropped');
    expectTypeOf(error.code).toEqualTypeOf<ClientErrorCode>();
    expectTypeOf(error).toEqualTypeOf<InstanceType<typeof UnvalidatedSDKError>>();
    // @ts-expect-error a code the spec does not list
    void new SDKError('CONECTION_LOST', 'misspelt');
  });

  it('does not compile a comparison with a misspelt code', () => {
    if (failure instanceof SDKError) {
      expectTypeOf(failure.code).toEqualTypeOf<ClientErrorCode>();
      // @ts-expect-error 'CONECTION_LOST' is not a ClientErrorCode
      void (failure.code === 'CONECTION_LOST');
    }
    // @ts-expect-error 'CONECTION_LOST' is not a ClientErrorCode
    void isSDKError(failure, 'CONECTION_LOST');
    if (isSDKError(failure, 'REQUEST_TIMEOUT')) expectTypeOf(failure.code).toEqualTypeOf<ClientErrorCode>();
  });
});

describe('payloads with the seed fields only', () => {
  it('narrow events on type, with the fields beyond the seed optional', () => {
    api.on('new_event', (event) => {
      expectTypeOf(event).toEqualTypeOf<Event>();
      switch (event.type) {
        case 'message':
          expectTypeOf(event.text).toEqualTypeOf<string | undefined>();
          break;
        case 'file':
          expectTypeOf(event.url).toEqualTypeOf<string | undefined>();
          break;
        default:
          // A type this version does not know: compare it as a string.
          expectTypeOf(String(event.type) === 'sticker').toEqualTypeOf<boolean>();
      }
    });
  });

  it('take a thread summary without its chat and a user without fields', () => {
    expectTypeOf({ id: 't1', order: 1, totalEvents: 0 }).toMatchTypeOf<ThreadSummary>();
    expectTypeOf({}).toMatchTypeOf<User>();
  });
});

describe('options', () => {
  it('take every optional option given as undefined (under exactOptionalPropertyTypes, as this package compiles)', () => {
    const fromConfig: string | undefined = process.env['CHAT_URL'];
    const options: CustomerSDKOptions = {
      licenseId: 'demo',
      getToken: () => 'token',
      url: fromConfig,
      sneakPeekInterval: undefined,
      historyPageSize: undefined,
      WebSocket: undefined,
    };
    expectTypeOf(createCustomerSDK).toBeCallableWith(options);
  });
});
