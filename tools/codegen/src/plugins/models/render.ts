// The models emitter: one TypeScript declaration per named schema of the intermediate model.
//
// @asyncapi/modelina (TypeScriptGenerator, JSON Schema input) is the engine: it interprets each
// schema into its meta model, constrains it and renders it through its renderers. What modelina
// cannot express faithfully is fixed with its own extension points (options, type mapping,
// constraints, presets) or a small pre/post-processing step, each marked with the reason:
//
// - Each named schema is generated on its own, its `$ref`s to other named schemas replaced by
//   opaque stubs that render as the referenced name. Given the whole document modelina would
//   inline the referenced primitives (`id: string` instead of `id: ChatId`) and hoist nested
//   objects under invented names (`StartChatArgumentsScope`, `AnonymousSchema_3`).
// - Nothing is split out (`splitMetaModel`), so inline objects, maps and enums render in place
//   as type literals, `Record<...>` and literal unions instead of new named models.
// - The type mapping renders `const` and `enum` as literal types with single quotes, `any` as
//   `unknown`, maps as `Record<string, T>` and nullability once per union.
// - Unused or wrong modelina output is avoided: no `additionalProperties?: Map<...>` member
//   (interfaces are open already and parsed JSON holds no Map), no camelCasing of property names
//   (they are wire names) and no PascalCasing of model names (they are the component keys).
// - The fallback branch of a discriminated union (`UnknownEvent`) gets a nominal discriminant,
//   see `FallbackDiscriminant`.
//
// The model has checked the schemas (supported keywords, references, unions and their fallbacks,
// what TypeScript can say); this renderer only throws on modelina output it did not expect. Value-only
// constraints (lengths, bounds, formats, uniqueness) have no TypeScript counterpart and are left to
// the validators.
import {
  ConstrainedAnyModel,
  ConstrainedArrayModel,
  ConstrainedBooleanModel,
  ConstrainedDictionaryModel,
  ConstrainedEnumModel,
  ConstrainedFloatModel,
  ConstrainedIntegerModel,
  ConstrainedObjectModel,
  ConstrainedStringModel,
  ConstrainedUnionModel,
  IndentationTypes,
  TypeScriptGenerator,
  type ConstrainedMetaModel,
  type ConstrainedObjectPropertyModel,
  type MetaModel,
  type TypeScriptOptions,
  type TypeScriptPreset,
  type TypeScriptTypeMapping,
} from '@asyncapi/modelina';
import { PluginProblems } from '../../plugin.js';
import { definitionName, mapSchemas, pascalCase, type Discriminator, type JsonSchema, type NamedSchema } from '@customer-chat/spec-model';

export interface ModelDeclaration {
  /** The component key, which is also the declared type's name. */
  name: string;
  /** JSON pointer of the schema in the document. */
  pointer: string;
  description: string | undefined;
  /** `export interface X { ... }` or `export type X = ...;`, without imports, header or JSDoc. */
  code: string;
}

/** Marks a stub standing for a `$ref` to a named schema; the value is the schema's name. */
const REF_KEY = 'x-codegen-ref';
/** JSON pointer of the original schema a prepared (sub)schema comes from, for error messages. */
const POINTER_KEY = 'x-codegen-pointer';
/** On an object with properties whose additionalProperties names a schema: that schema's name (for the index signature). */
const INDEX_KEY = 'x-codegen-index';

/** Keywords that shape the type: the only ones handed to modelina (the rest only annotate or constrain values). */
const SHAPE_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'oneOf',
  'not',
  'discriminator',
  '$ref',
]);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * modelina keeps properties in plain objects and asks `properties[name] !== undefined`, so a
 * property named after a member of Object.prototype (`valueOf`, `constructor`, `toString`) is
 * merged with the inherited function and renders with the parent's type and description. Such
 * names (and, to keep the renaming reversible, names already carrying the prefix) reach modelina
 * under a prefixed name and are rendered under their own again (`wireName`).
 */
const RENAMED_PREFIX = 'x-codegen-property:';
const needsRenaming = (name: string) => name in Object.prototype || name.startsWith(RENAMED_PREFIX);
const modelinaName = (name: string) => (needsRenaming(name) ? RENAMED_PREFIX + name : name);
const wireName = (name: string) => (name.startsWith(RENAMED_PREFIX) ? name.slice(RENAMED_PREFIX.length) : name);

/** `object[key]` when it is the object's own property: a name from the spec never reads Object.prototype. */
function own(object: SchemaObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** What the models plugin cannot emit, located at the schema's pointer like every plugin's refusal. */
class ModelsError extends PluginProblems {
  constructor(pointer: string, message: string) {
    super('models', [{ pointer, message }]);
  }
}

type SchemaObject = Record<string, unknown>;

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A single-quoted TypeScript string literal. */
function quote(value: string): string {
  const json = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${json}'`;
}

/** The TypeScript literal type of a JSON primitive. */
function literal(value: unknown, pointer: string): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ModelsError(pointer, `unsupported literal ${JSON.stringify(value)} (only strings, numbers, booleans and null)`);
}

function jsDoc(description: unknown): string[] {
  if (typeof description !== 'string' || description.trim() === '') return [];
  const lines = description
    .trimEnd()
    .replace(/\*\//g, '*\\/')
    .split('\n')
    .map((line) => line.trimEnd());
  if (lines.length === 1) return [`/** ${lines[0]} */`];
  return ['/**', ...lines.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */'];
}

function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

// ---- discriminated unions and their fallback branch -------------------------------------------

/**
 * How the fallback branch's discriminant is typed. TypeScript keeps every union member whose
 * discriminant is *comparable* to the tested literal, and `string` is comparable to `'message'`,
 * so `type: string` would leave `UnknownEvent` in `case 'message':` and break `event.text`. An
 * intersection brand (`string & { readonly [brand]: true }`) is no better: the intersection is
 * still comparable to every literal through its `string` part, which stops the narrowing of the
 * *other* branches too. A nominal string type is not comparable to any string literal, so the
 * fallback drops out of every `case` and is exactly what remains in `default:`; it is a string
 * subtype, so `const t: string = event.type` works. It is typed with an ambient string enum that
 * emits no JavaScript; a value can only be made with a cast (`'x' as UnknownEvent['type']`),
 * which is right since only a validator can tell that a type is unknown.
 */
interface FallbackDiscriminant {
  /** Name of the nominal type, e.g. `UnknownEventType`. */
  typeName: string;
  property: string;
  union: string;
  fallback: string;
}

/** The nominal discriminant of each union fallback (the model checked the unions). */
function planFallbacks(discriminators: readonly Discriminator[]): Map<string, FallbackDiscriminant> {
  const fallbacks = new Map<string, FallbackDiscriminant>();
  for (const { union, property, fallback } of discriminators) {
    if (fallback !== undefined) fallbacks.set(fallback, { typeName: `${fallback}${pascalCase(property)}`, property, union, fallback });
  }
  return fallbacks;
}

// ---- preparing a schema for modelina ---------------------------------------------------------

interface PrepareContext {
  byName: ReadonlyMap<string, NamedSchema>;
}

/**
 * The copy of a (checked) schema handed to modelina: `$ref`s replaced by stubs, value-only
 * keywords and the fallback's `not` dropped (its nominal type says it), every subschema tagged
 * with its pointer.
 */
function prepare(schema: JsonSchema, pointer: string, context: PrepareContext): SchemaObject {
  return mapSchemas(schema, (node, place): SchemaObject => {
    const prepared: SchemaObject = { [POINTER_KEY]: pointer + place.pointer };
    if (typeof node.description === 'string') prepared.description = node.description;
    const name = definitionName(node.$ref);
    if (name !== undefined) {
      // Pre-processing: modelina would dereference the schema and inline or hoist it; an opaque
      // object stub keeps the reference, and the type mapping renders it as the referenced name.
      return { ...prepared, description: prepared.description ?? context.byName.get(name)?.description, type: 'object', additionalProperties: false, [REF_KEY]: name };
    }
    for (const keyword of SHAPE_KEYWORDS) if (node[keyword] !== undefined && keyword !== 'not' && keyword !== 'discriminator') prepared[keyword] = node[keyword];
    if (isObject(node.properties)) {
      prepared.properties = Object.fromEntries(Object.entries(node.properties).map(([name, property]) => [modelinaName(name), property]));
    }
    if (Array.isArray(node.required)) prepared.required = node.required.map((name) => (typeof name === 'string' ? modelinaName(name) : name));
    // Next to properties, additionalProperties can only be open or closed (the model checked it), and
    // an interface is open already.
    const hasProperties = isObject(node.properties) && Object.keys(node.properties).length > 0;
    const additional = node.additionalProperties;
    if (hasProperties) {
      delete prepared.additionalProperties;
      // The model allows only a named schema there (by now its stub); modelina would make it a Map member.
      const indexed = isObject(additional) ? additional[REF_KEY] : undefined;
      if (typeof indexed === 'string') prepared[INDEX_KEY] = indexed;
    } else if (isObject(additional) && Object.keys(additional).length === 0) prepared.additionalProperties = true;
    return prepared;
  }) as SchemaObject;
}

// ---- rendering through modelina ---------------------------------------------------------------

function pointerOf(model: ConstrainedMetaModel, fallback: string): string {
  const input: unknown = model.originalInput;
  const pointer = isObject(input) ? own(input, POINTER_KEY) : undefined;
  return typeof pointer === 'string' ? pointer : fallback;
}

function stubName(model: ConstrainedMetaModel): string | undefined {
  const input: unknown = model.originalInput;
  const name = isObject(input) ? own(input, REF_KEY) : undefined;
  return typeof name === 'string' ? name : undefined;
}

function descriptionOf(model: ConstrainedMetaModel): unknown {
  const input: unknown = model.originalInput;
  return isObject(input) ? own(input, 'description') : undefined;
}

function constOf(model: ConstrainedMetaModel): { value: unknown } | undefined {
  // Read from the schema: modelina drops falsy constants (`const: false`, `0`, `''`).
  const input: unknown = model.originalInput;
  return isObject(input) && Object.hasOwn(input, 'const') ? { value: input.const } : undefined;
}

function isNullOnly(model: ConstrainedMetaModel): boolean {
  const input: unknown = model.originalInput;
  if (!isObject(input)) return false;
  return input.type === 'null' || (Array.isArray(input.type) && input.type.length === 1 && input.type[0] === 'null');
}

interface RenderContext {
  root: NamedSchema;
  fallback: FallbackDiscriminant | undefined;
}

/**
 * The type of a model without its own nullability (`| null` is added once, by `fullType`).
 * Children are rendered recursively rather than read from their `.type`: modelina computes the
 * type of "safe" models (objects) before their children's, so those are still empty here. The
 * recursion ends, as `$ref`s are stubs.
 */
function baseType(model: ConstrainedMetaModel, context: RenderContext): string {
  const pointer = pointerOf(model, context.root.pointer);
  const constant = constOf(model);
  if (constant !== undefined) return literal(constant.value, pointer);
  if (model instanceof ConstrainedObjectModel) {
    const name = stubName(model);
    if (name !== undefined) return name;
    return objectLiteral(model, context);
  }
  if (model instanceof ConstrainedStringModel) return 'string';
  if (model instanceof ConstrainedIntegerModel || model instanceof ConstrainedFloatModel) return 'number';
  if (model instanceof ConstrainedBooleanModel) return 'boolean';
  if (model instanceof ConstrainedAnyModel) return isNullOnly(model) ? 'null' : 'unknown';
  if (model instanceof ConstrainedEnumModel) {
    const values = model.values.filter((v) => v.originalInput !== null).map((v) => literal(v.originalInput, pointer));
    return values.length > 0 ? values.join(' | ') : 'null';
  }
  if (model instanceof ConstrainedArrayModel) {
    const item = fullType(model.valueModel, context);
    return isTopLevelUnion(item) ? `(${item})[]` : `${item}[]`;
  }
  if (model instanceof ConstrainedDictionaryModel) {
    if (model.serializationType !== 'normal') {
      throw new ModelsError(pointer, 'internal: additionalProperties next to properties reached the renderer');
    }
    return `Record<string, ${fullType(model.value, context)}>`;
  }
  if (model instanceof ConstrainedUnionModel) {
    const members: string[] = [];
    for (const member of model.union) {
      const type = baseType(member, context);
      if (!members.includes(type)) members.push(type);
    }
    return members.join(' | ');
  }
  // ReferenceModel (a split-out model) and TupleModel: modelina would need a name or a shape we
  // never hand it; fail loudly instead of rendering an invented name.
  throw new ModelsError(pointer, `modelina produced a ${model.constructor.name} that would need an invented name`);
}

function isNullable(model: ConstrainedMetaModel): boolean {
  if (model.options.isNullable === true) return true;
  if (model instanceof ConstrainedEnumModel) return model.values.some((v) => v.originalInput === null);
  if (model instanceof ConstrainedUnionModel) return model.union.some(isNullable);
  return false;
}

/** Whether a rendered type is a union at its top level (and needs parentheses before `[]`). */
function isTopLevelUnion(type: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const char = type[i];
    if (quoted) {
      if (char === '\\') i++;
      else if (char === "'") quoted = false;
    } else if (char === "'") quoted = true;
    else if (char === '{' || char === '(' || char === '<' || char === '[') depth++;
    else if (char === '}' || char === ')' || char === '>' || char === ']') depth--;
    else if (char === '|' && depth === 0) return true;
  }
  return false;
}

function fullType(model: ConstrainedMetaModel, context: RenderContext): string {
  const base = baseType(model, context);
  // `unknown` holds null already (modelina marks `true` schemas nullable).
  if (base === 'unknown' || base === 'null' || !isNullable(model)) return base;
  return base.split(' | ').includes('null') ? base : `${base} | null`;
}

/** One member of an interface or type literal, with its description as JSDoc. */
function renderMember(property: ConstrainedObjectPropertyModel, owner: ConstrainedObjectModel, context: RenderContext): string {
  const name = wireName(property.unconstrainedPropertyName);
  const optional = property.required ? '' : '?';
  let type = fullType(property.property, context);
  const isRootObject = pointerOf(owner, '') === context.root.pointer;
  if (isRootObject && context.fallback !== undefined && name === context.fallback.property) {
    // The fallback branch's discriminant: nominal, see FallbackDiscriminant.
    type = context.fallback.typeName;
  }
  return [...jsDoc(descriptionOf(property.property)), `${propertyKey(name)}${optional}: ${type};`].join('\n');
}

function members(model: ConstrainedObjectModel, context: RenderContext): string[] {
  const rendered = Object.values(model.properties).map((property) => {
    if (property.property instanceof ConstrainedDictionaryModel && property.property.serializationType === 'unwrap') {
      // The model rules out an inline schema next to properties; modelina's `additionalProperties?: Map<...>` member never renders.
      throw new ModelsError(pointerOf(model, context.root.pointer), 'internal: additionalProperties member next to properties');
    }
    return renderMember(property, model, context);
  });
  const signature = indexSignature(model, context);
  return signature === undefined ? rendered : [...rendered, signature];
}

/**
 * The index signature of an object whose additionalProperties names a schema next to its
 * properties: TypeScript wants every property's type within it, so its value is that schema or
 * any property's type (and undefined, for the optional ones).
 */
function indexSignature(model: ConstrainedObjectModel, context: RenderContext): string | undefined {
  const input: unknown = model.originalInput;
  const found = isObject(input) ? own(input, INDEX_KEY) : undefined;
  if (typeof found !== 'string') return undefined;
  const indexed = found;
  const properties = Object.values(model.properties);
  const types = [indexed, ...properties.map((property) => fullType(property.property, context))];
  if (properties.some((property) => !property.required)) types.push('undefined');
  const union = [...new Set(types)].join(' | ');
  return [...jsDoc(`Any other key: ${indexed}.`), `[key: string]: ${union};`].join('\n');
}

function objectLiteral(model: ConstrainedObjectModel, context: RenderContext): string {
  const rendered = members(model, context);
  // No properties and no additionalProperties: modelina only gets here for `additionalProperties: false`.
  if (rendered.length === 0) return 'Record<string, never>';
  return `{\n${indent(rendered.join('\n'))}\n}`;
}

/**
 * The modelina generator for one named schema. `splitMetaModel` is overridden so no nested model
 * is split out under an invented name: everything below the root renders inline.
 */
class InlineTypeScriptGenerator extends TypeScriptGenerator {
  override splitMetaModel(model: MetaModel): MetaModel[] {
    return [model];
  }
}

function createGenerator(context: RenderContext): InlineTypeScriptGenerator {
  const type = ({ constrainedModel }: { constrainedModel: ConstrainedMetaModel }): string => fullType(constrainedModel, context);
  const typeMapping: TypeScriptTypeMapping = {
    Object: type,
    Reference: type,
    Any: type,
    Float: type,
    Integer: type,
    String: type,
    Boolean: type,
    Tuple: type,
    Array: type,
    Enum: type,
    Union: type,
    Dictionary: type,
  };
  const preset: TypeScriptPreset<TypeScriptOptions> = {
    interface: {
      self({ content, model }) {
        const name = context.root.name;
        // An interface cannot be nullable, a bare reference or empty: those become aliases.
        if (stubName(model) !== undefined || isNullable(model) || Object.keys(model.properties).length === 0) {
          return `type ${name} = ${model.type};`;
        }
        // The index signature goes last, without the blank line modelina's additionalContent would leave.
        const signature = indexSignature(model, context);
        return signature === undefined ? content : content.replace(/\n\}$/, `\n${indent(signature)}\n}`);
      },
      property({ property, model }) {
        return renderMember(property, model, context);
      },
    },
    // modelina renders enums with double quotes (or as a TS enum): use the literal union instead.
    enum: {
      self({ model }) {
        return `type ${context.root.name} = ${model.type};`;
      },
    },
    type: {
      self({ model }) {
        return `type ${context.root.name} = ${model.type};`;
      },
    },
  };
  return new InlineTypeScriptGenerator({
    modelType: 'interface',
    enumType: 'union',
    mapType: 'record',
    indentation: { type: IndentationTypes.SPACES, size: 2 },
    typeMapping,
    constraints: {
      // Property keys are wire names and model names component keys: keep both as they are
      // (modelina would camelCase/PascalCase them and could merge `a-b` with `a_b`).
      propertyKey: ({ objectPropertyModel }) => objectPropertyModel.propertyName,
      modelName: ({ modelName }) => modelName,
      constant: ({ constrainedMetaModel }) => {
        const constant = constOf(constrainedMetaModel);
        return constant === undefined ? undefined : literal(constant.value, pointerOf(constrainedMetaModel, context.root.pointer));
      },
    },
    processorOptions: {
      // Properties next to an open additionalProperties are an open interface, not a Map member.
      jsonSchema: { ignoreAdditionalProperties: true },
    },
    presets: [preset],
  });
}

function fallbackDeclaration(fallback: FallbackDiscriminant): string {
  return [
    `/**`,
    ` * A value of \`${fallback.union}['${fallback.property}']\` this version does not know: any string but the known`,
    ` * ones. Nominal, so that narrowing on \`${fallback.property}\` drops \`${fallback.fallback}\` from every known case.`,
    ` * Ambient: it emits no JavaScript.`,
    ` */`,
    `declare enum ${fallback.typeName} {`,
    `  Unknown = ${quote(`(unknown ${fallback.union} ${fallback.property})`)},`,
    `}`,
  ].join('\n');
}

async function generateOne(
  named: NamedSchema,
  byName: ReadonlyMap<string, NamedSchema>,
  fallbacks: ReadonlyMap<string, FallbackDiscriminant>,
): Promise<ModelDeclaration> {
  const fallback = fallbacks.get(named.name);
  let input = prepare(named.schema, named.pointer, { byName });
  if (typeof input[REF_KEY] === 'string') {
    // A named schema that is only a $ref: a union of one keeps modelina from rendering the stub as an interface.
    input = { [POINTER_KEY]: named.pointer, oneOf: [input] };
  }
  // The root's name is the component key, whatever its `title` says.
  input.title = named.name;
  input.$schema = 'http://json-schema.org/draft-07/schema#';

  const context: RenderContext = { root: named, fallback };
  const outputs = await createGenerator(context).generate(input);
  const [output] = outputs;
  if (outputs.length !== 1 || output === undefined) {
    const names = outputs.map((o) => o.modelName).join(', ');
    throw new ModelsError(named.pointer, `modelina split the schema into ${outputs.length} models (${names}); only inline nesting is supported`);
  }
  if (/\bAnonymousSchema|\banonymSchema/i.test(output.result)) {
    throw new ModelsError(named.pointer, 'modelina invented a name for a nested schema');
  }
  let code = `export ${output.result.trim()}`;
  if (!code.startsWith(`export interface ${named.name} {`) && !code.startsWith(`export type ${named.name} = `)) {
    throw new ModelsError(named.pointer, `unexpected modelina output: ${code.split('\n')[0] ?? ''}`);
  }
  if (fallback !== undefined) code = `${code}\n\n${fallbackDeclaration(fallback)}`;
  return { name: named.name, pointer: named.pointer, description: named.description, code };
}

/**
 * One TypeScript declaration per named schema, in input order. References between schemas are by
 * name; the caller prints all declarations into one module (they reference each other freely).
 */
export async function generateModelDeclarations(
  schemas: NamedSchema[],
  discriminators: Discriminator[],
): Promise<ModelDeclaration[]> {
  const byName = new Map(schemas.map((named) => [named.name, named]));
  const fallbacks = planFallbacks(discriminators);
  const declarations: ModelDeclaration[] = [];
  for (const named of schemas) declarations.push(await generateOne(named, byName, fallbacks));
  return declarations;
}
