// Keeps test/fixtures/seed-facts.json honest: it re-reads the normative event reference
// (../shared/seed/events.md, a sibling of the repository root) with a small markdown table reader
// and checks that the hand-written facts say exactly what the seed's tables say.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturePath, repoRoot, type SeedEvent, type SeedFacts, type SeedField } from './seed-facts.js';

// SEED_EVENTS_PATH only exists to point the test at a broken copy when checking that it can fail.
const seedPath = process.env['SEED_EVENTS_PATH'] ?? resolve(repoRoot, '..', 'shared', 'seed', 'events.md');

interface Section {
  event: string;
  draft: boolean;
  /** Each table as its rows of trimmed cells; row 0 is the header, the separator is dropped. */
  tables: string[][][];
  text: string[];
}

function splitRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|')) body = body.slice(0, -1);
  return body.split('|').map((cell) => cell.trim());
}

const isSeparator = (cells: string[]): boolean => cells.every((cell) => /^:?-+:?$/.test(cell));

/** Splits the markdown into one section per `## name` / `### name` heading. */
function readSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let table: string[][] | undefined;
  let inComment = false;
  let inFence = false;
  let inFrontMatter = false;

  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  lines.forEach((original, index) => {
    let line = original;
    if (index === 0 && line.trim() === '---') {
      inFrontMatter = true;
      return;
    }
    if (inFrontMatter) {
      if (line.trim() === '---') inFrontMatter = false;
      return;
    }
    if (line.trimStart().startsWith('```')) {
      inFence = !inFence;
      table = undefined;
      return;
    }
    if (inFence) return;

    // The HTML comment may open and close on lines that also carry content
    // (`<!--### chat_properties_updated`, `| ... |-->`).
    let closesComment = false;
    if (line.includes('<!--')) {
      if (inComment) throw new Error(`seed line ${index + 1}: nested HTML comment`);
      inComment = true;
      line = line.replace('<!--', '');
    }
    if (line.includes('-->')) {
      if (!inComment) throw new Error(`seed line ${index + 1}: "-->" without "<!--"`);
      closesComment = true;
      line = line.replace('-->', '');
    }

    const heading = /^(#{1,6})\s+(.+?)\s*$/.exec(line.trim());
    if (heading) {
      table = undefined;
      const level = heading[1]!.length;
      if (level === 2 || level === 3) {
        current = { event: heading[2]!, draft: inComment, tables: [], text: [] };
        sections.push(current);
      } else if (level > 3) {
        throw new Error(`seed line ${index + 1}: unexpected heading level ${level}: ${original}`);
      }
    } else if (line.trim().startsWith('|')) {
      if (!current) throw new Error(`seed line ${index + 1}: table outside of an event section`);
      const cells = splitRow(line);
      if (!table) {
        table = [cells];
        current.tables.push(table);
      } else if (table.length === 1 && isSeparator(cells)) {
        // the header's separator row
      } else {
        table.push(cells);
      }
    } else {
      table = undefined;
      if (current && line.trim() !== '') current.text.push(line.trim());
    }
    if (closesComment) inComment = false;
  });
  if (inComment) throw new Error('seed: unterminated HTML comment');
  if (inFence) throw new Error('seed: unterminated code fence');
  return sections;
}

function tableToFacts(section: Section, table: string[][]): Omit<SeedEvent, 'event' | 'draft'> {
  const [header, ...rows] = table;
  const layout = header!.map((cell) => cell.toLowerCase()).join('|');
  const where = `seed event ${section.event}`;
  for (const row of rows) {
    if (row.length !== header!.length) throw new Error(`${where}: row [${row.join(' | ')}] has ${row.length} cells, header has ${header!.length}`);
  }
  const nonEmpty = rows.filter((row) => row.some((cell) => cell !== ''));

  switch (layout) {
    case 'shape|type|shape|type|description': {
      const fields: SeedField[] = [];
      let parent: string | undefined;
      for (const [shape, type, childShape, childType, description] of nonEmpty) {
        if (shape !== '') {
          if (childShape !== '' || childType !== '') throw new Error(`${where}: row ${shape} fills both shape columns`);
          parent = shape;
          fields.push({ path: [shape!], type: type!, description: description! });
        } else {
          if (parent === undefined) throw new Error(`${where}: nested row ${childShape} without a parent row`);
          if (type !== '') throw new Error(`${where}: nested row ${childShape} has a type in the parent column`);
          fields.push({ path: [parent, childShape!], type: childType!, description: description! });
        }
      }
      return { payload: 'object', open: false, fields };
    }
    case 'shape|type|description': {
      const fields: SeedField[] = [];
      let open = false;
      for (const [shape, type, description] of nonEmpty) {
        if (shape === '...') open = true;
        else if (shape === '') throw new Error(`${where}: row without a shape: [${type} | ${description}]`);
        else fields.push({ path: [shape!], type: type!, description: description! });
      }
      return { payload: 'object', open, fields };
    }
    case 'argument|type':
    case 'argument|type|description': {
      if (nonEmpty.length !== 1) throw new Error(`${where}: expected exactly one argument, found ${nonEmpty.length}`);
      const type = nonEmpty[0]![1];
      if (type !== 'string') throw new Error(`${where}: unsupported argument type "${type}"`);
      return { payload: 'string', fields: [] };
    }
    default:
      throw new Error(`${where}: unknown table layout [${header!.join(' | ')}]`);
  }
}

function readSeedFacts(markdown: string, source = 'seed/events.md'): SeedFacts {
  const events = readSections(markdown).map((section): SeedEvent => {
    if (section.tables.length > 1) throw new Error(`seed event ${section.event}: ${section.tables.length} tables, expected at most one`);
    const table = section.tables[0];
    if (!table) {
      if (!section.text.some((line) => /doesn't carry any additional payload/i.test(line))) {
        throw new Error(`seed event ${section.event}: no payload table and no "doesn't carry any additional payload" sentence`);
      }
      return { event: section.event, draft: section.draft, payload: 'none', fields: [] };
    }
    return { event: section.event, draft: section.draft, ...tableToFacts(section, table) };
  });
  return { source, events };
}

describe('seed facts fixture', () => {
  it('matches the tables of the normative seed reference (../shared/seed/events.md)', () => {
    expect(
      existsSync(seedPath),
      `The normative seed reference is missing: expected it at ${seedPath} (the shared folder next to the repository root). ` +
        'The seed facts fixture cannot be checked without it.',
    ).toBe(true);
    const derived = readSeedFacts(readFileSync(seedPath, 'utf8'));
    const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as SeedFacts;
    expect(fixture.source).toBe('seed/events.md');
    // Names first, for a readable failure when an event is missing or out of order.
    expect(fixture.events.map((e) => e.event), 'event names and order').toEqual(derived.events.map((e) => e.event));
    expect(fixture, `${fixturePath} drifted from ${seedPath}`).toEqual(derived);
  });

  it('reads headings inside the HTML comment as draft events', () => {
    const facts = readSeedFacts(
      ['## a', 'This event doesn\'t carry any additional payload.', '<!--### b', '', '| shape | type | description |', '| --- | --- | --- |', '| x | number | X |-->', '## c', '| argument | type |', '| - | - |', '| id | string |'].join('\n'),
    );
    expect(facts.events).toEqual([
      { event: 'a', draft: false, payload: 'none', fields: [] },
      { event: 'b', draft: true, payload: 'object', open: false, fields: [{ path: ['x'], type: 'number', description: 'X' }] },
      { event: 'c', draft: false, payload: 'string', fields: [] },
    ]);
  });

  it('rejects a table layout it does not know', () => {
    expect(() => readSeedFacts('## a\n| name | kind |\n| - | - |\n| x | string |')).toThrow(/unknown table layout/);
  });
});
