// `x-http`: the HTTP operations beside the socket, read into the model; each mistake a problem at
// its pointer and line, nothing built.
import { describe, expect, it } from 'vitest';
import { replaceOnce } from '../src/testing/broken-copies.js';
import { loadModel } from '../src/index.js';
import { SPEC, useSpecEdits } from './spec-edits.js';

const copies = useSpecEdits('spec-model-http-');

describe('x-http', () => {
  it('is read from the real spec: the upload, its limits, its bodies by named schema and its error statuses', async () => {
    const [upload, ...others] = (await loadModel()).http;
    expect(others).toEqual([]);
    expect(upload).toMatchObject({
      id: 'uploadFile',
      pointer: '/x-http/uploadFile',
      method: 'POST',
      path: '/v1/files',
      auth: 'bearer',
      query: [
        { name: 'licenseId', required: true, maxLength: undefined },
        { name: 'name', required: false, maxLength: 256 },
      ],
      body: { contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'], maxBytes: 10 * 1024 * 1024 },
      response: { status: 201, schema: 'UploadedFile' },
      clientCodes: ['CANCELLED', 'UPLOAD_FAILED'],
      errors: { schema: 'ErrorResult' },
    });
    expect(upload!.errors.statuses.map((s) => s.status)).toEqual([400, 401, 413, 415, 503]);
    expect(upload!.errors.statuses.every((s) => s.description.length > 0)).toBe(true);
  });

  it('is empty when the document has none', async () => {
    const start = SPEC.indexOf('# Operations over plain HTTP');
    const end = SPEC.indexOf('\nservers:');
    const file = await copies.write(`${SPEC.slice(0, start)}${SPEC.slice(end + 1)}`);
    expect((await loadModel(file)).http).toEqual([]);
  });

  it.each([
    ['an unknown method', '    method: POST\n', '    method: SEND\n', '/x-http/uploadFile/method', 'method: SEND', /method must be one of GET, POST, PUT, PATCH, DELETE, not "SEND"/],
    ['a relative path', '    path: /v1/files\n', '    path: v1/files\n', '/x-http/uploadFile/path', 'path: v1/files', /path must be an absolute path/],
    ['a response schema that does not exist', '      schema: UploadedFile\n', '      schema: UploadedFiles\n', '/x-http/uploadFile/response/schema', 'schema: UploadedFiles', /"UploadedFiles" must name a schema of components\.schemas/],
    ['a success status that is not 2xx', '      status: 201\n', '      status: 302\n', '/x-http/uploadFile/response/status', 'status: 302', /must be a 2xx status, not 302/],
    ['a size limit of zero', '      maxBytes: 10485760\n', '      maxBytes: 0\n', '/x-http/uploadFile/body/maxBytes', 'maxBytes: 0', /maxBytes must be a whole number of bytes above 0, not 0/],
    ['a content type that is no media type', '[image/png, image/jpeg,', '[image, image/jpeg,', '/x-http/uploadFile/body/contentTypes/0', 'image, image/jpeg', /"image" is not a lowercase media type/],
    ['an error status that is not an error', "        '503':", "        '204':", '/x-http/uploadFile/errors/statuses/204', "'204':", /"204" is not a 4xx or 5xx status/],
    ['an unknown key', '    auth: bearer\n', '    auth: bearer\n    retries: 3\n', '/x-http/uploadFile/retries', 'retries: 3', /unknown key "retries"/],
    ['a client code the catalogue does not have', '[CANCELLED, UPLOAD_FAILED]', '[CANCELLED, UPLOAD_LOST]', '/x-http/uploadFile/clientCodes/1', 'UPLOAD_LOST', /"UPLOAD_LOST" is not a client error code/],
    ['another kind of auth', '    auth: bearer\n', '    auth: cookie\n', '/x-http/uploadFile/auth', 'auth: cookie', /auth must be "bearer"/],
  ])('%s is a problem at its pointer and line', (_, from, to, pointer, at, message) => copies.expectProblem(from, to, pointer, at, message));
});
