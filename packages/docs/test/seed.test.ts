// The Markdown events page reproduces the normative seed's tables: checked against the seed facts
// (spec/seed-facts.json, the repository's record of the seed's tables).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_EVENTS } from '../src/spec-model.js';
import { buildIntoTemporaryDirectory, type Built } from './helpers.js';
import { readMarkdownSections, type MarkdownSection } from './markdown-reader.js';
// The repository's one reader of the seed facts fixture (shared with the spec's own seed tests).
import { facts } from '../../../spec/test/seed-facts.js';

let built: Built;
let sections: MarkdownSection[];
beforeAll(async () => {
  built = await buildIntoTemporaryDirectory();
  sections = readMarkdownSections(built.read('markdown/events.md'));
});
afterAll(() => built?.remove());

/** Where each field of a table sits: its path, the type column next to it, and which columns. */
function tableFields(table: string[][]): Array<{ path: string[]; type: string; nested: boolean }> {
  const [head, ...rows] = table;
  const fields: Array<{ path: string[]; type: string; nested: boolean }> = [];
  if (head!.join('|') === 'shape|type|shape|type|description') {
    let parent: string | undefined;
    for (const [shape, type, childShape, childType] of rows) {
      if (shape !== '') {
        expect(childShape, `row ${shape} fills one shape column only`).toBe('');
        parent = shape;
        fields.push({ path: [shape!], type: type!, nested: false });
      } else if (childShape !== '') {
        expect(parent, `nested row ${childShape} has a parent row`).toBeDefined();
        expect(type, `nested row ${childShape} leaves the parent type column empty`).toBe('');
        fields.push({ path: [parent!, childShape!], type: childType!, nested: true });
      }
    }
  } else {
    for (const [shape, type] of rows) fields.push({ path: [shape!], type: type!, nested: false });
  }
  return fields;
}

describe('events.md against the seed', () => {
  it('keeps the seed\u2019s event order (read from the spec package\u2019s record of the seed)', () => {
    expect(SEED_EVENTS).toEqual(facts.events.map((e) => e.event));
    const headings = sections.filter((s) => s.level === 2).map((s) => s.heading);
    expect(headings.slice(0, facts.events.length)).toEqual(facts.events.map((e) => e.event));
  });

  it.each(facts.events.map((e) => [e.event, e] as const))('%s: section and table as in the seed', (_name, seed) => {
    const section = sections.find((s) => s.heading === seed.event);
    expect(section, `a "## ${seed.event}" section`).toBeDefined();
    expect(section!.level).toBe(2);
    expect(section!.tables.length, 'at most one table per event').toBeLessThanOrEqual(1);
    const table = section!.tables[0];
    switch (seed.payload) {
      case 'none':
        expect(table).toBeUndefined();
        expect(section!.text).toContain("This event doesn't carry any additional payload.");
        return;
      case 'string': {
        expect(table).toBeDefined();
        expect(table![0]!.slice(0, 2)).toEqual(['argument', 'type']);
        expect(table!.slice(1)).toHaveLength(1);
        expect(table![1]![1]).toBe('string');
        // The seed's "Optional" (disconnected's reason): said in the description cell.
        expect(table![1]![2]!.startsWith('*optional*'), `${seed.event}: ${table![1]![2]}`).toBe(seed.optional === true);
        return;
      }
      case 'object': {
        expect(table).toBeDefined();
        const nestedInSeed = seed.fields.some((f) => f.path.length > 1);
        // The seed's layout: five columns when fields nest, three otherwise.
        expect(table![0]).toEqual(nestedInSeed ? ['shape', 'type', 'shape', 'type', 'description'] : ['shape', 'type', 'description']);
        const ours = tableFields(table!);
        for (const fact of seed.fields) {
          const row = ours.find((f) => f.path.join('.') === fact.path.join('.'));
          expect(row, `${seed.event}: a row for ${fact.path.join('.')}`).toBeDefined();
          expect(row!.nested, `${fact.path.join('.')} in the ${fact.path.length > 1 ? 'nested' : 'top-level'} shape column`).toBe(fact.path.length > 1);
          // The seed leaves some types blank (`chatsSummary.id`); where it writes one, ours is the same.
          if (fact.type !== '') expect(row!.type, `${seed.event}: type of ${fact.path.join('.')}`).toBe(fact.type);
        }
        if (seed.open) expect(table!.slice(1).some((row) => row[0] === '...'), `${seed.event}: a "..." row for other properties`).toBe(true);
        return;
      }
    }
  });

  it('writes types only the way the seed does', () => {
    const types = new Set<string>();
    for (const section of sections) for (const table of section.tables) for (const field of tableFields(table)) if (field.type !== '') types.add(field.type);
    for (const type of types) expect(type).toMatch(/^(string|number|boolean|object|any|null)(\[\])?( or (string|number|boolean|object|null))*$/);
    expect(types).not.toContain('integer');
  });

  it('carries the generated-file notice and the seed\u2019s front matter', () => {
    const markdown = built.read('markdown/events.md');
    expect(markdown.startsWith('---\ntitle: "Events"\nweight: 40\n---\n')).toBe(true);
    expect(markdown).toContain('<!-- Generated by @customer-chat/docs from spec/asyncapi.yaml, do not edit -->');
  });

  it('says the same as the site: every event section of events.html has one in events.md', () => {
    const html = built.read('site/events.html');
    const ids = [...html.matchAll(/<h2 id="([^"]+)"/g)].map((m) => m[1]);
    expect(sections.filter((s) => s.level === 2).map((s) => s.heading)).toEqual(ids);
  });
});
