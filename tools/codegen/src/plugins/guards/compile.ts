// Compiles the named JSON Schemas into boolean guards with exactly the verdict of ajv as the
// validators run it (draft-07, `ownProperties: true`, `unicodeRegExp` on, strict numbers, formats
// from common/formats.ts): early exit on the first failure, no allocation on the valid path.
//
// What ajv does, and the guards with it:
// - `type`: `object` is any non-null, non-array object (Date, Map and class instances too), `number`
//   and `integer` are finite (`integer` also whole: -0 and 2^53 are integers), `null` is `=== null`.
//   The keywords of a type (minLength, minimum, properties, items...) apply to values of that type only.
// - `required` and `properties` see own properties whose value is not `undefined`; an inherited or
//   `undefined` property is absent. `additionalProperties` and min/maxProperties count own
//   enumerable string keys (`Object.keys`), `__proto__` and `constructor` included.
// - min/maxLength count code points (ajv's ucs2length: a surrogate pair is one, a lone surrogate one).
// - `pattern` is `new RegExp(pattern, 'u')` (ajv's default `unicodeRegExp: true`), unanchored.
// - `uniqueItems` compares with fast-deep-equal, or, when `items` declares primitive types, through
//   an object keyed by the items (where a second `"__proto__"` string goes unnoticed; kept, since the
//   verdict must be ajv's). Where ajv's comparison throws (a `valueOf` that is not a function, a cycle),
//   the guard says `false`.
// - A discriminated `oneOf` is dispatched on its constant: every branch but the fallback requires the
//   property with its own `const`, and the fallback excludes those values, so at most one branch can
//   pass and the one the discriminant names is the only one to try.
import { appendPointer, definitionName, type Discriminator, type JsonSchema, type NamedSchema, type ProtocolModel } from '@customer-chat/spec-model';
import { importSymbol, literal, type GeneratedFile } from '../../printer/generated-file.js';
import { PluginProblems } from '../../plugin.js';
import { formatRegExp } from '../../common/formats.js';
import { and, atom, isConst, not, or, print, size, type Expr } from './expr.js';

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', '$comment']);
const KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'not', 'discriminator', 'format',
  'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);
const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;
type JsonType = (typeof JSON_TYPES)[number];

/** A named schema whose guard is one expression at most this long is inlined where it is referenced. */
const INLINE_MAX_CHARS = 240;

/** The hand-written runtime's code-point count (the same algorithm as ajv's ucs2length). */
const UCS2LENGTH = importSymbol('ucs2length', '#runtime/ajv-runtime');

/** A statement of a guard's body: a line, or a block around nested statements. */
export type Stmt = string | { readonly open: string; readonly body: readonly Stmt[]; readonly close?: string };



const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function failIf(condition: Expr): Stmt {
  return `if (${print(condition)}) return false;`;
}

function jsonTypeOf(value: unknown): JsonType | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value as JsonType;
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return undefined;
}

function accepts(types: readonly JsonType[] | undefined, type: JsonType): boolean {
  return types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
}

/** A JavaScript literal for a primitive JSON value. */
function primitiveLiteral(value: unknown): string {
  if (typeof value === 'string') return literal(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  return String(value);
}

/** The locals of one generated function, prefixed with `_` so they never shadow a module-level name. */
class Scope {
  private readonly used = new Set<string>();

  local(base: string): string {
    const stem = `_${base.replace(/[^\w$]/g, '_') || 'v'}`;
    let name = stem;
    for (let i = 2; this.used.has(name); i += 1) name = `${stem}${i}`;
    this.used.add(name);
    return name;
  }
}

interface Helper {
  name: string;
  schema: JsonSchema;
  pointer: string;
}

export interface CompiledGuards {
  /** Module-level declarations (own-property check, regular expressions, constants). */
  declarations: string[];
  /** Per named schema, in model order: the statements of `is<Name>(value)`. */
  guards: Array<{ schema: NamedSchema; body: Stmt[] }>;
  /** Private functions for structural subschemas checked in a conditional place (optional property, map value). */
  helpers: Array<{ name: string; pointer: string; body: Stmt[] }>;
  /** Helper functions written out verbatim (deep equality), when some keyword needs them. */
  support: Array<'deepEqual' | 'uniqueDeep' | 'constEqual' | 'enumEqual'>;
}

export function guardName(schemaName: string): string {
  return `is${schemaName}`;
}

export class GuardCompiler {
  private readonly named: Map<string, NamedSchema>;
  private readonly unions: Map<string, Discriminator>;
  private readonly helpers = new Map<string, Helper>();
  private readonly helperNames = new Set<string>();
  private readonly queue: Helper[] = [];
  /** Module-level declarations by what they hold, each with its name. */
  private readonly declarations = new Map<string, { name: string; code: string }>();
  private readonly declaredNames = new Set<string>();
  private readonly support = new Set<CompiledGuards['support'][number]>();
  private readonly inlineable = new Map<string, boolean>();

  constructor(
    model: Pick<ProtocolModel, 'schemas' | 'discriminators'>,
    private readonly file: GeneratedFile,
  ) {
    this.named = new Map(model.schemas.map((s) => [s.name, s]));
    this.unions = new Map(model.discriminators.map((d) => [d.union, d]));
  }

  compile(schemas: readonly NamedSchema[]): CompiledGuards {
    const guards = schemas.map((schema) => ({ schema, body: this.namedBody(schema) }));
    const helpers: CompiledGuards['helpers'] = [];
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      const scope = new Scope();
      helpers.push({ name: next.name, pointer: next.pointer, body: [...this.stmts(next.schema, next.pointer, 'value', scope), 'return true;'] });
    }
    const order: CompiledGuards['support'] = ['deepEqual', 'uniqueDeep', 'constEqual', 'enumEqual'];
    return { declarations: [...this.declarations.values()].map((d) => d.code), guards, helpers, support: order.filter((name) => this.support.has(name)) };
  }

  private fail(pointer: string, message: string): never {
    throw new PluginProblems('guards', [{ pointer, message }]);
  }

  // ---- bodies ----------------------------------------------------------------------------------

  private namedBody(named: NamedSchema): Stmt[] {
    const { schema, pointer } = named;
    if (schema.oneOf !== undefined) return this.unionBody(named);
    if (schema.discriminator !== undefined) this.fail(appendPointer(pointer, 'discriminator'), 'a discriminator needs a oneOf beside it');
    if (this.isStructural(schema, pointer)) return [...this.stmts(schema, pointer, 'value', new Scope()), 'return true;'];
    return [`return ${print(this.expr(schema, pointer, 'value'))};`];
  }

  private unionBody(named: NamedSchema): Stmt[] {
    const { schema, pointer, name } = named;
    const union = this.unions.get(name);
    const oneOf = schema.oneOf;
    if (union === undefined || !Array.isArray(oneOf)) return this.fail(appendPointer(pointer, 'oneOf'), 'a oneOf is supported only as a discriminated union (discriminator and branches in the model)');
    const property = union.property;
    const refs = oneOf.map((branch, i) => (isObject(branch) ? definitionName(branch.$ref) : undefined) ?? this.fail(appendPointer(pointer, 'oneOf', i), 'a union branch must be a $ref to a named schema'));
    const declared = [...union.branches.map((b) => b.schema), ...(union.fallback === undefined ? [] : [union.fallback])];
    if ([...refs].sort().join() !== [...declared].sort().join()) this.fail(appendPointer(pointer, 'oneOf'), `the branches (${refs.join(', ')}) are not the discriminator's (${declared.join(', ')})`);

    // The dispatch is right only if at most one branch can pass: check what it relies on.
    for (const branch of union.branches) {
      const target = this.namedSchema(branch.schema, pointer);
      const prop = isObject(target.schema.properties) && Object.hasOwn(target.schema.properties, property) ? target.schema.properties[property] : undefined;
      const required = Array.isArray(target.schema.required) && target.schema.required.includes(property);
      if (!isObject(prop) || prop.const !== branch.value || !required) {
        this.fail(target.pointer, `branch ${branch.schema} of ${name} must require "${property}" with const ${JSON.stringify(branch.value)}`);
      }
    }
    if (union.fallback !== undefined) {
      const target = this.namedSchema(union.fallback, pointer);
      const prop = isObject(target.schema.properties) && Object.hasOwn(target.schema.properties, property) ? target.schema.properties[property] : undefined;
      const excluded = isObject(prop) && isObject(prop.not) && Array.isArray(prop.not.enum) ? prop.not.enum : [];
      const missing = union.branches.filter((b) => !excluded.includes(b.value));
      if (missing.length > 0) this.fail(target.pointer, `fallback ${union.fallback} of ${name} must exclude ${missing.map((b) => b.value).join(', ')} from "${property}"`);
    }

    const scope = new Scope();
    const { oneOf: _oneOf, discriminator: _discriminator, ...rest } = schema;
    const out: Stmt[] = [...this.stmts(rest, pointer, 'value', scope)];
    const notObject = 'typeof value !== \'object\' || value === null || Array.isArray(value)';
    const branchNames = [...union.branches.map((b) => b.schema), ...(union.fallback === undefined ? [] : [union.fallback])];
    const onlyObjects = branchNames.every((branch) => {
      const types = this.types(this.namedSchema(branch, pointer).schema, pointer);
      return types !== undefined && types.length === 1 && types[0] === 'object';
    });
    if (onlyObjects) out.push(`if (${notObject}) return false;`);
    else {
      // Branches that take non-objects are not told apart by a property: count them as oneOf does.
      const count = scope.local('matches');
      out.push({ open: `if (${notObject}) {`, body: [`let ${count} = 0;`, ...branchNames.map((b) => `if (${guardName(b)}(value)) ${count} += 1;`), `return ${count} === 1;`] });
    }
    const object = scope.local('object');
    out.push(`const ${object} = value as Record<string, unknown>;`);
    const fallback = union.fallback === undefined ? undefined : guardName(union.fallback);
    const cases: Stmt[] = union.branches.map((branch) => {
      // A constant inherited rather than own leaves the property absent: only the fallback may take it.
      const orFallback = fallback === undefined ? '' : ` || (!hasOwn.call(${object}, ${literal(property)}) && ${fallback}(value))`;
      return `case ${literal(branch.value)}: return ${guardName(branch.schema)}(value)${orFallback};`;
    });
    cases.push(`default: return ${fallback === undefined ? 'false' : `${fallback}(value)`};`);
    this.useHasOwn();
    out.push({ open: `switch (${this.access(object, property)}) {`, body: cases });
    return out;
  }

  // ---- statements ------------------------------------------------------------------------------

  /** Statements that return false unless `x` is valid. Structural keywords are written inline. */
  private stmts(schema: JsonSchema, pointer: string, x: string, scope: Scope): Stmt[] {
    this.checkKeywords(schema, pointer);
    if (schema.oneOf !== undefined) this.fail(appendPointer(pointer, 'oneOf'), 'a oneOf is supported only on a named schema (components.schemas) with a discriminator');
    const out: Stmt[] = [];
    if (schema.$ref !== undefined) {
      const target = this.resolve(schema.$ref, pointer);
      if (this.canInline(target)) out.push(...this.stmts(target.schema, target.pointer, x, scope));
      else out.push(failIf(not(atom(`${guardName(target.name)}(${x})`))));
    }
    const leaf = this.leafExpr(schema, pointer, x);
    if (isConst(leaf, false)) return [...out, 'return false;'];
    if (!isConst(leaf, true)) out.push(failIf(not(leaf)));

    const types = this.types(schema, pointer);
    if (this.hasObjectWork(schema, pointer) && accepts(types, 'object')) {
      const object = scope.local('object');
      const body = [`const ${object} = ${x} as Record<string, unknown>;`, ...this.objectStmts(schema, pointer, object, scope)];
      if (types !== undefined && types.length === 1) out.push(...body);
      else out.push({ open: `if (typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})) {`, body });
    }
    if (this.hasArrayWork(schema, pointer) && accepts(types, 'array')) {
      const array = scope.local('array');
      const body = [`const ${array} = ${x} as unknown[];`, ...this.arrayStmts(schema, pointer, array, scope)];
      if (types !== undefined && types.length === 1) out.push(...body);
      else out.push({ open: `if (Array.isArray(${x})) {`, body });
    }
    return out;
  }

  private objectStmts(schema: JsonSchema, pointer: string, object: string, scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    const properties = this.properties(schema, pointer);
    const required = this.required(schema, pointer);
    for (const [name, sub] of Object.entries(properties)) {
      const at = appendPointer(pointer, 'properties', name);
      const key = literal(name);
      const local = scope.local(IDENTIFIER.test(name) ? name : 'property');
      if (required.includes(name)) {
        this.useHasOwn();
        out.push(`const ${local} = ${this.access(object, name)};`);
        out.push(`if (${local} === undefined || !hasOwn.call(${object}, ${key})) return false;`);
        out.push(...this.stmts(sub, at, local, scope));
        continue;
      }
      const valid = this.expr(sub, at, local);
      if (isConst(valid, true)) continue;
      // The check first: on the valid path the own-property lookup is never made.
      this.useHasOwn();
      out.push(`const ${local} = ${this.access(object, name)};`);
      out.push(failIf(and(atom(`${local} !== undefined`, `${local} === undefined`), not(valid), atom(`hasOwn.call(${object}, ${key})`))));
    }
    for (const name of required) {
      if (Object.prototype.hasOwnProperty.call(properties, name)) continue;
      this.useHasOwn();
      out.push(`if (${this.access(object, name)} === undefined || !hasOwn.call(${object}, ${literal(name)})) return false;`);
    }

    const additional = schema.additionalProperties;
    const declared = Object.keys(properties);
    if (additional !== undefined && additional !== true) {
      const at = appendPointer(pointer, 'additionalProperties');
      if (typeof additional !== 'boolean' && !isObject(additional)) this.fail(at, 'additionalProperties must be a boolean or a schema');
      const key = scope.local('key');
      const undeclared = and(...declared.map((name) => atom(`${key} !== ${literal(name)}`, `${key} === ${literal(name)}`)));
      this.useHasOwn();
      if (additional === false) {
        out.push({ open: `for (const ${key} in ${object}) {`, body: [failIf(and(undeclared, atom(`hasOwn.call(${object}, ${key})`)))] });
      } else {
        const item = scope.local('item');
        const valid = this.expr(additional as JsonSchema, at, item);
        if (isConst(valid, false)) {
          out.push({ open: `for (const ${key} in ${object}) {`, body: [failIf(and(undeclared, atom(`hasOwn.call(${object}, ${key})`)))] });
        } else if (!isConst(valid, true)) {
          const skip: Stmt[] = declared.length === 0 ? [] : [`if (${print(not(undeclared))}) continue;`];
          // Own keys only, checked before the value is read: for...in also yields inherited
          // enumerable keys, whose getters may throw or lie, and ajv (ownProperties) never reads them.
          out.push({
            open: `for (const ${key} in ${object}) {`,
            body: [...skip, `if (!hasOwn.call(${object}, ${key})) continue;`, `const ${item} = ${object}[${key}];`, failIf(not(valid))],
          });
        }
      }
    }

    const min = this.count(schema, 'minProperties', pointer);
    const max = this.count(schema, 'maxProperties', pointer);
    if ((min !== undefined && min > 0) || max !== undefined) {
      this.useHasOwn();
      const count = scope.local('count');
      const key = scope.local('key');
      out.push(`let ${count} = 0;`);
      if (max !== undefined) out.push({ open: `for (const ${key} in ${object}) {`, body: [`if (hasOwn.call(${object}, ${key}) && ++${count} > ${max}) return false;`] });
      else out.push({ open: `for (const ${key} in ${object}) {`, body: [`if (hasOwn.call(${object}, ${key}) && ++${count} >= ${min!}) break;`] });
      if (min !== undefined && min > 0) out.push(`if (${count} < ${min}) return false;`);
    }
    return out;
  }

  private arrayStmts(schema: JsonSchema, pointer: string, array: string, scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    const max = this.count(schema, 'maxItems', pointer);
    const min = this.count(schema, 'minItems', pointer);
    if (max !== undefined) out.push(`if (${array}.length > ${max}) return false;`);
    if (min !== undefined && min > 0) out.push(`if (${array}.length < ${min}) return false;`);
    const items = schema.items;
    if (items !== undefined) {
      const at = appendPointer(pointer, 'items');
      if (!isObject(items)) this.fail(at, 'items must be one schema (tuples are not supported)');
      const index = scope.local('i');
      const item = scope.local('item');
      const body = this.stmts(items, at, item, scope);
      if (body.length > 0) out.push({ open: `for (let ${index} = 0; ${index} < ${array}.length; ${index}++) {`, body: [`const ${item}: unknown = ${array}[${index}];`, ...body] });
    }
    const unique = schema.uniqueItems;
    if (unique !== undefined && typeof unique !== 'boolean') this.fail(appendPointer(pointer, 'uniqueItems'), 'uniqueItems must be a boolean');
    if (unique === true) {
      // The items are valid by now, so when they can only be primitives `===` is ajv's equality.
      if (isObject(items) && this.primitiveOnly(items, appendPointer(pointer, 'items'), new Set())) {
        const i = scope.local('i');
        const j = scope.local('j');
        const item = scope.local('item');
        // ajv keys an object by the items when `items` itself declares primitive types; with the one
        // type `string`, two "__proto__" strings never collide there.
        const declared = this.types(items, appendPointer(pointer, 'items'));
        const quirk: Stmt[] = declared !== undefined && declared.length === 1 && declared[0] === 'string' ? [`if (${item} === '__proto__') continue;`] : [];
        out.push({
          open: `for (let ${i} = 1; ${i} < ${array}.length; ${i}++) {`,
          body: [`const ${item} = ${array}[${i}];`, ...quirk, { open: `for (let ${j} = 0; ${j} < ${i}; ${j}++) {`, body: [`if (${array}[${j}] === ${item}) return false;`] }],
        });
      } else {
        this.support.add('deepEqual');
        this.support.add('uniqueDeep');
        out.push(`if (!uniqueDeep(${array})) return false;`);
      }
    }
    return out;
  }

  // ---- expressions -----------------------------------------------------------------------------

  /** An expression true exactly when `x` is valid; a structural schema becomes a call to a helper. */
  private expr(schema: JsonSchema, pointer: string, x: string): Expr {
    this.checkKeywords(schema, pointer);
    if (schema.oneOf !== undefined) this.fail(appendPointer(pointer, 'oneOf'), 'a oneOf is supported only on a named schema (components.schemas) with a discriminator');
    if (this.isStructural(schema, pointer)) return atom(`${this.helper(schema, pointer)}(${x})`);
    const parts: Expr[] = [];
    if (schema.$ref !== undefined) {
      const target = this.resolve(schema.$ref, pointer);
      parts.push(this.canInline(target) ? this.expr(target.schema, target.pointer, x) : atom(`${guardName(target.name)}(${x})`));
    }
    parts.push(this.leafExpr(schema, pointer, x));
    return and(...parts);
  }

  /**
   * The keywords that are not structural, as one expression: `type` (with the string and number
   * keywords of each type), `const`, `enum`, `not`.
   */
  private leafExpr(schema: JsonSchema, pointer: string, x: string): Expr {
    const types = this.types(schema, pointer);
    const strings = this.stringConditions(schema, pointer, x);
    const numbers = this.numberConditions(schema, pointer, x);
    const parts: Expr[] = [];

    const values: Array<{ keyword: 'const' | 'enum'; values: unknown[] }> = [];
    if ('const' in schema) values.push({ keyword: 'const', values: [schema.const] });
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0) this.fail(appendPointer(pointer, 'enum'), 'enum must be a non-empty list');
      values.push({ keyword: 'enum', values: schema.enum });
    }
    const primitive = values.every((v) => v.values.every((value) => jsonTypeOf(value) !== undefined));
    // `x === c` says the type already: with only primitive constants and no string or number
    // keywords, the constants whose type the schema accepts are the whole check.
    const constantsSayAll = values.length > 0 && primitive && strings.length === 0 && numbers.length === 0;

    if (!constantsSayAll && types !== undefined) {
      parts.push(or(...types.map((type) => this.typeCondition(type, x, type === 'string' ? strings : type === 'number' || type === 'integer' ? numbers : []))));
    } else if (!constantsSayAll) {
      if (strings.length > 0) parts.push(or(not(atom(`typeof ${x} === 'string'`, `typeof ${x} !== 'string'`)), and(...strings)));
      if (numbers.length > 0) parts.push(or(not(this.typeCondition('number', x, [])), and(...numbers)));
    }
    for (const { keyword, values: list } of values) {
      const at = appendPointer(pointer, keyword);
      if (primitive) {
        const kept = constantsSayAll ? list.filter((value) => accepts(types, jsonTypeOf(value)!)) : list;
        parts.push(or(...kept.map((value) => atom(`${x} === ${primitiveLiteral(value)}`, `${x} !== ${primitiveLiteral(value)}`))));
      } else if (keyword === 'const') {
        this.support.add('deepEqual');
        this.support.add('constEqual');
        parts.push(atom(`constEqual(${x}, ${this.constant(list[0], at)})`));
      } else {
        this.support.add('deepEqual');
        this.support.add('enumEqual');
        parts.push(atom(`enumEqual(${x}, ${this.constant(list, at)})`));
      }
    }
    if (schema.not !== undefined) {
      const at = appendPointer(pointer, 'not');
      if (!isObject(schema.not)) this.fail(at, 'not must be a schema');
      parts.push(not(this.expr(schema.not, at, x)));
    }
    return and(...parts);
  }

  private typeCondition(type: JsonType, x: string, conditions: Expr[]): Expr {
    const typeOf = (name: string) => atom(`typeof ${x} === '${name}'`, `typeof ${x} !== '${name}'`);
    switch (type) {
      case 'string':
        return and(typeOf('string'), ...conditions);
      case 'number':
        // NaN and ±Infinity are not numbers to ajv (strictNumbers); the comparisons come after.
        return and(typeOf('number'), atom(`Number.isFinite(${x})`), ...conditions);
      case 'integer':
        return and(typeOf('number'), atom(`Number.isInteger(${x})`), ...conditions);
      case 'boolean':
        return typeOf('boolean');
      case 'null':
        return atom(`${x} === null`, `${x} !== null`);
      case 'array':
        return atom(`Array.isArray(${x})`);
      case 'object':
        return and(typeOf('object'), atom(`${x} !== null`, `${x} === null`), atom(`!Array.isArray(${x})`, `Array.isArray(${x})`));
    }
  }

  /** Conditions on a value known to be a string. */
  private stringConditions(schema: JsonSchema, pointer: string, x: string): Expr[] {
    const out: Expr[] = [];
    const min = this.count(schema, 'minLength', pointer);
    const max = this.count(schema, 'maxLength', pointer);
    if (min !== undefined && min > 0) {
      // At most `length` code points, at least half as many: count them only when that does not decide.
      const atLeast = atom(`${x}.length >= ${min}`, `${x}.length < ${min}`);
      if (min === 1) out.push(atLeast);
      else out.push(and(atLeast, or(atom(`${x}.length >= ${2 * min - 1}`, `${x}.length < ${2 * min - 1}`), atom(`${this.ucs2length()}(${x}) >= ${min}`, `${this.ucs2length()}(${x}) < ${min}`))));
    }
    if (max !== undefined) {
      out.push(
        or(
          atom(`${x}.length <= ${max}`, `${x}.length > ${max}`),
          and(atom(`${x}.length <= ${2 * max}`, `${x}.length > ${2 * max}`), atom(`${this.ucs2length()}(${x}) <= ${max}`, `${this.ucs2length()}(${x}) > ${max}`)),
        ),
      );
    }
    if (schema.pattern !== undefined) {
      const at = appendPointer(pointer, 'pattern');
      if (typeof schema.pattern !== 'string') this.fail(at, 'pattern must be a string');
      try {
        new RegExp(schema.pattern, 'u');
      } catch (error) {
        this.fail(at, `pattern is not a regular expression with the u flag, as ajv compiles it: ${(error as Error).message}`);
      }
      out.push(atom(`${this.regExp('PATTERN', schema.pattern, 'u')}.test(${x})`));
    }
    if (schema.format !== undefined) {
      const at = appendPointer(pointer, 'format');
      if (typeof schema.format !== 'string') this.fail(at, 'format must be a string');
      let format: RegExp;
      try {
        format = formatRegExp(schema.format);
      } catch (error) {
        return this.fail(at, (error as Error).message);
      }
      if (format.global || format.sticky) this.fail(at, `the regular expression of format "${schema.format}" is stateful (g or y flag)`);
      out.push(atom(`${this.regExp(`FORMAT_${schema.format.toUpperCase().replace(/\W/g, '_')}`, format.source, format.flags)}.test(${x})`));
    }
    return out;
  }

  /** Conditions on a value known to be a finite number. */
  private numberConditions(schema: JsonSchema, pointer: string, x: string): Expr[] {
    const out: Expr[] = [];
    for (const [keyword, op, negated] of [['minimum', '>=', '<'], ['maximum', '<=', '>']] as const) {
      const limit = schema[keyword];
      if (limit === undefined) continue;
      if (typeof limit !== 'number' || !Number.isFinite(limit)) this.fail(appendPointer(pointer, keyword), `${keyword} must be a finite number`);
      out.push(atom(`${x} ${op} ${primitiveLiteral(limit)}`, `${x} ${negated} ${primitiveLiteral(limit)}`));
    }
    return out;
  }

  // ---- schema questions ------------------------------------------------------------------------

  private checkKeywords(schema: JsonSchema, pointer: string): void {
    for (const keyword of Object.keys(schema)) {
      if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) {
        this.fail(appendPointer(pointer, keyword), `schema keyword "${keyword}" is not supported by the guards (supported: ${[...KEYWORDS].join(', ')})`);
      }
    }
    if (schema.discriminator !== undefined && schema.oneOf === undefined) this.fail(appendPointer(pointer, 'discriminator'), 'a discriminator needs a oneOf beside it');
  }

  /** The declared types, `integer` left out when `number` is there; undefined when any type will do. */
  private types(schema: JsonSchema, pointer: string): JsonType[] | undefined {
    if (schema.type === undefined) return undefined;
    const list = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (list.length === 0) this.fail(appendPointer(pointer, 'type'), 'type must not be an empty list');
    for (const type of list) {
      if (!(JSON_TYPES as readonly unknown[]).includes(type)) this.fail(appendPointer(pointer, 'type'), `unknown type ${JSON.stringify(type)}`);
    }
    const types = [...new Set(list as JsonType[])];
    return types.includes('number') ? types.filter((t) => t !== 'integer') : types;
  }

  private count(schema: JsonSchema, keyword: string, pointer: string): number | undefined {
    const value = schema[keyword];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.fail(appendPointer(pointer, keyword), `${keyword} must be a non-negative integer`);
    return value;
  }

  private properties(schema: JsonSchema, pointer: string): Record<string, JsonSchema> {
    if (schema.properties === undefined) return {};
    if (!isObject(schema.properties)) this.fail(appendPointer(pointer, 'properties'), 'properties must be an object of schemas');
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (!isObject(sub)) this.fail(appendPointer(pointer, 'properties', name), 'a property must be a schema');
    }
    return schema.properties as Record<string, JsonSchema>;
  }

  private required(schema: JsonSchema, pointer: string): string[] {
    if (schema.required === undefined) return [];
    if (!Array.isArray(schema.required) || schema.required.some((name) => typeof name !== 'string')) this.fail(appendPointer(pointer, 'required'), 'required must be a list of names');
    return [...new Set(schema.required as string[])];
  }

  private hasObjectWork(schema: JsonSchema, pointer: string): boolean {
    const additional = schema.additionalProperties;
    return (
      Object.keys(this.properties(schema, pointer)).length > 0 ||
      this.required(schema, pointer).length > 0 ||
      additional === false ||
      (isObject(additional) && !isConst(this.expr(additional, appendPointer(pointer, 'additionalProperties'), 'x'), true)) ||
      schema.minProperties !== undefined ||
      schema.maxProperties !== undefined
    );
  }

  private hasArrayWork(schema: JsonSchema, pointer: string): boolean {
    return schema.items !== undefined || schema.minItems !== undefined || schema.maxItems !== undefined || schema.uniqueItems === true;
  }

  /** Whether the schema has keywords that need statements (loops, several properties). */
  private isStructural(schema: JsonSchema, pointer: string): boolean {
    const types = this.types(schema, pointer);
    return (accepts(types, 'object') && this.hasObjectWork(schema, pointer)) || (accepts(types, 'array') && this.hasArrayWork(schema, pointer));
  }

  /** Whether every value valid under the schema is a primitive other than NaN (so `===` compares them). */
  private primitiveOnly(schema: JsonSchema, pointer: string, seen: Set<string>): boolean {
    if (schema.$ref !== undefined) {
      const target = this.resolve(schema.$ref, pointer);
      if (seen.has(target.name)) return false;
      seen.add(target.name);
      if (this.primitiveOnly(target.schema, target.pointer, seen)) return true;
    }
    const types = this.types(schema, pointer);
    if (types !== undefined && types.every((t) => t !== 'object' && t !== 'array')) return true;
    const constants = [...('const' in schema ? [schema.const] : []), ...(Array.isArray(schema.enum) ? schema.enum : [])];
    return ('const' in schema || Array.isArray(schema.enum)) && constants.every((value) => jsonTypeOf(value) !== undefined);
  }

  private namedSchema(name: string, pointer: string): NamedSchema {
    return this.named.get(name) ?? this.fail(pointer, `no schema named ${name}`);
  }

  private resolve(ref: unknown, pointer: string): NamedSchema {
    const name = definitionName(ref);
    if (name === undefined) return this.fail(appendPointer(pointer, '$ref'), `reference ${String(ref)} does not name a schema`);
    return this.namedSchema(name, appendPointer(pointer, '$ref'));
  }

  /** Small non-structural named schemas (a string with a length, a bounded integer) are inlined. */
  private canInline(target: NamedSchema, visiting = new Set<string>()): boolean {
    const known = this.inlineable.get(target.name);
    if (known !== undefined) return known;
    const { schema } = target;
    let result = false;
    if (schema.oneOf === undefined && !this.isStructural(schema, target.pointer) && !visiting.has(target.name)) {
      visiting.add(target.name);
      const refOk = schema.$ref === undefined || this.canInline(this.resolve(schema.$ref, target.pointer), visiting);
      result = refOk && size(this.expr(schema, target.pointer, 'value')) <= INLINE_MAX_CHARS;
    }
    this.inlineable.set(target.name, result);
    return result;
  }

  // ---- module-level names ----------------------------------------------------------------------

  private access(object: string, property: string): string {
    return IDENTIFIER.test(property) ? `${object}.${property}` : `${object}[${literal(property)}]`;
  }

  private useHasOwn(): void {
    this.declare('hasOwn', 'hasOwn', () => 'Object.prototype.hasOwnProperty');
  }

  /** A module-level constant, declared once per `key`; `stem` names it (numbered if taken). */
  private declare(key: string, stem: string, initializer: () => string, type = ''): string {
    const existing = this.declarations.get(key);
    if (existing !== undefined) return existing.name;
    let name = stem;
    for (let i = 2; this.declaredNames.has(name); i += 1) name = `${stem}_${i}`;
    this.declaredNames.add(name);
    this.declarations.set(key, { name, code: `const ${name}${type} = ${initializer()};` });
    return name;
  }

  private ucs2length(): string {
    return this.file.addImport(UCS2LENGTH);
  }

  private regExp(stem: string, source: string, flags: string): string {
    return this.declare(`regexp ${flags} ${source}`, stem, () => `/*#__PURE__*/ new RegExp(${literal(source)}, ${literal(flags)})`);
  }

  /** A JSON constant (object or array) for deep comparison, parsed so that `__proto__` stays an own key. */
  private constant(value: unknown, pointer: string): string {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    if (json === undefined) return this.fail(pointer, 'the value is not JSON');
    return this.declare(`constant ${json}`, 'CONSTANT', () => `JSON.parse(${literal(json)})`, ': unknown');
  }

  private helper(schema: JsonSchema, pointer: string): string {
    const existing = this.helpers.get(pointer);
    if (existing !== undefined) return existing.name;
    const path = pointer
      .replace(/^\/components\/schemas\//, '')
      .split('/')
      .filter((segment) => segment !== 'properties')
      .map((segment) => segment.replace(/~1/g, '_').replace(/~0/g, '_').replace(/[^\w$]/g, '_'))
      .map((segment) => segment.charAt(0).toUpperCase() + segment.slice(1))
      .join('');
    let name = `check${path}`;
    for (let i = 2; this.helperNames.has(name); i += 1) name = `check${path}${i}`;
    const helper = { name, schema, pointer };
    this.helpers.set(pointer, helper);
    this.helperNames.add(name);
    this.queue.push(helper);
    return name;
  }
}
