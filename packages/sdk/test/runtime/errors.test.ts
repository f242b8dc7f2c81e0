// SDKError: a stable code, the server's type and details when given, the cause kept (and no cause when none).
import { describe, expect, it } from 'vitest';
import { RuntimeErrorCodes, SDKError, isSDKError } from '../../src/runtime/errors.js';

describe('SDKError', () => {
  it('is an Error named SDKError with its code and message', () => {
    const error = new SDKError('NOPE', 'not allowed');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SDKError');
    expect(error.code).toBe('NOPE');
    expect(error.message).toBe('not allowed');
    expect(String(error)).toBe('SDKError: not allowed');
  });

  it('keeps the cause it is given, and has no cause property at all when given none', () => {
    const cause = new Error('socket refused');
    expect(new SDKError('X', 'm', { cause }).cause).toBe(cause);
    // A falsy cause is still a cause.
    expect(new SDKError('X', 'm', { cause: 0 }).cause).toBe(0);
    expect('cause' in new SDKError('X', 'm')).toBe(false);
    expect('cause' in new SDKError('X', 'm', { type: 't' })).toBe(false);
  });

  it('carries the server type and the details it is given, and neither when given none', () => {
    const plain = new SDKError(RuntimeErrorCodes.REQUEST_TIMEOUT, 'late');
    expect(plain.type).toBeUndefined();
    expect(plain.details).toBeUndefined();
    // Absent, not undefined: `'type' in error` tells the server's errors apart.
    expect('type' in plain).toBe(false);
    expect('details' in plain).toBe(false);
    expect(Object.keys(new SDKError('X', 'm', { type: 't' })).sort()).toEqual(['code', 'name', 'type']);
    const server = new SDKError('NOT_FOUND', 'no such thing', { type: 'not_found', details: { id: 3 } });
    expect(server.type).toBe('not_found');
    expect(server.details).toEqual({ id: 3 });
    // Details without a type (a runtime error with validation issues).
    const detailed = new SDKError(RuntimeErrorCodes.INVALID_ARGS, 'bad', { details: [] });
    expect(detailed.type).toBeUndefined();
    expect(detailed.details).toEqual([]);
  });
});

describe('isSDKError', () => {
  it('tells SDKErrors apart from other errors, and checks the code when one is given', () => {
    const error = new SDKError(RuntimeErrorCodes.DESTROYED, 'gone');
    expect(isSDKError(error)).toBe(true);
    expect(isSDKError(error, RuntimeErrorCodes.DESTROYED)).toBe(true);
    expect(isSDKError(error, RuntimeErrorCodes.CONNECTION_LOST)).toBe(false);
    expect(isSDKError(new Error('gone'))).toBe(false);
    expect(isSDKError({ code: RuntimeErrorCodes.DESTROYED, message: 'gone' }, RuntimeErrorCodes.DESTROYED)).toBe(false);
  });
});
