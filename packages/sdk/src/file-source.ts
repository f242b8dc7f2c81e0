// What `sendFile` takes as a file, made into one Blob with its name and media type: a browser's
// File or Blob, or under Node.js a Blob, a Buffer (any Uint8Array) or a stream of bytes. A stream
// is read into memory up to the upload's limit, so a file too large fails before anything is sent.
// Loaded lazily with the upload: it reports a refusal as a value, the client makes the error.

import { describe } from './runtime/helpers.js';

/** A file to upload. */
export type FileSource = Blob | Uint8Array | AsyncIterable<Uint8Array>;

export type PreparedFile =
  | { readonly ok: true; readonly blob: Blob; readonly name: string | undefined; readonly contentType: string }
  /** Why the file cannot be uploaded (the message of an INVALID_ARGS). */
  | { readonly ok: false; readonly problem: string }
  /** The signal aborted while the file was being read. */
  | { readonly ok: false; readonly cancelled: true };

export const CANCELLED = Symbol('cancelled');

/** Settles with CANCELLED once `signal` aborts (never without a signal); `stop` forgets the signal. */
export function whenAborted(signal: AbortSignal | undefined): { readonly promise: Promise<typeof CANCELLED>; stop(): void } {
  if (signal === undefined) return { promise: new Promise(() => undefined), stop: () => undefined };
  let onAbort = (): void => undefined;
  const promise = new Promise<typeof CANCELLED>((resolve) => {
    onAbort = () => resolve(CANCELLED);
    if (signal.aborted) resolve(CANCELLED);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, stop: () => signal.removeEventListener('abort', onAbort) };
}

/** The bytes of a stream, at most `maxBytes` of them, or why not; CANCELLED as soon as the signal aborts, even while the stream is silent. */
async function readStream(stream: AsyncIterable<unknown>, maxBytes: number, signal: AbortSignal | undefined): Promise<Blob | string | typeof CANCELLED> {
  const iterator = stream[Symbol.asyncIterator]();
  const aborted = whenAborted(signal);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      let step: IteratorResult<unknown> | typeof CANCELLED;
      try {
        step = await Promise.race([iterator.next(), aborted.promise]);
      } catch (error) {
        finished = true;
        return `the stream failed: ${describe(error)}`;
      }
      if (step === CANCELLED) return CANCELLED;
      if (step.done === true) {
        finished = true;
        break;
      }
      const chunk = step.value;
      if (!(chunk instanceof Uint8Array)) return 'a stream must give bytes (Uint8Array or Buffer chunks)';
      size += chunk.byteLength;
      if (size > maxBytes) return `the stream is larger than ${maxBytes} bytes, the most an upload may carry`;
      chunks.push(chunk);
    }
  } finally {
    aborted.stop();
    // Left early: the source may release what it holds (not awaited: a silent source may never answer).
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
  // Chunks of a SharedArrayBuffer would be copied by Blob as well; the type just cannot say it.
  return new Blob(chunks as BlobPart[]);
}

/** A Blob of at most `maxBytes` bytes, or why not. */
async function toBlob(file: FileSource, maxBytes: number, signal: AbortSignal | undefined): Promise<Blob | string | typeof CANCELLED> {
  if (typeof Blob === 'function' && file instanceof Blob) return file;
  // A copy, so a Buffer from a pool holds only its own bytes.
  if (file instanceof Uint8Array) return new Blob([file.slice()]);
  if (typeof file === 'object' && file !== null && Symbol.asyncIterator in file) return readStream(file, maxBytes, signal);
  return 'expected a File, a Blob, a Uint8Array (Buffer) or an async iterable of bytes';
}

/**
 * The file, its name and its media type (`options` first, then what a File says), checked
 * against the operation: not empty, at most `maxBytes`, of one of `contentTypes`, a name within
 * `nameMaxLength` characters.
 */
export async function prepareFile(
  file: FileSource,
  limits: { readonly maxBytes: number; readonly contentTypes: readonly string[]; readonly nameMaxLength: number | undefined },
  options: { readonly name?: string | undefined; readonly contentType?: string | undefined; readonly signal?: AbortSignal | undefined },
): Promise<PreparedFile> {
  const blob = await toBlob(file, limits.maxBytes, options.signal);
  const problem = (text: string): PreparedFile => ({ ok: false, problem: `invalid file: ${text}` });
  if (blob === CANCELLED) return { ok: false, cancelled: true };
  if (typeof blob === 'string') return problem(blob);
  if (blob.size === 0) return problem('the file is empty');
  if (blob.size > limits.maxBytes) return problem(`the file has ${blob.size} bytes, more than ${limits.maxBytes}, the most an upload may carry`);
  const contentType = (options.contentType ?? blob.type).split(';')[0]!.trim().toLowerCase();
  if (!limits.contentTypes.includes(contentType)) {
    return problem(`the content type ${contentType === '' ? '(none; give options.contentType)' : contentType} is not accepted; one of ${limits.contentTypes.join(', ')}`);
  }
  const fileName = (blob as Blob & { name?: unknown }).name;
  const name = options.name ?? (typeof fileName === 'string' && fileName !== '' ? fileName : undefined);
  if (name !== undefined && limits.nameMaxLength !== undefined && [...name].length > limits.nameMaxLength) return problem(`its name is longer than ${limits.nameMaxLength} characters`);
  return { ok: true, blob, name, contentType };
}
