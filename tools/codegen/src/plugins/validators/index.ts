// Emits @customer-chat/validators' generated sources: one module per message (its types, and
// `validate`/`is`/`assert` functions that ask the message's guard first and explain a failure only
// then), the schema set the explainer walks (parsed on first use), and the index with the tables.
// The guards themselves come from the `guards` plugin; the explainer is the package's runtime.
import { camelCase, GeneratedFile, importSymbol, literal, type GeneratedFile as File } from '../../printer/generated-file.js';
import { mapSchemas, messageDocsLink, visitSchemas } from '@customer-chat/spec-model';
import { definePlugin, PluginProblems, type EmitContext, type PluginFile, type PluginProblem } from '../../plugin.js';
import { formatRegExp } from '../../common/formats.js';
import { bundleSchema } from '../../common/message-schemas.js';
import { messageTypeNames, pointerOfName } from '../../common/queries.js';
import { declaredNames, importClashes, namedExports, parseRepositoryModule } from '../../common/typescript-names.js';
import type { JsonSchema, MessageModel, ProtocolModel } from '@customer-chat/spec-model';

// The package's hand-written runtime, by its own import specifiers (package.json "imports").
const RUNTIME = '#runtime/validation';
const EXPLAIN = '#runtime/explain';
// The package's /explain entry: on Node the root loads it only on a first failed check.
const EXPLAIN_ENTRY = '#explain';
const MODELS = '../models.js';
const GUARDS = '../guards/index.js';

function formatsUsed(schemas: readonly unknown[]): Set<string> {
  const formats = new Set<string>();
  for (const schema of schemas) visitSchemas(schema, (node) => typeof node.format === 'string' && formats.add(node.format));
  return formats;
}

/** The package's entry: it re-exports the generated index and the models, and exports runtime names of its own. */
const PACKAGE_ENTRY = 'packages/validators/src/index.ts';

function printMessageModule(file: File, model: ProtocolModel, message: MessageModel): void {
  const names = messageTypeNames(message);
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
  const guard = importSymbol(names.is, GUARDS);
  file.blank();
  file.print('export { ', guard, ' };');
  file.blank();
  file.jsDoc(`Validates a \`${message.name}\` payload; errors carry JSON pointers into it. The guard decides; only a failure is explained.`);
  file.block(['export function ', names.validate, '(data: unknown): ', validation, '<', names.payload, '> {'], () => {
    if (message.payload === undefined) file.print('return ', runtime('checkNothing'), '(data);');
    else file.print('return ', runtime('passes'), '(', guard, ', data) ? { ok: true, value: data } : ', runtime('invalid'), '(', importSymbol('explainPayload', EXPLAIN_ENTRY), '(', literal(message.name), ', data), data);');
  });
  file.blank();
  file.jsDoc(`Throws a ValidationError listing every problem unless \`data\` is a valid \`${message.name}\` payload.`);
  file.block(['export function ', names.assert, '(data: unknown): asserts data is ', names.payload, ' {'], () => {
    file.print('if (!', runtime('passes'), '(', guard, ', data)) ', runtime('assertValid'), '(', literal(message.name), ', ', names.validate, '(data));');
  });
  if (message.kind !== 'client') {
    const frameGuard = importSymbol(names.isFrame, GUARDS);
    file.blank();
    file.print('export { ', frameGuard, ' };');
    file.blank();
    file.jsDoc(`Validates a whole \`${message.name}\` frame (its fields and its payload).`);
    file.block(['export function ', names.validateFrame, '(frame: unknown): ', validation, '<', names.frame, '> {'], () => {
      file.print('return ', runtime('passes'), '(', frameGuard, ', frame) ? { ok: true, value: frame } : ', runtime('invalid'), '(', importSymbol('explainFrame', EXPLAIN_ENTRY), '(', literal(message.name), ', frame), frame);');
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
  // Literal lists, frozen in a call marked pure: a program that does not use them drops them.
  file.jsDoc('The names of every message, in the order of the spec.');
  file.print('export const messageNames: readonly MessageName[] = /*#__PURE__*/ Object.freeze([', model.messages.map((m) => literal(m.name)).join(', '), '] as const);');
  file.jsDoc('The names of every message that travels on the wire.');
  file.print('export const frameNames: readonly FrameName[] = /*#__PURE__*/ Object.freeze([', wire.map((m) => literal(m.name)).join(', '), '] as const);');
  file.blank();
  const list = (names: string[]) => names.flatMap((name, i) => (i === 0 ? [] : [', ']).concat([importSymbol(name, './guards/index.js')] as never[]));
  file.print('export { ', ...list(['payloadGuards', 'frameGuards', 'definitionGuards']), ' };');
  const messageGuards = new Set(model.messages.flatMap((m) => [messageTypeNames(m).is, messageTypeNames(m).isFrame]));
  const schemaGuards = model.schemas.map((s) => `is${s.name}`).filter((name) => !messageGuards.has(name));
  file.jsDoc('The guard of every named schema (`is<Schema>`); the message guards come with their messages above.');
  file.print('export { ', ...list(schemaGuards), ' };');
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
    // A fallback may leave the property out; then the union does not require it.
    const fallbackSchema = fallback === undefined ? undefined : model.schemas.find((s) => s.name === fallback)?.schema;
    const propertyRequired = fallbackSchema === undefined || ((fallbackSchema.required as string[] | undefined) ?? []).includes(property);
    // Each `if` requires the property: a value without it would otherwise pass the first `if` and
    // be checked as that branch, reporting fields of a branch it never named.
    const chain = branches.reduceRight<JsonSchema>(
      (elseBranch, branch) => ({
        if: { required: [property], properties: { [property]: { const: branch.value } } },
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

/** The schema set the explainer walks: the bundle's definitions, unions dispatched, annotations left out. */
function printSchemaSet(file: File, model: ProtocolModel): void {
  const bundle = withoutAnnotations(dispatchUnions(model, bundleSchema(model))) as JsonSchema;
  const formats = [...formatsUsed(model.schemas.map((s) => s.schema))].sort();
  const schemaSet = importSymbol('SchemaSet', EXPLAIN, true);
  file.print('let parsed: ', schemaSet, ' | undefined;');
  file.blank();
  file.jsDoc(
    'The definitions of `schemas/bundle.json` (each discriminated union as an if/then chain on its discriminator, so an error ' +
      'names the branch the value asked for; annotations left out), the formats in use and the guards, made on first use: ' +
      'only a failed check needs them.',
  );
  file.block(['export function schemaSet(): ', schemaSet, ' {'], () => {
    file.block('return (parsed ??= {', () => {
      file.print('definitions: JSON.parse(DEFINITIONS),');
      file.block('formats: {', () => {
        for (const name of formats) {
          const format = formatRegExp(name);
          file.print(literal(name), ': new RegExp(', literal(format.source), ', ', literal(format.flags), '),');
        }
      }, '},');
      file.print('guards: ', importSymbol('definitionGuards', './guards/index.js'), ',');
    }, '});');
  });
  file.blank();
  file.print('const DEFINITIONS = ', literal(JSON.stringify(bundle.definitions)), ';');
}

function emitValidators(model: ProtocolModel, context: EmitContext): PluginFile[] {
  const modelNames = new Set(model.schemas.map((s) => s.name));
  const files: PluginFile[] = [];
  const file = (path: string, preamble: string[] = []) => new GeneratedFile(path, context.generator, preamble);

  const index = file('index.ts');
  printIndex(index, model);
  const indexContent = index.toString();

  // Every identifier the package exports must be unique: a clash would silently bind two messages
  // to one validator, hide a model type behind a runtime export (`export { X }` wins over
  // `export type *`) or break the package's build. What is taken is read from the generated index
  // and the package's entry, not listed here.
  const problems: PluginProblem[] = [];
  const declared = new Map<string, string>();
  for (const name of [...declaredNames(indexContent, false), ...namedExports(parseRepositoryModule(index.path, indexContent))]) declared.set(name, 'the generated index');
  for (const name of namedExports(parseRepositoryModule(PACKAGE_ENTRY))) declared.set(name, `the package's entry (${PACKAGE_ENTRY})`);
  for (const named of model.schemas) {
    const owner = declared.get(named.name);
    if (owner !== undefined) problems.push({ pointer: named.pointer, message: `schema ${named.name} would be exported beside ${named.name} of ${owner}; rename it` });
  }
  for (const name of modelNames) declared.set(name, `schema ${name}`);
  for (const name of modelNames) declared.set(`is${name}`, `the guard of schema ${name}`);
  for (const message of model.messages) {
    const names = messageTypeNames(message);
    for (const name of Object.values(names)) {
      const owner = declared.get(name);
      if (owner !== undefined) problems.push({ pointer: message.pointer, message: `message ${message.name} would declare ${name}, already declared by ${owner}; rename one of them` });
      declared.set(name, `message ${message.name}`);
    }
  }
  if (problems.length > 0) throw new PluginProblems('validators', problems);
  for (const message of model.messages) {
    const wrapper = file(`messages/${message.name}.ts`);
    printMessageModule(wrapper, model, message);
    const content = wrapper.toString();
    for (const name of importClashes(wrapper, content)) problems.push({ pointer: pointerOfName(model, name), message: `${name} is declared by the generated ${wrapper.path} too; rename it` });
    files.push({ path: wrapper.path, content });
  }
  if (problems.length > 0) throw new PluginProblems('validators', problems);
  const set = file('schema-set.ts', ['What the explainer walks to say why a value failed its guard.']);
  printSchemaSet(set, model);
  files.push({ path: set.path, content: set.toString() });
  files.push({ path: index.path, content: indexContent });
  return files;
}

export const validatorsPlugin = definePlugin({
  name: 'validators',
  description: 'Validators: one typed module per message (guard first, errors explained on failure), the schema set the explainer walks, and the index.',
  output: { dir: 'packages/validators/src/gen', owns: true },
  reads: ['messages', 'schemas', 'discriminators', 'frameConstants', 'correlationField', 'source', 'info', 'requests'],
  // The message modules import the models and the guards.
  dependsOn: ['models', 'guards'],
  emit: emitValidators,
});
