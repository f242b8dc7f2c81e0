// An ajv instance that understands this project's AsyncAPI schemas: AsyncAPI 3's default schema
// format is JSON Schema draft-07 plus a few annotation keywords (`discriminator`, `externalDocs`)
// and `x-` extensions. Those are registered as annotations so ajv's strict mode still rejects
// misspelt keywords (`maxItem`) instead of silently ignoring them.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { visitSchemas } from './schema-traversal.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The `$id` the document's schemas are registered under in the ajv instance. */
export const SPEC_SCHEMA_ID = 'urn:customer-chat:asyncapi';

const ASYNCAPI_ANNOTATIONS = ['discriminator', 'externalDocs', 'components'];

/** The `x-` keys of every schema under `components` (AsyncAPI objects entered too: `allKeys`). */
function extensionKeys(components: unknown): Set<string> {
  const keys = new Set<string>();
  visitSchemas(components, (node) => Object.keys(node).filter((key) => key.startsWith('x-')).forEach((key) => keys.add(key)), { allKeys: true });
  return keys;
}

/**
 * Registers `components` of the raw document under SPEC_SCHEMA_ID, so a pointer such as
 * `#/components/schemas/Event` or `#/components/messages/newEvent/payload` can be compiled.
 */
export function createSpecAjv(raw: Record<string, unknown>, options: Options = {}): Ajv {
  // ownProperties, as the validators: a property named `valueOf` is the example's own or absent,
  // never the function every object inherits.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true, ownProperties: true, ...options });
  addFormats(ajv);
  for (const keyword of [...ASYNCAPI_ANNOTATIONS, ...extensionKeys(raw.components)]) {
    ajv.addKeyword({ keyword, schemaType: ['string', 'object', 'array', 'boolean', 'number'] });
  }
  ajv.addSchema({ $id: SPEC_SCHEMA_ID, components: raw.components }, SPEC_SCHEMA_ID, undefined, false);
  return ajv;
}

/** Compiles the schema at a JSON pointer of the document (e.g. `/components/schemas/Event`). */
export function compileAt(ajv: Ajv, pointer: string) {
  const validate = ajv.getSchema(`${SPEC_SCHEMA_ID}#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
}
