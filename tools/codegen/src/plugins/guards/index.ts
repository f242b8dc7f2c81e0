// Emits boolean guards into @customer-chat/validators: `is<Schema>(value): value is <Schema>` for
// every named schema and `is<Message>(value)` for every message payload, with the verdict of the
// exported JSON Schemas (as ajv gives it) but as plain early-exit code: no error objects, no
// allocation on the valid path, small schemas inlined, discriminated unions dispatched on their
// constant. The precompiled validators stay what explains a failure; see compile.ts for the rules.
import { GeneratedFile, importSymbol, literal, pascalCase, type GeneratedFile as File } from '../../printer/generated-file.js';
import { definePlugin, PluginProblems, type EmitContext, type PluginFile, type PluginProblem } from '../../plugin.js';
import { GuardCompiler, guardName, type CompiledGuards, type Stmt } from './compile.js';
import { frameDefinition, frameRoot, payloadDefinition } from '../../common/message-schemas.js';
import { messageTypeNames } from '../../common/queries.js';
import type { JsonSchema, NamedSchema, ProtocolModel } from '@customer-chat/spec-model';

const MODELS = '../models.js';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function printStmts(file: File, stmts: readonly Stmt[]): void {
  for (const stmt of stmts) {
    if (typeof stmt === 'string') file.print(stmt);
    else file.block(stmt.open, () => printStmts(file, stmt.body), stmt.close ?? '}');
  }
}

/** Functions the guards call only when a keyword needs them (none does on the current spec). */
const SUPPORT: Record<CompiledGuards['support'][number], { doc: string; lines: string[] }> = {
  deepEqual: {
    doc: "fast-deep-equal 3.1.3, ajv's `equal`, line for line: the same answers for values that are not JSON (Date, RegExp, class instances) too.",
    lines: [
      '// eslint-disable-next-line @typescript-eslint/no-explicit-any',
      'function deepEqual(a: any, b: any): boolean {',
      '  if (a === b) return true;',
      "  if (a && b && typeof a === 'object' && typeof b === 'object') {",
      '    if (a.constructor !== b.constructor) return false;',
      '    let length: number;',
      '    if (Array.isArray(a)) {',
      '      length = a.length;',
      "      // Loose, as fast-deep-equal's: `b` may be a non-array whose constructor is Array.",
      '      if (length != b.length) return false;',
      '      for (let i = length; i-- !== 0; ) if (!deepEqual(a[i], b[i])) return false;',
      '      return true;',
      '    }',
      '    if (a.constructor === RegExp) return a.source === b.source && a.flags === b.flags;',
      '    if (a.valueOf !== Object.prototype.valueOf) return a.valueOf() === b.valueOf();',
      '    if (a.toString !== Object.prototype.toString) return a.toString() === b.toString();',
      '    const keys = Object.keys(a);',
      '    length = keys.length;',
      '    if (length !== Object.keys(b).length) return false;',
      '    for (let i = length; i-- !== 0; ) if (!Object.prototype.hasOwnProperty.call(b, keys[i]!)) return false;',
      '    for (let i = length; i-- !== 0; ) {',
      '      const key = keys[i]!;',
      '      if (!deepEqual(a[key], b[key])) return false;',
      '    }',
      '    return true;',
      '  }',
      '  return a !== a && b !== b;',
      '}',
    ],
  },
  uniqueDeep: {
    doc: "ajv's uniqueItems with deep equality, in ajv's order; `false` where ajv's comparison throws (a `valueOf` that is not a function, a cycle).",
    lines: [
      'function uniqueDeep(items: readonly unknown[]): boolean {',
      '  try {',
      '    for (let i = items.length; i-- > 0; ) for (let j = i; j-- > 0; ) if (deepEqual(items[i], items[j])) return false;',
      '    return true;',
      '  } catch {',
      '    return false;',
      '  }',
      '}',
    ],
  },
  constEqual: {
    doc: 'A `const` that is an object or a list; `false` where the comparison throws.',
    lines: ['function constEqual(value: unknown, constant: unknown): boolean {', '  try {', '    return deepEqual(value, constant);', '  } catch {', '    return false;', '  }', '}'],
  },
  enumEqual: {
    doc: 'An `enum` with objects or lists among its values, compared in order as ajv does; `false` where a comparison throws.',
    lines: [
      'function enumEqual(value: unknown, values: unknown): boolean {',
      '  try {',
      "    for (const candidate of values as unknown[]) if (typeof candidate === 'object' && candidate !== null ? deepEqual(value, candidate) : value === candidate) return true;",
      '    return false;',
      '  } catch {',
      '    return false;',
      '  }',
      '}',
    ],
  },
};

function emitGuards(model: ProtocolModel, context: EmitContext): PluginFile[] {
  const source = context.generator.source;
  const file = new GeneratedFile('index.ts', context.generator, [
    'Boolean guards: one per named schema and one per message payload, with the verdict of the exported',
    'JSON Schemas as ajv gives it (own properties only), written as early-exit code that allocates nothing',
    'on the valid path. They say whether a value is valid, not why: the validators explain a failure.',
  ]);
  // The wire frames: the header fields are the same for every message with the same headers schema
  // but for the pinned action, so each headers schema is compiled once as a private check (action any
  // string, payload any value); a frame guard adds its action and its payload's guard.
  const wire = model.messages.filter((m) => m.kind !== 'client');
  const headerChecks = new Map<string, NamedSchema>();
  const headerCheckOf = (message: (typeof wire)[number]): NamedSchema => {
    const key = message.headersSchema ?? `${message.kind} frame`;
    let check = headerChecks.get(key);
    if (check === undefined) {
      const root = frameRoot(message);
      const properties = { ...(root.properties as Record<string, JsonSchema>) };
      const action = (message.headers?.properties as Record<string, JsonSchema> | undefined)?.action;
      if (action !== undefined) properties.action = action;
      properties.payload = {};
      const schema: JsonSchema = { ...root, properties, required: ((root.required as string[]) ?? []).filter((name) => name !== 'payload') };
      check = { name: `${pascalCase(key.replace(/\W+/g, '_'))}Fields`, pointer: message.headers === undefined ? message.pointer : `/components/schemas/${message.headersSchema ?? ''}`, description: undefined, schema };
      headerChecks.set(key, check);
    }
    return check;
  };
  for (const message of wire) headerCheckOf(message);
  const compiled = new GuardCompiler(model, file).compile([...model.schemas, ...headerChecks.values()]);
  // The frame checks by identity: a schema of the spec may carry the same name as one of them.
  const frameChecks = new Set<NamedSchema>(headerChecks.values());

  // Every name the module declares must be unique: a clash would bind two guards to one function.
  // Every clash is reported, each at the pointer of the construct that would take the name.
  const problems: PluginProblem[] = [];
  const tables: Array<[string, string]> = [['payloadGuards', 'the table of payload guards'], ['frameGuards', 'the table of frame guards'], ['definitionGuards', 'the table of definition guards']];
  const declared = new Map<string, string>([...tables, ...compiled.support.map((name) => [name, 'a support function'] as [string, string])]);
  const claim = (name: string, owner: string, pointer: string) => {
    const earlier = declared.get(name);
    if (earlier !== undefined) problems.push({ pointer, message: `${owner} would declare ${name}, already declared by ${earlier}; rename one of them` });
    else declared.set(name, owner);
  };
  for (const { schema } of compiled.guards) claim(guardName(schema.name), frameChecks.has(schema) ? `the frame fields of ${schema.pointer}` : `schema ${schema.name}`, schema.pointer);
  for (const message of wire) claim(guardName(messageTypeNames(message).frame), `the frame of ${message.name}`, message.pointer);
  for (const helper of compiled.helpers) claim(helper.name, `the check of ${helper.pointer}`, helper.pointer);
  const schemaNames = new Set(model.schemas.map((s) => s.name));
  const messageGuard = (name: string) => `is${pascalCase(name)}`;
  for (const message of model.messages) {
    claim(messageGuard(message.name), `message ${message.name}`, message.pointer);
    if (message.payload !== undefined && !schemaNames.has(message.payload.ref)) {
      problems.push({ pointer: message.pointer, message: `the payload names schema ${message.payload.ref}, which the model does not have` });
    }
  }
  if (problems.length > 0) throw new PluginProblems('guards', problems);

  for (const line of compiled.declarations) file.print(line);
  file.blank();
  for (const { schema, body } of compiled.guards) {
    if (frameChecks.has(schema)) {
      file.jsDoc(`The header fields of a frame with the headers of \`${schema.pointer}\` (any action, any payload): what the frame guards share.`);
      file.block(['function ', guardName(schema.name), '(value: unknown): boolean {'], () => printStmts(file, body));
    } else {
      file.jsDoc(`Whether \`value\` is valid under \`${schema.pointer}\`.`);
      file.block(['export function ', guardName(schema.name), '(value: unknown): value is ', importSymbol(schema.name, MODELS, true), ' {'], () => printStmts(file, body));
    }
    file.blank();
  }
  for (const message of wire) {
    const names = messageTypeNames(message);
    const action = message.action !== undefined && (message.headers?.properties as Record<string, unknown> | undefined)?.action !== undefined ? message.action : undefined;
    // A frame's type is declared beside its message's validators (a type-only import, no cycle at run time).
    file.jsDoc(`Whether \`value\` is a whole \`${message.name}\` ${message.kind} frame (its header fields and its payload).`);
    file.block(['export function ', guardName(names.frame), '(value: unknown): value is ', importSymbol(names.frame, `../messages/${message.name}.js`, true), ' {'], () => {
      file.print('if (!', guardName(headerCheckOf(message).name), '(value)) return false;');
      file.print('const _frame = value as Record<string, unknown>;');
      if (action !== undefined) file.print('if (_frame.action !== ', literal(action), ') return false;');
      file.print('const _payload = _frame.payload;');
      // A payload is absent when it is undefined or inherited, as ajv reads a frame.
      if (message.payload === undefined) file.print("return _payload === undefined || _payload === null || !hasOwn.call(_frame, 'payload');");
      else {
        file.print("if (_payload === undefined || !hasOwn.call(_frame, 'payload')) return false;");
        file.print('return ', guardName(message.payload.ref), '(_payload);');
      }
    });
    file.blank();
  }
  for (const message of model.messages) {
    const payload = message.payload;
    file.jsDoc(`Whether \`value\` is a valid \`${message.name}\` payload${payload === undefined ? ' (the message carries nothing: `undefined`, or `null` in JSON)' : ` (\`${payload.ref}\`)`}.`);
    if (payload === undefined) file.block(['export function ', messageGuard(message.name), '(value: unknown): value is undefined | null {'], () => file.print('return value === undefined || value === null;'));
    else file.block(['export function ', messageGuard(message.name), '(value: unknown): value is ', importSymbol(payload.ref, MODELS, true), ' {'], () => file.print('return ', guardName(payload.ref), '(value);'));
    file.blank();
  }
  const key = (name: string) => (IDENTIFIER.test(name) ? name : literal(name));
  file.jsDoc('The payload guard of every message, by name, in the order of the spec.');
  file.block('export const payloadGuards = {', () => {
    for (const message of model.messages) file.print(key(message.name), ': ', messageGuard(message.name), ',');
  }, '} as const;');
  file.blank();
  file.jsDoc('The frame guard of every message that travels on the wire, by name.');
  file.block('export const frameGuards = {', () => {
    for (const message of wire) file.print(key(message.name), ': ', guardName(messageTypeNames(message).frame), ',');
  }, '} as const;');
  file.blank();
  file.jsDoc(
    'Guards by the name of their definition in the bundled JSON Schema (`schemas/bundle.json`): every named schema, ' +
      '`payload.<message>` and `frame.<message>`. The explainer skips a subtree whose guard passes.',
  );
  file.block('export const definitionGuards: Readonly<Record<string, (value: unknown) => boolean>> = {', () => {
    for (const schema of model.schemas) file.print(key(schema.name), ': ', guardName(schema.name), ',');
    for (const message of model.messages) {
      // A payload-less message's definition is `null` only; its message guard also takes `undefined`.
      if (message.payload !== undefined) file.print(literal(payloadDefinition(message)), ': ', messageGuard(message.name), ',');
    }
    for (const message of wire) file.print(literal(frameDefinition(message)), ': ', guardName(messageTypeNames(message).frame), ',');
  }, '};');
  for (const helper of compiled.helpers) {
    file.blank();
    file.jsDoc(`\`${helper.pointer}\`, for a place where the value may be absent or inherited (an optional property, a map entry).`);
    file.block(['function ', helper.name, '(value: unknown): boolean {'], () => printStmts(file, helper.body));
  }
  for (const name of compiled.support) {
    file.blank();
    file.jsDoc(SUPPORT[name].doc);
    for (const line of SUPPORT[name].lines) file.print(line);
  }
  return [{ path: file.path, content: file.toString() }];
}

export const guardsPlugin = definePlugin({
  name: 'guards',
  description: 'Boolean guards for every named schema and message payload: the JSON Schemas\' verdict, early exit, no allocation on the valid path.',
  // Inside the validators' folder, which that plugin owns: a file left there is reported and removed
  // through it. Owning it here too would list such a file twice (and remove it twice).
  output: { dir: 'packages/validators/src/gen/guards', owns: false },
  reads: ['schemas', 'discriminators', 'messages'],
  // The guards' type predicates name the models.
  dependsOn: ['models'],
  emit: emitGuards,
});
