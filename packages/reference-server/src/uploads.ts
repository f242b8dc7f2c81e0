// The file upload the spec describes under `x-http` (uploadFile): a raw body of one of the
// operation's content types and at most its maxBytes, from a customer with a valid token, kept in
// memory and served back from the URL the answer carries (the URL a `file` event points at).
// Every refusal is the spec's error body (`{ error: { type, message } }`) with a status the
// operation lists, and stores nothing.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isUploadedFile, type ErrorType, type UploadedFile } from '@customer-chat/validators';
import type { httpOperations } from './gen/protocol.js';
import { parseRequestTarget } from './request-target.js';

/** What the generated table says of the upload operation. */
export type UploadOperation = (typeof httpOperations)['uploadFile'];

interface StoredFile {
  readonly contentType: string;
  readonly name: string | undefined;
  readonly bytes: Buffer;
}

export interface UploadsOptions {
  readonly operation: UploadOperation;
  /** The customer a token belongs to, or undefined. */
  readonly authenticate: (token: string) => string | undefined | Promise<string | undefined>;
  /** Whether a customer is banned: the server accepts no token of theirs, as at login. */
  readonly isBanned: (customerId: string) => boolean;
  /** Whether a license id is served (the socket's rule). */
  readonly licenseAccepted: (licenseId: string) => boolean;
  /**
   * The HTTP origin of the answered URLs for this request, e.g. `http://127.0.0.1:8787`. An origin
   * the spec's `UploadedFile.url` refuses (an IPv6 literal) makes the upload fail with 500 before its
   * body is read, with `unnamedReason` as the message.
   */
  readonly origin: (request: IncomingMessage) => string;
  /** Why the server may have no origin a file URL of the spec accepts, and what to do about it. */
  readonly unnamedReason: string;
  /**
   * The most bytes all stored files and the uploads still arriving may take together, each stored
   * file charged `STORED_FILE_OVERHEAD_BYTES` and its name on top of its body; an upload that would
   * take them past it is answered 503.
   */
  readonly maxStoredBytes: number;
  /** An upload whose body sends no byte for this long (ms) is cut off without an answer; 0: never. */
  readonly idleTimeoutMs: number;
}

export interface Uploads {
  /**
   * Answers the request if it is for the upload or a stored file; false when it is for neither.
   * `continueExpected`: the request came with `Expect: 100-continue` and nothing has answered it yet
   * (Node's `checkContinue`): an upload gets `100 Continue` once its headers passed every check, and
   * a refusal comes instead, before its body is sent; other requests read no body and just answer.
   */
  handle(request: IncomingMessage, response: ServerResponse, continueExpected?: boolean): boolean;
  /** How many files are stored, and their bytes. */
  stats(): { files: number; bytes: number };
}

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** The answer when stored files and uploads arriving would pass `maxStoredBytes` (the spec's 503). */
function storageFull(): UploadRefused {
  return new UploadRefused(503, 'service_unavailable', 'the server stores no more files now');
}

/**
 * What keeping a file costs besides its body and name, charged against `maxStoredBytes`: its map
 * entry, id, record and Buffer. Measured on Node 20: 200,000 one-byte files with 256-character
 * names took 200 MiB of heap, about 800 bytes each besides the name. Rounded up, so that many tiny
 * files cannot pass the budget unseen.
 */
export const STORED_FILE_OVERHEAD_BYTES = 1024;

/** The budget a stored file takes: its body, its name (2 bytes per UTF-16 unit at most) and the overhead. */
export function storedFileCharge(bodyBytes: number, name: string | undefined): number {
  return bodyBytes + STORED_FILE_OVERHEAD_BYTES + 2 * (name?.length ?? 0);
}

/** Whether the spec's `UploadedFile.url` (its `httpUrl` pattern: no IPv6 literal) accepts a URL. */
export function isSpecFileUrl(url: string): boolean {
  return isUploadedFile({ url, contentType: 'text/plain', size: 1 });
}

/** Browsers upload from other origins with a bearer token (no cookies): any origin may. */
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-length' };

export function createUploads(options: UploadsOptions): Uploads {
  const { operation } = options;
  const files = new Map<string, StoredFile>();
  /** Body bytes of the stored files (what `stats` reports). */
  let storedBytes = 0;
  /** What the stored files take of the budget: their bodies, names and overhead (`storedFileCharge`). */
  let chargedBytes = 0;
  /**
   * Budget taken by the uploads still reading their body: each counts its charge with the larger of
   * its declared `Content-Length` and what arrived so far as its body, until it ends in any way
   * (stored, refused, aborted, cut off). Stored and arriving charges together stay within
   * `maxStoredBytes`.
   */
  let arrivingBytes = 0;
  const filePrefix = `${operation.path}/`;

  function send(response: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra }).end(text);
  }

  function refuse(request: IncomingMessage, response: ServerResponse, error: UploadRefused, extra: Record<string, string> = {}): void {
    // A body still on its way is not read: the connection closes once the answer is out.
    const unread = !request.complete;
    send(response, error.status, { error: { type: error.type, message: error.message } }, unread ? { ...extra, connection: 'close' } : extra);
    if (unread) response.on('finish', () => request.destroy());
  }

  async function upload(request: IncomingMessage, response: ServerResponse, url: URL, continueExpected: boolean): Promise<void> {
    const authorization = request.headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(authorization)?.[1];
    if (token === undefined) throw new UploadRefused(401, 'authentication', 'the upload needs the access token: Authorization: Bearer <token>');
    for (const parameter of operation.query) {
      const value = url.searchParams.get(parameter.name);
      if (parameter.required && (value === null || value === '')) throw new UploadRefused(400, 'validation', `the query parameter ${parameter.name} is required`);
      if (value !== null && parameter.maxLength !== undefined && [...value].length > parameter.maxLength) {
        throw new UploadRefused(400, 'validation', `the query parameter ${parameter.name} is longer than ${parameter.maxLength} characters`);
      }
    }
    const licenseId = url.searchParams.get('licenseId') ?? '';
    if (!options.licenseAccepted(licenseId)) throw new UploadRefused(401, 'authentication', `the license ${licenseId} is not served here`);
    const customerId = await options.authenticate(token);
    if (customerId === undefined) throw new UploadRefused(401, 'authentication', 'the access token is not valid');
    if (options.isBanned(customerId)) throw new UploadRefused(401, 'authentication', `the customer ${customerId} is banned: the server accepts no token of theirs`);
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(operation.contentTypes as readonly string[]).includes(contentType)) {
      throw new UploadRefused(415, 'validation', `the content type ${contentType === '' ? '(none)' : contentType} is not accepted; send one of ${operation.contentTypes.join(', ')}`);
    }
    const tooLarge = () => new UploadRefused(413, 'validation', `the file is larger than ${operation.maxBytes} bytes, the most an upload may carry`);
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > operation.maxBytes) throw tooLarge();
    const name = url.searchParams.get('name') ?? undefined;
    const id = randomUUID();
    const fileUrl = `${options.origin(request)}${filePrefix}${id}`;
    // The answer must pass the spec's UploadedFile (its SDK refuses anything else): checked before
    // the body is read, its size aside (bounded above).
    if (!isUploadedFile({ url: fileUrl, contentType, size: 1, ...(name === undefined ? {} : { name }) })) {
      throw new UploadRefused(500, 'internal', `the upload cannot be answered: its url ${fileUrl} would break the spec's UploadedFile schema; ${options.unnamedReason}`);
    }
    // What this upload counts against the budget: its charge with its declared length at once, then
    // with what arrived beyond it.
    let counted = 0;
    const count = (bodyBytes: number): void => {
      const charge = storedFileCharge(bodyBytes, name);
      if (chargedBytes + arrivingBytes - counted + charge > options.maxStoredBytes) throw storageFull();
      arrivingBytes += charge - counted;
      counted = charge;
    };
    // A body that stops arriving is cut off (the socket destroyed: the read below fails).
    const idle = options.idleTimeoutMs > 0 ? setTimeout(() => request.destroy(), options.idleTimeoutMs).unref() : undefined;
    try {
      count(Number.isSafeInteger(declared) ? declared : 0);
      // Every check the headers allow has passed: a client waiting for it may send the body now.
      if (continueExpected) response.writeContinue();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request as AsyncIterable<Buffer>) {
        idle?.refresh();
        size += chunk.length;
        if (size > operation.maxBytes) throw tooLarge();
        if (storedFileCharge(size, name) > counted) count(size);
        chunks.push(chunk);
      }
      // A body cut short (the socket destroyed) stores nothing, even if the read ended without an error.
      if (!request.complete) throw new Error('the upload body did not arrive whole');
      if (size === 0) throw new UploadRefused(400, 'validation', 'the body is empty: send the file as the request body');
      const charge = storedFileCharge(size, name);
      if (chargedBytes + charge > options.maxStoredBytes) throw storageFull();
      files.set(id, { contentType, name, bytes: Buffer.concat(chunks, size) });
      storedBytes += size;
      chargedBytes += charge;
      const answer: UploadedFile = { url: fileUrl, contentType, size, ...(name === undefined ? {} : { name }) };
      send(response, operation.status, answer);
    } finally {
      clearTimeout(idle);
      arrivingBytes -= counted;
    }
  }

  function download(response: ServerResponse, id: string): void {
    const file = files.get(id);
    if (file === undefined) {
      send(response, 404, { error: { type: 'not_found', message: `no file ${id}` } });
      return;
    }
    const disposition = file.name === undefined ? 'inline' : `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`;
    response
      .writeHead(200, { ...CORS, 'content-type': file.contentType, 'content-length': String(file.bytes.length), 'content-disposition': disposition, 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=3600' })
      .end(file.bytes);
  }

  return {
    handle(request, response, continueExpected = false) {
      const url = parseRequestTarget(request.url);
      if (url === undefined) return false;
      if (url.pathname === operation.path) {
        if (request.method === 'OPTIONS') {
          response.writeHead(204, { ...CORS, 'access-control-allow-methods': operation.method, 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' }).end();
        } else if (request.method !== operation.method) {
          send(response, 405, { error: { type: 'validation', message: `${request.method ?? '?'} is not allowed here; upload with ${operation.method}` } }, { allow: operation.method });
        } else {
          upload(request, response, url, continueExpected).catch((error: unknown) => {
            if (error instanceof UploadRefused) refuse(request, response, error);
            else if (!response.headersSent) refuse(request, response, new UploadRefused(500, 'internal', 'the upload failed'));
          });
        }
        return true;
      }
      if (url.pathname.startsWith(filePrefix)) {
        const id = url.pathname.slice(filePrefix.length);
        if (id === '') {
          refuse(request, response, new UploadRefused(404, 'not_found', `no file at ${url.pathname}: upload with ${operation.method} ${operation.path}; a file is at the url its upload answered`));
        } else if (request.method === 'GET' || request.method === 'HEAD') {
          download(response, id);
        } else {
          refuse(request, response, new UploadRefused(405, 'validation', `${request.method ?? '?'} is not allowed on a file; it takes GET, HEAD`), { allow: 'GET, HEAD' });
        }
        return true;
      }
      return false;
    },
    stats: () => ({ files: files.size, bytes: storedBytes }),
  };
}
