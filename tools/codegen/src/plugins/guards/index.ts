// Emits boolean guards into @customer-chat/validators: `is<Schema>(value): value is <Schema>` for
// every named schema and `is<Message>(value)` for every message payload, with the verdict of the
// exported JSON Schemas (as ajv gives it) but as plain early-exit code: no error objects, no
// allocation on the valid path, small schemas inlined, discriminated unions dispatched on their
// constant. The precompiled validators stay what explains a failure; see compile.ts for the rules.
import { GeneratedFile, importSymbol, literal, pascalCase, type GeneratedFile as File } from '../../printer/generated-file.js';
import { definePlugin, type EmitContext, type PluginFile } from '../../plugin.js';
import { GuardCompiler, GuardGenerationError, guardName, type CompiledGuards, type Stmt } from './compile.js';
import type { ProtocolModel } from '@customer-chat/spec-model';

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
  const compiled = new GuardCompiler(model, file, source).compile(model.schemas);

  // Every name the module declares must be unique: a clash would bind two guards to one function.
  const declared = new Map<string, string>([['payloadGuards', 'the table of payload guards'], ...compiled.support.map((name) => [name, 'a support function'] as [string, string])]);
  const claim = (name: string, owner: string, pointer: string) => {
    const earlier = declared.get(name);
    if (earlier !== undefined) throw new GuardGenerationError(source, pointer, `${owner} would declare ${name}, already declared by ${earlier}; rename one of them`);
    declared.set(name, owner);
  };
  for (const { schema } of compiled.guards) claim(guardName(schema.name), `schema ${schema.name}`, schema.pointer);
  for (const helper of compiled.helpers) claim(helper.name, `the check of ${helper.pointer}`, helper.pointer);
  const schemaNames = new Set(model.schemas.map((s) => s.name));
  const messageGuard = (name: string) => `is${pascalCase(name)}`;
  for (const message of model.messages) {
    claim(messageGuard(message.name), `message ${message.name}`, message.pointer);
    if (message.payload !== undefined && !schemaNames.has(message.payload.ref)) {
      throw new GuardGenerationError(source, message.pointer, `the payload names schema ${message.payload.ref}, which the model does not have`);
    }
  }

  for (const line of compiled.declarations) file.print(line);
  file.blank();
  for (const { schema, body } of compiled.guards) {
    file.jsDoc(`Whether \`value\` is valid under \`${schema.pointer}\`.`);
    file.block(['export function ', guardName(schema.name), '(value: unknown): value is ', importSymbol(schema.name, MODELS, true), ' {'], () => printStmts(file, body));
    file.blank();
  }
  for (const message of model.messages) {
    const payload = message.payload;
    file.jsDoc(`Whether \`value\` is a valid \`${message.name}\` payload${payload === undefined ? ' (the message carries nothing: `null`)' : ` (\`${payload.ref}\`)`}.`);
    if (payload === undefined) file.block(['export function ', messageGuard(message.name), '(value: unknown): value is null {'], () => file.print('return value === null;'));
    else file.block(['export function ', messageGuard(message.name), '(value: unknown): value is ', importSymbol(payload.ref, MODELS, true), ' {'], () => file.print('return ', guardName(payload.ref), '(value);'));
    file.blank();
  }
  file.jsDoc('The payload guard of every message, by name, in the order of the spec.');
  file.block('export const payloadGuards = {', () => {
    for (const message of model.messages) file.print(IDENTIFIER.test(message.name) ? message.name : literal(message.name), ': ', messageGuard(message.name), ',');
  }, '} as const;');
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
