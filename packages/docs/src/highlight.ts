// Build-time syntax highlighting for the code blocks (TypeScript, JSON, shell): a few token
// classes as spans, so the pages need no highlighting script.
import { fragment, h, type Html } from './html.js';

export type Language = 'ts' | 'json' | 'sh';

const KEYWORDS = new Set([
  'async', 'await', 'break', 'case', 'catch', 'const', 'declare', 'default', 'else', 'export', 'for', 'from', 'function',
  'if', 'import', 'instanceof', 'let', 'new', 'of', 'return', 'switch', 'throw', 'try', 'type', 'typeof',
]);
const LITERALS = new Set(['true', 'false', 'null', 'undefined']);

const STRING = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/.source;
const NUMBER = /\b\d+(?:\.\d+)?\b/.source;
const WORD = /[A-Za-z_$][\w$]*/.source;
const COMMENT: Record<Language, string> = { ts: /\/\/[^\n]*/.source, json: /\/\/[^\n]*/.source, sh: /#[^\n]*/.source };

function tokenizer(language: Language): RegExp {
  return new RegExp(`(${COMMENT[language]})|(${STRING})|(${NUMBER})|(${WORD})`, 'g');
}

/** `payload.type` and `{ type: 'x' }` use a keyword as a property name, not as a keyword. */
function isPropertyName(code: string, start: number, end: number, word: string): boolean {
  return code[start - 1] === '.' || (word !== 'default' && /^\s*:/.test(code.slice(end)));
}

export function highlight(code: string, language: Language): Html {
  const parts: Array<Html | string> = [];
  let last = 0;
  for (const match of code.matchAll(tokenizer(language))) {
    const [text, comment, string, number, word] = match;
    if (match.index > last) parts.push(code.slice(last, match.index));
    last = match.index + text.length;
    if (comment !== undefined) parts.push(h('span', { class: 'tok-comment' }, text));
    else if (string !== undefined) {
      const isKey = language === 'json' && /^\s*:/.test(code.slice(last));
      parts.push(h('span', { class: isKey ? 'tok-key' : 'tok-string' }, text));
    } else if (number !== undefined) parts.push(h('span', { class: 'tok-number' }, text));
    else if (word !== undefined && language !== 'sh' && LITERALS.has(word)) parts.push(h('span', { class: 'tok-literal' }, text));
    else if (word !== undefined && language === 'ts' && KEYWORDS.has(word) && !isPropertyName(code, match.index, last, word)) parts.push(h('span', { class: 'tok-keyword' }, text));
    else parts.push(text);
  }
  if (last < code.length) parts.push(code.slice(last));
  return fragment(...parts);
}
