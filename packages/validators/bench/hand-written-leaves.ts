// What both hand-written guards of the bench share: the leaf checks (ids, counts, code points,
// the URL pattern and the `uri` format) and the own-property helpers. They differ only in the order
// of their checks on objects (see hand-written.ts and hand-written-own-first.ts).
import { readFileSync } from 'node:fs';
import formatsModule from 'ajv-formats/dist/formats.js';

const { fullFormats } = formatsModule as unknown as { fullFormats: { uri: (value: string) => boolean } };
export const isUri = fullFormats.uri;
/** The spec's `pattern` for http(s) URLs (FileEvent.url), from the exported schema, with the `u` flag as JSON Schema tools compile it. */
export const HTTP_URL = new RegExp(
  (JSON.parse(readFileSync(new URL('../schemas/bundle.json', import.meta.url), 'utf8')) as { definitions: { FileEvent: { properties: { url: { pattern: string } } } } }).definitions.FileEvent.properties.url.pattern,
  'u',
);
export const hasOwn = Object.prototype.hasOwnProperty;

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** String length as JSON Schema counts it: a surrogate pair is one code point. */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    count++;
  }
  return count;
}

export const isId = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
export const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;
export const isCustomId = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && (value.length <= 256 || codePoints(value) <= 256);

/** The `rating` namespace of Properties as the server sends it (StoredRating): a whole score from 1 to 5 if any, a comment of at most 1024 code points if any, any other own key a property value. */
export function isRatingNamespace(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const score = value.score;
  if (score !== undefined && hasOwn.call(value, 'score') && (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > 5)) return false;
  const comment = value.comment;
  if (comment !== undefined && hasOwn.call(value, 'comment') && (typeof comment !== 'string' || (comment.length > 1024 && codePoints(comment) > 1024))) return false;
  for (const key in value) {
    if (key === 'score' || key === 'comment' || !hasOwn.call(value, key)) continue;
    const entry = value[key];
    if (!(typeof entry === 'string' || typeof entry === 'boolean' || entry === null || (typeof entry === 'number' && Number.isFinite(entry)))) return false;
  }
  return true;
}
