// The generated TypeScript models (modelina, src/gen/models.ts), turned back into JSON Schema with
// typescript-json-schema, must describe what the spec's schemas describe for every message
// payload: the same property names at every level, the same required sets, the same JSON types
// (integer and number are one type in TypeScript), the same enum/const values, and union branches
// that match the oneOf branches. Both sides go through one recursive normalizer and the first
// difference is reported with its path. Constraints TypeScript cannot express (lengths, bounds,
// formats, closed objects) are not compared.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import * as TJS from 'typescript-json-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { definitionRef } from '@customer-chat/spec-model';
import { isObject, loadBundle, loadProtocol, PACKAGE_DIR, pascalCase, type Schema } from './support/protocol.js';

const MODELS_FILE = `${PACKAGE_DIR}src/gen/models.ts`;
const COMPILER_OPTIONS = {
  target: 'es2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
};
const TJS_ARGS: TJS.PartialArgs = { required: true, strictNullChecks: true, ignoreErrors: false, titles: false, aliasRef: false, topRef: false };

const { model } = await loadProtocol();
const bundle = loadBundle();
const payloadMessages = model.messages.flatMap((m) => (m.payload === undefined ? [] : [{ name: m.name, ref: m.payload.ref }]));
const headerSchemas = [...new Set(model.messages.flatMap((m) => (m.headersSchema === undefined ? [] : [m.headersSchema])))];

// ---- the models, as typescript-json-schema sees them ---------------------------------------------

/**
 * typescript-json-schema 0.68 turns a mapped type such as `Record<string, T>` into a bare
 * `{ type: "object" }`, losing `T` (it only reads index signatures). The models are therefore fed to
 * it with every `Record<string, T>` spelt as the identical `{ [key: string]: T }`; nothing else
 * changes. (A test below shows what is lost without this.)
 */
function spellRecordsAsIndexSignatures(source: string): { text: string; rewritten: number } {
  const file = ts.createSourceFile('models.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let rewritten = 0;
  const transformer: ts.TransformerFactory<ts.SourceFile> = (context) => {
    const visit = (node: ts.Node): ts.Node => {
      const visited = ts.visitEachChild(node, visit, context);
      if (
        ts.isTypeReferenceNode(visited) &&
        ts.isIdentifier(visited.typeName) &&
        visited.typeName.text === 'Record' &&
        visited.typeArguments?.length === 2 &&
        visited.typeArguments[0]!.kind === ts.SyntaxKind.StringKeyword
      ) {
        rewritten += 1;
        const key = ts.factory.createParameterDeclaration(undefined, undefined, 'key', undefined, ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword));
        return ts.factory.createTypeLiteralNode([ts.factory.createIndexSignature(undefined, [key], visited.typeArguments[1]!)]);
      }
      return visited;
    };
    return (root) => ts.visitNode(root, visit) as ts.SourceFile;
  };
  const result = ts.transform(file, [transformer]);
  const text = ts.createPrinter().printFile(result.transformed[0]!);
  result.dispose();
  return { text, rewritten };
}

/**
 * Values of the ambient (`declare enum`) types in the models: nominal stand-ins for "any string but
 * the known ones" (`UnknownEvent['type']`), so their one member is no real value set.
 */
function ambientEnumValues(source: string): Set<string> {
  const file = ts.createSourceFile('models.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const values = new Set<string>();
  for (const statement of file.statements) {
    if (!ts.isEnumDeclaration(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) continue;
    for (const member of statement.members) if (member.initializer && ts.isStringLiteral(member.initializer)) values.add(member.initializer.text);
  }
  return values;
}

const modelsSource = readFileSync(MODELS_FILE, 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'validators-models-roundtrip-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function generatorFor(source: string, fileName: string) {
  const file = join(workDir, fileName);
  writeFileSync(file, source);
  const program = TJS.getProgramFromFiles([file], COMPILER_OPTIONS);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  const generator = TJS.buildGenerator(program, TJS_ARGS);
  if (generator === null) throw new Error(`typescript-json-schema could not read ${fileName}`);
  return {
    diagnostics,
    schemaOf(typeName: string): Schema {
      const schema = TJS.generateSchema(program, typeName, TJS_ARGS, [], generator);
      if (schema === null) throw new Error(`typescript-json-schema found no type ${typeName}`);
      return schema as unknown as Schema;
    },
  };
}

const spelt = spellRecordsAsIndexSignatures(modelsSource);
const models = generatorFor(spelt.text, 'models.ts');
const opaque = ambientEnumValues(modelsSource);

// ---- one normal form for both sides ----------------------------------------------------------------

type Norm =
  | { kind: 'any' }
  | { kind: 'primitive'; types: string[]; values: string[] | undefined }
  | { kind: 'object'; name: string | undefined; properties: Record<string, Norm>; required: string[]; additional: Norm | undefined }
  | { kind: 'array'; items: Norm }
  | { kind: 'union'; branches: Norm[] }
  | { kind: 'cycle'; name: string };

/** Keywords that only constrain or annotate (TypeScript cannot say them), or that the normalizer reads. */
const IGNORED = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'definitions', 'format', 'minLength', 'maxLength',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems',
  'minProperties', 'maxProperties', 'pattern', 'discriminator', 'propertyOrder', 'defaultProperties',
  // `not` only says "any string but the known ones" (UnknownEvent.type): a string.
  'not',
]);
const READ = new Set(['$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'oneOf', 'anyOf']);

interface NormalizeOptions {
  definitions: Record<string, Schema>;
  /** Enum values that stand for "any string" (the models' ambient enums). */
  opaqueValues: ReadonlySet<string>;
}

function normalize(schema: unknown, options: NormalizeOptions, seen: readonly string[] = []): Norm {
  if (schema === true || (isObject(schema) && Object.keys(schema).every((k) => IGNORED.has(k)))) return { kind: 'any' };
  if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(schema)}`);
  for (const keyword of Object.keys(schema)) if (!IGNORED.has(keyword) && !READ.has(keyword)) throw new Error(`keyword ${keyword} is not handled by the normalizer`);
  if (typeof schema.$ref === 'string') {
    const name = decodeURIComponent(schema.$ref.replace(/^#\/definitions\//, ''));
    if (seen.includes(name)) return { kind: 'cycle', name };
    const target = options.definitions[name];
    if (target === undefined) throw new Error(`unresolved ${schema.$ref}`);
    const resolved = normalize(target, options, [...seen, name]);
    return resolved.kind === 'object' ? { ...resolved, name: resolved.name ?? name } : resolved;
  }
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (branches !== undefined) return unionOf(branches.map((b) => normalize(b, options, seen)));

  let values: unknown[] | undefined = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (values !== undefined && values.every((v) => typeof v === 'string' && options.opaqueValues.has(v))) values = undefined;
  let types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (types === undefined && values !== undefined) types = values.map((v) => (v === null ? 'null' : typeof v));
  if (types === undefined) {
    if (schema.properties !== undefined || schema.additionalProperties !== undefined) types = ['object'];
    else return { kind: 'any' };
  }
  const forms: Norm[] = [];
  const primitives = [...new Set(types.filter((t) => t !== 'object' && t !== 'array').map((t) => (t === 'integer' ? 'number' : t)))].sort();
  if (primitives.length > 0) forms.push({ kind: 'primitive', types: primitives, values: values?.map((v) => JSON.stringify(v)).sort() });
  if (types.includes('array')) forms.push({ kind: 'array', items: schema.items === undefined ? { kind: 'any' } : normalize(schema.items, options, seen) });
  if (types.includes('object')) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const propertyNorms = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, normalize(v, options, seen)]));
    let additional = isObject(schema.additionalProperties) ? normalize(schema.additionalProperties, options, seen) : undefined;
    // Beside properties, a TypeScript index signature must hold every property's type too: both
    // sides are widened the same way (each branch once), so they compare as what a type can say.
    if (additional !== undefined && additional.kind !== 'any' && Object.keys(propertyNorms).length > 0) {
      const widened = unionOf([additional, ...Object.values(propertyNorms)]);
      additional = widened.kind === 'union' ? unionOf([...new Map(widened.branches.map((b) => [summary(b), b])).values()]) : widened;
    }
    forms.push({
      kind: 'object',
      name: undefined,
      properties: propertyNorms,
      required: [...((schema.required ?? []) as string[])].sort(),
      additional: additional?.kind === 'any' ? undefined : additional,
    });
  }
  return unionOf(forms);
}

/** Nested unions flattened, plain primitive branches merged into one type list (`string | null`). */
function unionOf(branches: Norm[]): Norm {
  const flat = branches.flatMap((b) => (b.kind === 'union' ? b.branches : [b]));
  if (flat.some((b) => b.kind === 'any')) return { kind: 'any' };
  const plain = flat.filter((b): b is Extract<Norm, { kind: 'primitive' }> => b.kind === 'primitive' && b.values === undefined);
  const rest = flat.filter((b) => !(b.kind === 'primitive' && b.values === undefined));
  const merged: Norm[] = plain.length > 0 ? [{ kind: 'primitive', types: [...new Set(plain.flatMap((b) => b.types))].sort(), values: undefined }] : [];
  const all = [...merged, ...rest];
  if (all.length === 1) return all[0]!;
  return { kind: 'union', branches: all };
}

function summary(norm: Norm): string {
  switch (norm.kind) {
    case 'any':
      return 'anything';
    case 'primitive':
      return `${norm.types.join('|')}${norm.values === undefined ? '' : ` in {${norm.values.join(', ')}}`}`;
    case 'object':
      return `object ${norm.name ?? ''}{${Object.keys(norm.properties).join(', ')}}${norm.additional === undefined ? '' : ' with a value schema'}`;
    case 'array':
      return `array of ${summary(norm.items)}`;
    case 'union':
      return `union of ${norm.branches.length} (${norm.branches.map(summary).join(' | ')})`;
    case 'cycle':
      return `cycle to ${norm.name}`;
  }
}

/** A union branch's identity for pairing: its name, or the values its properties pin. */
function branchKey(norm: Norm): string {
  if (norm.kind !== 'object') return summary(norm);
  const pins = Object.entries(norm.properties).flatMap(([k, v]) => (v.kind === 'primitive' && v.values !== undefined ? [`${k}=${v.values.join('|')}`] : []));
  return pins.length > 0 ? pins.sort().join(',') : `object{${Object.keys(norm.properties).sort().join(',')}}`;
}

/** The first difference between the spec's normal form and the model's, with its path; undefined if none. */
function firstMismatch(spec: Norm, modelSide: Norm, path = ''): string | undefined {
  const at = path || '/';
  if (spec.kind !== modelSide.kind) return `${at}: the spec has ${summary(spec)}, the model ${summary(modelSide)}`;
  switch (spec.kind) {
    case 'any':
      return undefined;
    case 'cycle':
      return spec.name === (modelSide as typeof spec).name ? undefined : `${at}: cycles to ${spec.name} vs ${(modelSide as typeof spec).name}`;
    case 'primitive': {
      const other = modelSide as typeof spec;
      if (spec.types.join() !== other.types.join()) return `${at}: the spec's type is ${spec.types.join('|')}, the model's ${other.types.join('|')}`;
      if (JSON.stringify(spec.values) !== JSON.stringify(other.values)) {
        return `${at}: the spec allows ${spec.values?.join(', ') ?? 'any value'}, the model ${other.values?.join(', ') ?? 'any value'}`;
      }
      return undefined;
    }
    case 'array':
      return firstMismatch(spec.items, (modelSide as typeof spec).items, `${path}/items`);
    case 'object': {
      const other = modelSide as typeof spec;
      const missing = Object.keys(spec.properties).filter((k) => !(k in other.properties));
      const extra = Object.keys(other.properties).filter((k) => !(k in spec.properties));
      if (missing.length > 0 || extra.length > 0) {
        return `${at}: properties differ (only in the spec: ${missing.join(', ') || '-'}; only in the model: ${extra.join(', ') || '-'})`;
      }
      if (spec.required.join() !== other.required.join()) return `${at}: required is [${spec.required.join(', ')}] in the spec, [${other.required.join(', ')}] in the model`;
      for (const key of Object.keys(spec.properties)) {
        const found = firstMismatch(spec.properties[key]!, other.properties[key]!, `${path}/properties/${key}`);
        if (found !== undefined) return found;
      }
      if ((spec.additional === undefined) !== (other.additional === undefined)) {
        return `${at}/additionalProperties: the spec has ${spec.additional === undefined ? 'none' : summary(spec.additional)}, the model ${other.additional === undefined ? 'none' : summary(other.additional)}`;
      }
      return spec.additional === undefined ? undefined : firstMismatch(spec.additional, other.additional!, `${path}/additionalProperties`);
    }
    case 'union': {
      const other = modelSide as typeof spec;
      if (spec.branches.length !== other.branches.length) return `${at}: the spec has ${summary(spec)}, the model ${summary(other)}`;
      const unmatched = [...other.branches];
      for (const branch of spec.branches) {
        const exact = unmatched.findIndex((candidate) => firstMismatch(branch, candidate) === undefined);
        if (exact >= 0) {
          unmatched.splice(exact, 1);
          continue;
        }
        const label = branch.kind === 'object' && branch.name !== undefined ? branch.name : branchKey(branch);
        const twin = unmatched.find((candidate) => branchKey(candidate) === branchKey(branch) || (candidate.kind === 'object' && branch.kind === 'object' && candidate.name === branch.name));
        if (twin !== undefined) return firstMismatch(branch, twin, `${path}/oneOf[${label}]`);
        return `${at}: no branch of the model matches the spec's branch ${label} (${summary(branch)})`;
      }
      return undefined;
    }
  }
}

const specOptions: NormalizeOptions = { definitions: bundle.definitions, opaqueValues: new Set() };
const specNorm = (schema: Schema) => normalize(schema, specOptions);
const modelNorm = (schema: Schema, opaqueValues: ReadonlySet<string> = opaque) =>
  normalize(schema, { definitions: (isObject(schema.definitions) ? schema.definitions : {}) as Record<string, Schema>, opaqueValues });

// ---- the tests -----------------------------------------------------------------------------------

describe('the models typescript-json-schema reads', () => {
  it('compile cleanly under strict settings, and only Record<string, T> is respelt', () => {
    expect(models.diagnostics).toEqual([]);
    expect(spelt.rewritten).toBeGreaterThan(0);
    expect(spelt.rewritten).toBe(modelsSource.match(/\bRecord<string,/g)?.length ?? 0);
    expect(spelt.text).not.toMatch(/\bRecord</);
  });

  it('have the ambient enums the fallbacks\' types stand for (UnknownEvent, UnknownUser), and nothing else opaque', () => {
    expect([...opaque].sort()).toEqual(['(unknown Event type)', '(unknown User type)']);
    expect(models.schemaOf('UnknownEvent').properties).toMatchObject({ type: { type: 'string', const: '(unknown Event type)' } });
    expect(models.schemaOf('UnknownUser').properties).toMatchObject({ type: { type: 'string', const: '(unknown User type)' } });
  });
});

describe('every message payload: the TypeScript model matches the spec', () => {
  it.each(payloadMessages)('$name ($ref)', ({ name, ref }) => {
    const spec = bundle.definitions[`payload.${name}`];
    if (spec === undefined) throw new Error(`no payload.${name} in bundle.json`);
    expect(firstMismatch(specNorm(spec), modelNorm(models.schemaOf(ref))) ?? 'no difference').toBe('no difference');
    // The message module's payload alias is that model.
    const module = readFileSync(`${PACKAGE_DIR}src/gen/messages/${name}.ts`, 'utf8');
    expect(module).toContain(`export type ${pascalCase(name)} = ${ref};`);
  });

  it.each(headerSchemas)('frame headers %s', (name) => {
    expect(firstMismatch(specNorm({ $ref: definitionRef(name) }), modelNorm(models.schemaOf(name))) ?? 'no difference').toBe('no difference');
  });
});

describe('the comparison can fail', () => {
  /** The spec's payload schema of a message after `edit`, compared with its unchanged model. */
  function mismatchAfter(name: string, edit: (definitions: Record<string, Schema>) => void): string | undefined {
    const definitions = structuredClone(bundle.definitions) as Record<string, Schema>;
    edit(definitions);
    const ref = payloadMessages.find((m) => m.name === name)!.ref;
    return firstMismatch(normalize(definitions[`payload.${name}`]!, { definitions, opaqueValues: new Set() }), modelNorm(models.schemaOf(ref)));
  }
  const props = (definitions: Record<string, Schema>, name: string) => definitions[name]!.properties as Record<string, Schema>;

  it('reports a dropped property, with its path', () => {
    expect(mismatchAfter('new_event', (d) => delete props(d, 'MessageEvent').text)).toMatch(/^\/oneOf\[MessageEvent\]: properties differ \(only in the spec: -; only in the model: text\)/);
  });
  it('reports a changed required set', () => {
    expect(mismatchAfter('user_is_typing', (d) => void (d.TypingIndicator!.required = ['chat']))).toMatch(/^\/: required is \[chat\]/);
  });
  it('reports a changed type deep inside', () => {
    expect(mismatchAfter('connected', (d) => void (d.Timestamp!.type = 'string'))).toMatch(/^\/properties\/chatsSummary\/items\/properties\/lastEvent\/oneOf\[\w+\]\/properties\/timestamp: the spec's type is string/);
  });
  it('reports a changed enum or const', () => {
    expect(mismatchAfter('error_response', (d) => void (d.ErrorType!.enum as string[]).push('teapot'))).toMatch(/^\/properties\/error\/properties\/type: the spec allows/);
    expect(mismatchAfter('user_data', (d) => void (props(d, 'Agent').type!.const = 'robot'))).toBe('/oneOf[Agent]/properties/type: the spec allows "robot", the model "agent"');
  });
  it('reports a missing union branch', () => {
    expect(mismatchAfter('new_event', (d) => void (d.Event!.oneOf as unknown[]).pop())).toMatch(/^\/: the spec has union of 3/);
  });
  it('reports a map whose value type changed', () => {
    expect(mismatchAfter('chat_properties_updated', (d) => void (d.PropertyNamespace!.additionalProperties = { type: 'string' }))).toBe("/properties/properties/additionalProperties/oneOf[PropertyNamespace]/additionalProperties: the spec's type is string, the model's boolean|null|number|string");
  });
  it('reports what typescript-json-schema loses on an unrespelt Record<string, T>', () => {
    const raw = generatorFor(modelsSource, 'models-unrespelt.ts');
    const mismatch = firstMismatch(specNorm(bundle.definitions['payload.connected']!), modelNorm(raw.schemaOf('ChatsSummaryPage')));
    expect(mismatch).toMatch(/additionalProperties: the spec has .*, the model none/);
  });
  it('treats the ambient enum as a string only because it is ambient', () => {
    const mismatch = firstMismatch(specNorm(bundle.definitions['payload.new_event']!), modelNorm(models.schemaOf('Event'), new Set()));
    expect(mismatch).toMatch(/UnknownEvent\]\/properties\/type: the spec allows any value, the model "\(unknown Event type\)"/);
  });
});
