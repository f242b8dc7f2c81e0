import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileAt, createSpecAjv } from '../src/ajv.js';
import { formatProblem, loadCleanSpec, loadSpec, SpecError } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('loadSpec', () => {
  it('loads a valid document with no problem', async () => {
    const spec = await loadSpec(fixture('minimal.yaml'));
    expect(spec.problems).toEqual([]);
    expect(spec.document?.allMessages().length).toBe(1);
    expect(spec.raw).toMatchObject({ asyncapi: '3.1.0' });
  });

  it('reports a YAML syntax error with file and line, and no document', async () => {
    const spec = await loadSpec(fixture('bad-yaml.yaml'));
    expect(spec.document).toBeUndefined();
    expect(spec.problems).toHaveLength(1);
    expect(spec.problems[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', file: fixture('bad-yaml.yaml') });
    expect(spec.problems[0]!.line).toBeGreaterThanOrEqual(5);
  });

  it('reports an invalid schema with its JSON pointer and line', async () => {
    const spec = await loadSpec(fixture('bad-schema.yaml'));
    expect(spec.document).toBeUndefined();
    const problem = spec.problems.find((p) => p.pointer === '/components/schemas/Ping/properties/at/type');
    expect(problem, JSON.stringify(spec.problems, null, 2)).toMatchObject({ severity: 'error', line: 31 });
    expect(formatProblem(problem!, fileURLToPath(new URL('.', import.meta.url)))).toMatch(
      /^fixtures\/bad-schema\.yaml:31:\d+ error asyncapi-document-resolved at \/components\/schemas\/Ping\/properties\/at\/type: /,
    );
  });

  it.each(['__proto__', 'hasOwnProperty'])('refuses a %s key at its line and pointer, with no stack trace', async (key) => {
    const source = (await readFile(fixture('minimal.yaml'), 'utf8')).replace(/^(\s*)properties:\n/m, `$1properties:\n$1  ${key}: { type: string }\n`);
    expect(source).toContain(`${key}: { type: string }`);
    const file = join(await mkdtemp(join(tmpdir(), 'loader-keys-')), 'doc.yaml');
    await writeFile(file, source);
    const spec = await loadSpec(file);
    expect(spec.document).toBeUndefined();
    const line = source.split('\n').findIndex((text) => text.includes(`${key}:`)) + 1;
    expect(spec.problems).toEqual([
      expect.objectContaining({ severity: 'error', code: 'unsupported-key', file, line, pointer: expect.stringMatching(new RegExp(`/properties/${key}$`)) }),
    ]);
    expect(spec.problems[0]!.message).not.toMatch(/\n|stack/);
  });

  it('applies YAML merge keys (<<) in raw, as the parser does in the document it validates', async () => {
    const spec = await loadSpec(fixture('merge-keys.yaml'));
    expect(spec.problems).toEqual([]);
    const properties = (spec.raw as { components: { schemas: { Ping: { properties: Record<string, unknown> } } } }).components.schemas.Ping.properties;
    expect(properties.until).toEqual({ type: 'integer', description: 'Until when.' });
    expect(JSON.stringify(spec.raw)).not.toContain('<<');
    const { 'x-parser-schema-id': _id, ...parsed } = spec.document!.components().schemas().get('Ping')!.properties()!.until!.json() as Record<string, unknown>;
    expect(properties.until).toEqual(parsed);
  });

  it('reports the project lint rules as warnings at the offending node', async () => {
    const spec = await loadSpec(fixture('lint-warnings.yaml'));
    const found = spec.problems.map((p) => [p.code, p.pointer, p.severity]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['customer-chat-message-summary', '/components/messages/ping', 'warning'],
        ['customer-chat-property-description', '/components/schemas/Ping/properties/at', 'warning'],
        // The parser would silently drop the description beside the $ref.
        ['customer-chat-ref-alone', '/components/schemas/Ping/properties/since', 'warning'],
      ]),
    );
  });
});

describe('loadCleanSpec', () => {
  it('throws a SpecError listing every error and warning', async () => {
    const error = await loadCleanSpec(fixture('lint-warnings.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).problems.length).toBeGreaterThanOrEqual(2);
    expect((error as SpecError).message).toMatch(/lint-warnings\.yaml:\d+:\d+ warning customer-chat-message-summary at \/components\/messages\/ping/);
  });

  it('returns the document when it is clean', async () => {
    await expect(loadCleanSpec(fixture('minimal.yaml'))).resolves.toMatchObject({ problems: [] });
  });
});

describe('locate', () => {
  it('gives the line of the node at a pointer, or of its nearest ancestor', async () => {
    const spec = await loadSpec(fixture('minimal.yaml'));
    expect(spec.locate('/components/schemas/Ping/properties/at')).toEqual({ line: 31, column: 11 });
    expect(spec.locate('/components/schemas/Ping/nothing/here').line).toBe(spec.locate('/components/schemas/Ping').line);
  });
});

describe('createSpecAjv', () => {
  const components = {
    schemas: {
      Reason: { type: 'string', enum: ['a'], 'x-enum-descriptions': { a: 'A.' } },
      Event: {
        oneOf: [{ type: 'object', 'x-branch': true, properties: { at: { type: 'integer', 'x-unit': 'ms' } } }],
        discriminator: 'type',
      },
    },
    messages: { ping: { payload: { $ref: '#/components/schemas/Event' }, 'x-client-event': { event: 'pong', payload: '' } } },
  };

  it('accepts the extensions of every schema, at any depth, and compiles by pointer', () => {
    const ajv = createSpecAjv({ components });
    expect(compileAt(ajv, '/components/messages/ping/payload')({ at: 1 })).toBe(true);
    expect(compileAt(ajv, '/components/schemas/Event')({ at: 'soon' })).toBe(false);
  });

  it('still rejects a misspelt keyword', () => {
    const misspelt = { schemas: { Pings: { type: 'array', maxItem: 3 } } };
    expect(() => compileAt(createSpecAjv({ components: misspelt }), '/components/schemas/Pings')).toThrow(/unknown keyword: "maxItem"/);
  });
});

describe('YAML syntax errors', () => {
  it('give the message once, without the parser repeating the location already printed', async () => {
    const spec = await loadSpec(fixture('bad-yaml.yaml'));
    expect(spec.problems[0]!.message).not.toMatch(/at line \d+, column \d+/);
    // The fixture's `[` is never closed: named at the bracket, not at the line yaml stumbles on after it.
    expect(spec.problems[0]!.message).toBe('this "[" is never closed: a "]" is missing (then 1 more syntax error on line 6, which may only follow from this one: fix it first)');
    expect(spec.problems[0]).toMatchObject({ line: 5, column: 16 });
  });
});
