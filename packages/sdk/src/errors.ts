// SDKError as the package exports it: the runtime's error class, with `code` narrowed to the spec's
// `ClientErrorCode` (src/gen/errors.ts checks at compile time that the spec lists every code the
// runtime raises), so a misspelt code such as 'CONECTION_LOST' does not compile.
import type { ClientErrorCode } from '@customer-chat/validators';
import { isSDKError as isRuntimeSDKError, SDKError as RuntimeSDKError, type SDKErrorOptions } from './runtime/errors.js';

export type { SDKErrorOptions };

/** A failure of the SDK; `code` is one of the spec's `ClientErrorCode` values. */
export type SDKError = RuntimeSDKError<ClientErrorCode>;
export const SDKError: new (code: ClientErrorCode, message: string, options?: SDKErrorOptions) => SDKError = RuntimeSDKError;

/** Whether `error` is an SDKError, optionally with the given code. */
export const isSDKError: (error: unknown, code?: ClientErrorCode) => error is SDKError = isRuntimeSDKError;
