// The table of the spec's HTTP operations (`x-http`) as generated code: what the SDK sends and the
// reference server serves, printed once for both from the model.
import type { ProtocolModel } from '@customer-chat/spec-model';
import { literal, type GeneratedFile } from '../printer/generated-file.js';

export function printHttpOperations(file: GeneratedFile, model: ProtocolModel): void {
  file.jsDoc(
    'The HTTP operations beside the socket (`x-http`), by id: method and path on the socket\'s host,',
    'whether the access token goes in `Authorization: Bearer`, the query parameters, the raw body\'s',
    'content types and size limit, and the success status.',
  );
  file.block('export const httpOperations = {', () => {
    for (const operation of model.http) {
      file.block([operation.id, ': {'], () => {
        file.print('method: ', literal(operation.method), ',');
        file.print('path: ', literal(operation.path), ',');
        file.print('bearer: ', String(operation.auth === 'bearer'), ',');
        const query = operation.query.map((q) => `{ name: ${literal(q.name)}, required: ${String(q.required)}, maxLength: ${q.maxLength === undefined ? 'undefined' : String(q.maxLength)} }`);
        file.print('query: [', query.join(', '), '],');
        if (operation.body !== undefined) {
          file.print('contentTypes: [', operation.body.contentTypes.map(literal).join(', '), '],');
          file.print('maxBytes: ', String(operation.body.maxBytes), ',');
        }
        file.print('status: ', String(operation.response.status), ',');
      }, '},');
    }
  }, '} as const;');
}
