// sendFile's upload, loaded on first use: the file checked against the spec's `uploadFile`
// (content types, size, name length), uploaded with the customer's token, and the answer checked
// as an `UploadedFile`, whose fields make the `file` event. Of the client it imports only the
// upload's table (what else it needs comes as arguments, so a bundle keeps the client in one chunk
// and the table in this one) and reports a failure as a value the client turns into its SDKError.
import type { UploadedFile } from '@customer-chat/validators';
import { isErrorResult, isUploadedFile } from '@customer-chat/validators/guards';
import { CANCELLED as ABORTED, type FileSource, prepareFile, whenAborted } from './file-source.js';
import { httpOperations } from './gen/http-operations.js';
import { describe } from './runtime/helpers.js';
import { upload } from './runtime/upload.js';

export interface SendFileOptions {
  /** The file's name (default: a File's own name); it travels in the `file` event. */
  name?: string | undefined;
  /** The file's media type (default: a Blob's `type`); one of the upload's content types. */
  contentType?: string | undefined;
  /** Comes back on the stored event, as with sendMessage. */
  customId?: string | undefined;
  /** Bytes sent so far and the total, while the file uploads. */
  onProgress?: ((sent: number, total: number) => void) | undefined;
  /** Aborting it cancels the upload (CANCELLED); once the file is up, the event is sent regardless. */
  signal?: AbortSignal | undefined;
}

/** The spec's upload operation (the generated table). */
export type UploadOperation = (typeof httpOperations)['uploadFile'];

export interface UploadTarget {
  /** The spec's by default. */
  readonly operation?: UploadOperation;
  /** The socket's base URL (its path included) with http for ws, https for wss. */
  readonly httpBase: string;
  readonly licenseId: string;
  /** The customer's token as the client reads it (`readToken` of the runtime, over the app's getToken). */
  readonly token: () => Promise<{ readonly token: string } | { readonly problem: string; readonly cause?: unknown }>;
}

export type UploadResult =
  | { readonly ok: true; readonly file: UploadedFile }
  /** `code` a client error code, or `type` the server's error type (its client code is the protocol's to give). */
  | { readonly ok: false; readonly code?: 'INVALID_ARGS' | 'AUTHENTICATION' | 'CANCELLED' | 'UPLOAD_FAILED' | 'INVALID_RESPONSE'; readonly type?: string; readonly message: string; readonly details?: unknown; readonly cause?: unknown };

const CANCELLED: UploadResult = { ok: false, code: 'CANCELLED', message: 'cancelled: the signal was aborted' };

/** What is wrong with sendFile's `options` (the message of an INVALID_ARGS), or undefined. */
export function optionsProblem(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return `invalid sendFile options: ${describe(options)} (an object, or nothing)`;
  const given = options as Record<string, unknown>;
  for (const [key, type] of [['name', 'string'], ['contentType', 'string'], ['customId', 'string'], ['onProgress', 'function']] as const) {
    if (given[key] !== undefined && typeof given[key] !== type) return `invalid sendFile options: ${key} must be a ${type}, not ${typeof given[key]}`;
  }
  const signal = given['signal'] as { aborted?: unknown; addEventListener?: unknown } | undefined;
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    return 'invalid sendFile options: signal must be an AbortSignal';
  }
  return undefined;
}

/** Uploads the file; what the `file` event carries (the server's `UploadedFile`), or why not. */
export async function uploadFile(target: UploadTarget, file: FileSource, options: SendFileOptions): Promise<UploadResult> {
  const { operation = httpOperations.uploadFile } = target;
  const nameMaxLength = operation.query.find((q) => q.name === 'name')?.maxLength;
  const prepared = await prepareFile(file, { maxBytes: operation.maxBytes, contentTypes: operation.contentTypes, nameMaxLength }, options);
  if (!prepared.ok) return 'cancelled' in prepared ? CANCELLED : { ok: false, code: 'INVALID_ARGS', message: prepared.problem };
  // Relative to the base, as the socket's path is: a base with a path (`wss://host/chat`) keeps it.
  const url = new URL(operation.path.replace(/^\//, ''), target.httpBase.endsWith('/') ? target.httpBase : `${target.httpBase}/`);
  url.searchParams.set('licenseId', target.licenseId);
  if (prepared.name !== undefined) url.searchParams.set('name', prepared.name);
  // The token may take a while (a fetch): an abort meanwhile cancels as it would the upload.
  if (options.signal?.aborted === true) return CANCELLED;
  const aborted = whenAborted(options.signal);
  const read = await Promise.race([target.token(), aborted.promise]).finally(() => aborted.stop());
  if (read === ABORTED) return CANCELLED;
  if ('problem' in read) return { ok: false, code: 'AUTHENTICATION', message: read.problem, cause: read.cause };
  const outcome = await upload({
    url: url.toString(),
    method: operation.method,
    headers: { authorization: `Bearer ${read.token}`, 'content-type': prepared.contentType },
    body: prepared.blob,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  if (outcome.kind === 'cancelled') return CANCELLED;
  if (outcome.kind === 'failed') return { ok: false, code: 'UPLOAD_FAILED', message: `the upload got no answer: ${describe(outcome.cause)}`, cause: outcome.cause };
  if (outcome.status !== operation.status) {
    const error = isErrorResult(outcome.body) ? outcome.body.error : undefined;
    const message = `the upload was refused (HTTP ${outcome.status}): ${error?.message ?? 'no error body'}`;
    return error === undefined ? { ok: false, code: 'UPLOAD_FAILED', message, details: { status: outcome.status } } : { ok: false, type: error.type, message, details: { status: outcome.status } };
  }
  if (!isUploadedFile(outcome.body)) return { ok: false, code: 'INVALID_RESPONSE', message: 'the upload answered something that is not an UploadedFile', details: { body: outcome.body } };
  const { url: fileUrl, contentType, size, name } = outcome.body;
  return { ok: true, file: { url: fileUrl, contentType, size, ...(name === undefined ? {} : { name }) } };
}
