// One HTTP upload with progress and cancel. A browser's XMLHttpRequest is the only API there that
// reports upload progress, so it is used where it exists; elsewhere (Node.js) fetch sends the body
// as a stream whose reads are the progress. Protocol-agnostic, and loaded lazily: it imports
// nothing of the client and settles with an outcome (never throws) that the caller turns into its
// own error.

export interface UploadRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Blob;
  /** Bytes sent so far and the total; last called with both equal once the body is out. */
  readonly onProgress?: ((sent: number, total: number) => void) | undefined;
  /** Aborting it cancels the upload (outcome `cancelled`). */
  readonly signal?: AbortSignal | undefined;
}

export type UploadOutcome =
  /** The server answered; `body` is the answer parsed as JSON, undefined when it is not JSON. */
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'cancelled' }
  /** No answer: the network failed. */
  | { readonly kind: 'failed'; readonly cause: unknown };

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function upload(request: UploadRequest): Promise<UploadOutcome> {
  if (request.signal?.aborted === true) return Promise.resolve({ kind: 'cancelled' });
  return typeof XMLHttpRequest === 'function' ? viaXhr(request) : viaFetch(request);
}

function viaXhr(request: UploadRequest): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const settle = (outcome: UploadOutcome) => {
      request.signal?.removeEventListener('abort', abort);
      resolve(outcome);
    };
    xhr.open(request.method, request.url);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => request.onProgress?.(event.loaded, event.lengthComputable ? event.total : request.body.size);
    xhr.upload.onload = () => request.onProgress?.(request.body.size, request.body.size);
    xhr.onload = () => settle({ kind: 'answered', status: xhr.status, body: parse(xhr.responseText) });
    xhr.onerror = () => settle({ kind: 'failed', cause: new Error(`network error (${request.method} ${request.url})`) });
    xhr.onabort = () => settle({ kind: 'cancelled' });
    request.signal?.addEventListener('abort', abort, { once: true });
    xhr.send(request.body);
  });
}

/** The most one read of the body hands the transport: a Blob's stream may give the whole file at once. */
const SLICE = 64 * 1024;

async function viaFetch(request: UploadRequest): Promise<UploadOutcome> {
  const total = request.body.size;
  let sent = 0;
  const reader = request.body.stream().getReader();
  /** What is left of the last chunk read, handed out a slice per pull. */
  let rest: Uint8Array | undefined;
  // Each read the transport makes is what it sends next: that count is the progress.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (rest === undefined || rest.byteLength === 0) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          request.onProgress?.(total, total);
          return;
        }
        rest = value;
      }
      const slice = rest.subarray(0, SLICE);
      rest = rest.subarray(slice.byteLength);
      sent += slice.byteLength;
      controller.enqueue(slice);
      if (sent < total) request.onProgress?.(sent, total);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  try {
    // `duplex: 'half'`: a streamed request body (Node's fetch requires the option).
    const response = await fetch(request.url, { method: request.method, headers: { ...request.headers, 'content-length': String(total) }, body, signal: request.signal, duplex: 'half' } as RequestInit);
    return { kind: 'answered', status: response.status, body: parse(await response.text()) };
  } catch (cause) {
    return request.signal?.aborted === true ? { kind: 'cancelled' } : { kind: 'failed', cause };
  }
}
