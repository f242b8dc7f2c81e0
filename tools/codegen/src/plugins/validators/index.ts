// Emits @customer-chat/validators' generated sources: ajv standalone code compiled now (so nothing
// compiles at run time and a strict Content-Security-Policy is fine), one module per message for
// per-message imports, typed wrappers over it, and the index with the name -> validator tables.
import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { camelCase, GeneratedFile, importSymbol, literal, type GeneratedFile as File } from '../../printer/generated-file.js';
import { mapSchemas, messageDocsLink, visitSchemas } from '@customer-chat/spec-model';
import { definePlugin, type EmitContext, type PluginFile } from '../../plugin.js';
import { formatRegExp } from '../../common/formats.js';
import { BUNDLE_ID, bundleSchema, frameDefinition, payloadDefinition } from '../../common/message-schemas.js';
import { messageTypeNames } from '../../common/queries.js';
import type { JsonSchema, MessageModel, ProtocolModel } from '@customer-chat/spec-model';

type StandaloneCode = (ajv: Ajv, refs: Record<string, string>) => string;
// CommonJS interop: at run time the default import is the function, its typings say `.default`.
const standaloneCode: StandaloneCode =
  typeof standaloneModule === 'function' ? (standaloneModule as StandaloneCode) : (standaloneModule as unknown as { default: StandaloneCode }).default;

// The package's hand-written runtime, by its own import specifiers (package.json "imports").
const RUNTIME = '#runtime/validation';
const AJV_RUNTIME = '#runtime/ajv-runtime';
const MODELS = '../models.js';

/** ajv's standalone output `require`s these helpers; the package ships its own ESM copies. */
const AJV_RUNTIME_FUNCTIONS: Record<string, string> = {
  'ajv/dist/runtime/ucs2length': 'ucs2length',
  'ajv/dist/runtime/equal': 'equal',
};

function formatsUsed(schemas: readonly unknown[]): Set<string> {
  const formats = new Set<string>();
  for (const schema of schemas) visitSchemas(schema, (node) => typeof node.format === 'string' && formats.add(node.format));
  return formats;
}

/** Names the generated index declares itself. */
const INDEX_DECLARATIONS = new Set([
  'MessagePayloads', 'MessageFrames', 'MessageName', 'FrameName', 'payloadValidators', 'frameValidators', 'messageNames', 'frameNames', 'validate', 'validateFrame',
]);

/** The standalone module's export for a message's payload or frame validator. */
function standaloneExport(message: MessageModel, what: 'payload' | 'frame'): string {
  return `${camelCase(message.name)}${what === 'payload' ? 'Payload' : 'Frame'}`;
}

function compileStandalone(ajv: Ajv, refs: Record<string, string>): string {
  let code = standaloneCode(ajv, refs);
  const imports = new Set<string>();
  code = code.replace(/const (\w+) = require\("([^"]+)"\)\.default;/g, (_all: string, local: string, module: string) => {
    const helper = AJV_RUNTIME_FUNCTIONS[module];
    if (helper === undefined) throw new Error(`ajv standalone code needs ${module}, which the validators runtime does not provide`);
    imports.add(helper);
    return `const ${local} = ${helper};`;
  });
  if (/\brequire\(/.test(code)) throw new Error('ajv standalone code still requires a module');
  const importLine = imports.size > 0 ? `import { ${[...imports].sort().join(', ')} } from '${AJV_RUNTIME}';\n` : '';
  return `${importLine}${code.replace(/^"use strict";/, '')}\n`;
}

function printMessageModule(file: File, model: ProtocolModel, message: MessageModel): void {
  const names = messageTypeNames(message);
  const standalone = '../standalone.js';
  const runtime = (name: string, typeOnly = false) => importSymbol(name, RUNTIME, typeOnly);
  const validation = runtime('Validation', true);

  file.jsDoc(`Payload of \`${message.name}\`: ${message.summary ?? ''}`, message.description, `@see ${messageDocsLink(model, message)}`);
  // A message that carries nothing: its handler gets no argument; `null` stands for it in JSON.
  if (message.payload === undefined) file.print('export type ', names.payload, ' = undefined | null;');
  else file.print('export type ', names.payload, ' = ', importSymbol(message.payload.ref, MODELS, true), ';');
  if (message.kind !== 'client') {
    const headers = importSymbol(message.headersSchema!, MODELS, true);
    const action = message.action === undefined ? [] : [`action: ${literal(message.action)}; `];
    file.blank();
    file.jsDoc(`The whole ${message.kind} frame carrying \`${message.name}\` on the wire.`);
    const payload = message.payload === undefined ? 'payload?: null' : ['payload: ', names.payload];
    file.print('export type ', names.frame, ' = ', message.action === undefined ? headers : ['Omit<', headers, ", 'action'>"], ' & { ', ...action, payload, ' };');
  }
  file.blank();
  file.jsDoc(`Validates a \`${message.name}\` payload; errors carry JSON pointers into it.`);
  file.block(['export function ', names.validate, '(data: unknown): ', validation, '<', names.payload, '> {'], () => {
    if (message.payload === undefined) file.print('return ', runtime('checkNothing'), '(data);');
    else file.print('return ', runtime('check'), '<', names.payload, '>(', importSymbol(standaloneExport(message, 'payload'), standalone), ', data);');
  });
  file.blank();
  file.jsDoc(`Whether \`data\` is a valid \`${message.name}\` payload.`);
  file.block(['export function ', names.is, '(data: unknown): data is ', names.payload, ' {'], () => {
    file.print('return ', names.validate, '(data).ok;');
  });
  file.blank();
  file.jsDoc(`Throws a ValidationError listing every problem unless \`data\` is a valid \`${message.name}\` payload.`);
  file.block(['export function ', names.assert, '(data: unknown): asserts data is ', names.payload, ' {'], () => {
    file.print(runtime('assertValid'), '(', literal(message.name), ', ', names.validate, '(data));');
  });
  if (message.kind !== 'client') {
    file.blank();
    file.jsDoc(`Validates a whole \`${message.name}\` frame (its fields and its payload).`);
    file.block(['export function ', names.validateFrame, '(frame: unknown): ', validation, '<', names.frame, '> {'], () => {
      file.print('return ', runtime('check'), '<', names.frame, '>(', importSymbol(standaloneExport(message, 'frame'), standalone), ', frame);');
    });
  }
}

function printIndex(file: File, model: ProtocolModel): void {
  const wire = model.messages.filter((m) => m.kind !== 'client');
  const module = (m: MessageModel) => `./messages/${m.name}.js`;
  for (const message of model.messages) file.print(`export * from '${module(message)}';`);
  file.blank();
  file.jsDoc('Every message of the protocol by name, with its payload type.');
  file.block('export interface MessagePayloads {', () => {
    for (const m of model.messages) file.print(m.name, ': ', importSymbol(messageTypeNames(m).payload, module(m), true), ';');
  });
  file.blank();
  file.jsDoc('Every message that travels on the wire by name, with its frame type.');
  file.block('export interface MessageFrames {', () => {
    for (const m of wire) file.print(m.name, ': ', importSymbol(messageTypeNames(m).frame, module(m), true), ';');
  });
  file.blank();
  file.print('export type MessageName = keyof MessagePayloads;');
  file.print('export type FrameName = keyof MessageFrames;');
  file.blank();
  const validation = importSymbol('Validation', RUNTIME, true);
  file.block(['const payloadValidators: { readonly [N in MessageName]: (data: unknown) => ', validation, '<MessagePayloads[N]> } = {'], () => {
    for (const m of model.messages) file.print(m.name, ': ', importSymbol(messageTypeNames(m).validate, module(m)), ',');
  }, '};');
  file.blank();
  file.block(['const frameValidators: { readonly [N in FrameName]: (frame: unknown) => ', validation, '<MessageFrames[N]> } = {'], () => {
    for (const m of wire) file.print(m.name, ': ', importSymbol(messageTypeNames(m).validateFrame, module(m)), ',');
  }, '};');
  file.blank();
  file.jsDoc('The names of every message, in the order of the spec.');
  file.print('export const messageNames: readonly MessageName[] = Object.freeze(Object.keys(payloadValidators) as MessageName[]);');
  file.jsDoc('The names of every message that travels on the wire.');
  file.print('export const frameNames: readonly FrameName[] = Object.freeze(Object.keys(frameValidators) as FrameName[]);');
  file.blank();
  file.jsDoc('Validates the payload of the named message. Throws a TypeError for a name the protocol does not have.');
  file.block(['export function validate<N extends MessageName>(name: N, data: unknown): ', validation, '<MessagePayloads[N]> {'], () => {
    file.print('return ', importSymbol('lookup', RUNTIME), "(payloadValidators, name, 'message')(data);");
  });
  file.blank();
  file.jsDoc('Validates a whole frame of the named message. Throws a TypeError for a name that has no frame.');
  file.block(['export function validateFrame<N extends FrameName>(name: N, frame: unknown): ', validation, '<MessageFrames[N]> {'], () => {
    file.print('return ', importSymbol('lookup', RUNTIME), "(frameValidators, name, 'frame')(frame);");
  });
}

/**
 * A discriminated `oneOf` reports the errors of every branch, so the first error often names a
 * field of a branch the value never meant to be. For the validators each union becomes an if/then
 * chain on the discriminator (same accepted values, since branches have distinct constants): only
 * the branch the value names is checked, and an unknown value fails at the discriminator itself.
 */
function dispatchUnions(model: ProtocolModel, bundle: JsonSchema): JsonSchema {
  const definitions = { ...(bundle.definitions as Record<string, JsonSchema>) };
  for (const union of model.discriminators) {
    const { property, branches, fallback } = union;
    const otherwise: JsonSchema =
      fallback === undefined ? { properties: { [property]: { enum: branches.map((b) => b.value) } } } : { $ref: `#/definitions/${fallback}` };
    // A fallback may leave the property out; then each `if` requires it, or a value without it
    // would pass the first `if` and be checked as that branch.
    const fallbackSchema = fallback === undefined ? undefined : model.schemas.find((s) => s.name === fallback)?.schema;
    const propertyRequired = fallbackSchema === undefined || ((fallbackSchema.required as string[] | undefined) ?? []).includes(property);
    const chain = branches.reduceRight<JsonSchema>(
      (elseBranch, branch) => ({
        if: { ...(propertyRequired ? {} : { required: [property] }), properties: { [property]: { const: branch.value } } },
        then: { $ref: `#/definitions/${branch.schema}` },
        else: elseBranch,
      }),
      otherwise,
    );
    definitions[union.union] = { type: 'object', ...(propertyRequired ? { required: [property] } : {}), properties: { [property]: { type: 'string' } }, ...chain };
  }
  return { ...bundle, definitions };
}

/** Annotations do not change what validates; leaving them out keeps the precompiled code small. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment']);

function withoutAnnotations(schema: unknown): unknown {
  return mapSchemas(schema, (node) => Object.fromEntries(Object.entries(node).filter(([keyword]) => !ANNOTATIONS.has(keyword))));
}

function emitValidators(model: ProtocolModel, context: EmitContext): PluginFile[] {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, inlineRefs: false, ownProperties: true, code: { source: true, esm: true, lines: true, optimize: true } });
  for (const name of [...formatsUsed(model.schemas.map((s) => s.schema))].sort()) ajv.addFormat(name, formatRegExp(name));
  // One document, one ajv compilation: each named schema becomes one function that every message
  // shares. Bundlers drop the exports a program does not import, so per-message imports stay small.
  ajv.addSchema(withoutAnnotations(dispatchUnions(model, bundleSchema(model))) as object);
  const modelNames = new Set(model.schemas.map((s) => s.name));
  const refs: Record<string, string> = {};
  const files: PluginFile[] = [];
  const file = (path: string, preamble: string[] = []) => new GeneratedFile(path, context.generator, preamble);

  // Every identifier the emitted modules declare must be unique: a clash would silently bind two
  // messages to one validator, or shadow a model type.
  const declared = new Map<string, string>([...INDEX_DECLARATIONS].map((name) => [name, 'the generated index']));
  for (const name of modelNames) declared.set(name, `schema ${name}`);
  for (const message of model.messages) {
    const names = messageTypeNames(message);
    const own = [...Object.values(names), standaloneExport(message, 'payload'), standaloneExport(message, 'frame')];
    for (const name of own) {
      const owner = declared.get(name);
      if (owner !== undefined) throw new Error(`${model.source}#${message.pointer}: message ${message.name} would declare ${name}, already declared by ${owner}; rename one of them`);
      declared.set(name, `message ${message.name}`);
    }
  }
  for (const message of model.messages) {
    const names = messageTypeNames(message);
    if (message.payload !== undefined) refs[standaloneExport(message, 'payload')] = `${BUNDLE_ID}#/definitions/${payloadDefinition(message)}`;
    if (message.kind !== 'client') refs[standaloneExport(message, 'frame')] = `${BUNDLE_ID}#/definitions/${frameDefinition(message)}`;
    const wrapper = file(`messages/${message.name}.ts`);
    printMessageModule(wrapper, model, message);
    files.push({ path: wrapper.path, content: wrapper.toString() });
  }
  const js = file('standalone.js', ['ajv standalone code: precompiled validators, no code is compiled at run time.']);
  files.push({ path: js.path, content: `${js.toString()}${compileStandalone(ajv, refs)}` });
  const dts = file('standalone.d.ts');
  const compiled = importSymbol('CompiledValidator', RUNTIME, true);
  for (const name of Object.keys(refs)) dts.print('export declare const ', name, ': ', compiled, ';');
  files.push({ path: dts.path, content: dts.toString() });
  const index = file('index.ts');
  printIndex(index, model);
  files.push({ path: index.path, content: index.toString() });
  return files;
}

export const validatorsPlugin = definePlugin({
  name: 'validators',
  description: 'Precompiled ajv standalone validators, one typed module per message, and the index (messages, schemas, discriminators).',
  output: { dir: 'packages/validators/src/gen', owns: true },
  reads: ['messages', 'schemas', 'discriminators', 'frameConstants', 'correlationField', 'source', 'info', 'requests'],
  // The message modules import the models.
  dependsOn: ['models'],
  emit: emitValidators,
});
