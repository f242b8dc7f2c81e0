// What every page builder gets: the model, the linker for descriptions, and the list the pages
// add their code examples to (the build writes them out to be type-checked).
import type { Block, Inline } from '../doc.js';
import type { Example } from '../examples.js';
import type { ShapeContext } from '../fields.js';
import { inlineDescription, parseMarkdown, type Linker } from '../spec-markdown.js';
import { createLinker, type ProtocolModel } from '../spec-model.js';

export interface PageContext {
  model: ProtocolModel;
  linker: Linker;
  examples: Example[];
}

export function createContext(model: ProtocolModel): PageContext {
  return { model, linker: createLinker(model), examples: [] };
}

export function shapeContext(context: PageContext, expandNamed: boolean): ShapeContext {
  return { model: context.model, linker: context.linker, expandNamed };
}

/** The code block of an example, recorded so the build writes and checks it. */
export function exampleBlock(context: PageContext, example: Example): Block {
  if (context.examples.some((e) => e.id === example.id)) throw new Error(`two examples named ${example.id}`);
  context.examples.push(example);
  return { kind: 'code', language: 'ts', code: example.code, example: example.id };
}

export function describeBlocks(context: PageContext, markdown: string | undefined): Block[] {
  return markdown === undefined ? [] : parseMarkdown(markdown, { linker: context.linker });
}

export function describeInline(context: PageContext, markdown: string | undefined): Inline[] {
  return inlineDescription(markdown, context.linker);
}

/** A small label paragraph before a table (`Payload:`), as in the seed. */
export function label(text: string): Block {
  return { kind: 'paragraph', content: [text], className: 'label' };
}
