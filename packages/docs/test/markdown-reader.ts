// A small reader of the generated Markdown: one section per `##`/`###` heading, with its tables
// (rows of trimmed cells, separator dropped) and its other lines, so the events page can be
// compared with the seed facts.
export interface MarkdownSection {
  heading: string;
  level: number;
  tables: string[][][];
  text: string[];
}

function splitRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|')) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

export function readMarkdownSections(markdown: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  let current: MarkdownSection | undefined;
  let table: string[][] | undefined;
  let inFence = false;
  let inFrontMatter = false;
  markdown.split('\n').forEach((line, index) => {
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
    const heading = /^(#{1,6})\s+(.+?)\s*$/.exec(line.trim());
    if (heading) {
      table = undefined;
      if (heading[1]!.length >= 2) {
        current = { heading: heading[2]!, level: heading[1]!.length, tables: [], text: [] };
        sections.push(current);
      }
      return;
    }
    if (line.trim().startsWith('|') && current) {
      const cells = splitRow(line);
      if (!table) {
        table = [cells];
        current.tables.push(table);
      } else if (!(table.length === 1 && cells.every((c) => /^:?-+:?$/.test(c)))) table.push(cells);
      return;
    }
    table = undefined;
    if (current && line.trim() !== '') current.text.push(line.trim());
  });
  return sections;
}
