// One HTTP upload with progress and cancel. A browser's XMLHttpRequest is the only API there that
// reports upload progress, so it is used where it exists; elsewhere (Node.js) fetch sends the body
// as a stream whose reads are the progress. Protocol-agnostic: the caller gives the URL, the
// headers and the body, and reads the answer.
import { RuntimeErrorCodes, SDKError } from './errors.js';
import { describe } from './helpers.js';

export interface UploadRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Blob;
  /** Bytes sent so far and the total; last called with both equal once the body is out. */
  readonly onProgress?: ((sent: number, total: number) => void) | undefined;
  /** Aborting it cancels the upload (the promise rejects with CANCELLED). */
  readonly signal?: AbortSignal | undefined;
}

export interface UploadAnswer {
  readonly status: number;
  /** The answer's body parsed as JSON; undefined when it is not JSON. */
  readonly body: unknown;
}

export function cancelledError(): SDKError {
  return new SDKError(RuntimeErrorCodes.CANCELLED, 'cancelled: the signal was aborted');
}

function failed(cause: unknown): SDKError {
  return new SDKError(RuntimeErrorCodes.UPLOAD_FAILED, `the upload got no answer: ${describe(cause)}`, { cause });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function upload(request: UploadRequest): Promise<UploadAnswer> {
  if (request.signal?.aborted === true) return Promise.reject(cancelledError());
  return typeof XMLHttpRequest === 'function' ? viaXhr(request) : viaFetch(request);
}

function viaXhr(request: UploadRequest): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const done = () => request.signal?.removeEventListener('abort', abort);
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => request.onProgress?.(event.loaded, event.lengthComputable ? event.total : request.body.size);
    xhr.upload.onload = () => request.onProgress?.(request.body.size, request.body.size);
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, body: parse(xhr.responseText) });
    };
    xhr.onerror = () => {
      done();
      reject(failed(new Error(`network error (${request.method} ${request.url})`)));
    };
    xhr.onabort = () => {
      done();
      reject(cancelledError());
    };
    request.signal?.addEventListener('abort', abort, { once: true });
    xhr.send(request.body);
  });
}

async function viaFetch(request: UploadRequest): Promise<UploadAnswer> {
  const total = request.body.size;
  let sent = 0;
  const reader = request.body.stream().getReader();
  // Each read the transport makes is what it sends next: that count is the progress.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        request.onProgress?.(total, total);
        return;
      }
      sent += value.byteLength;
      controller.enqueue(value);
      if (sent < total) request.onProgress?.(sent, total);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  let response: Response;
  try {
    // `duplex: 'half'`: a streamed request body (Node's fetch requires the option).
    response = await fetch(request.url, { method: request.method, headers: { ...request.headers, 'content-length': String(total) }, body, signal: request.signal, duplex: 'half' } as RequestInit);
  } catch (error) {
    if (request.signal?.aborted === true) throw cancelledError();
    throw failed(error);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted === true) throw cancelledError();
    throw failed(error);
  }
  return { status: response.status, body: parse(text) };
}
