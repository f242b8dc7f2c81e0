// A tiny HTML builder: elements are built as values, every text and attribute is escaped, and
// only markup this module produced (an `Html` value) is ever inserted unescaped.

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/** Markup that is already safe: built by `h`, `fragment` or `trusted`. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type Child = Html | string | number | null | undefined | false | readonly Child[];

export type AttributeValue = string | number | boolean | null | undefined;
export type Attributes = Readonly<Record<string, AttributeValue>>;

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}

function renderChildren(children: readonly Child[]): string {
  let out = '';
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Html) out += child.markup;
    else if (Array.isArray(child)) out += renderChildren(child);
    else out += escapeText(String(child));
  }
  return out;
}

function renderAttributes(attributes: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`invalid attribute name "${name}"`);
    if (value === null || value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeAttribute(String(value))}"`;
  }
  return out;
}

/** An element: `h('a', { href: '#x' }, 'text')`. Void elements take no children. */
export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): Html {
  if (!/^[a-z][a-z0-9]*$/.test(tag)) throw new Error(`invalid tag name "${tag}"`);
  const open = `<${tag}${renderAttributes(attributes)}>`;
  if (VOID_ELEMENTS.has(tag)) {
    if (children.length > 0) throw new Error(`<${tag}> cannot have children`);
    return new Html(open);
  }
  return new Html(`${open}${renderChildren(children)}</${tag}>`);
}

/** Children side by side, with no wrapping element. */
export function fragment(...children: Child[]): Html {
  return new Html(renderChildren(children));
}

/** Children on separate lines (block-level content), for readable output. */
export function lines(...children: Child[]): Html {
  const flat: Child[] = [];
  const add = (list: readonly Child[]): void => {
    for (const child of list) {
      if (Array.isArray(child)) add(child);
      else if (child !== null && child !== undefined && child !== false) flat.push(child);
    }
  };
  add(children);
  return new Html(flat.map((child) => renderChildren([child])).join('\n'));
}

/** An HTML comment; `--` cannot occur in one. */
export function comment(text: string): Html {
  if (text.includes('--')) throw new Error('an HTML comment cannot contain "--"');
  return new Html(`<!-- ${text} -->`);
}

/** Markup from a trusted, fixed source inside this package (the doctype). */
export function trusted(markup: string): Html {
  return new Html(markup);
}
