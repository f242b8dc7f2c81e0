// String formats for the generator's guards and explainer: each is written into generated code as
// a RegExp, so every format the spec uses must have one here. The model reports a format missing
// from the table as a problem at the `format` keyword (spec-model's schemas.ts), so generation stops
// before any plugin runs rather than leave a check out.
import formatsModule from 'ajv-formats/dist/formats.js';

type FormatTable = Record<string, unknown>;
const { fullFormats } = formatsModule as unknown as { fullFormats: FormatTable };

/**
 * ajv-formats checks `uri` with a function: `NOT_URI_FRAGMENT.test(s) && URI.test(s)`. Its URI
 * pattern already requires a scheme followed by `:`, which implies NOT_URI_FRAGMENT (`/|:`), so
 * the pattern alone is equivalent (a property test in tools/codegen checks this).
 */
export const URI =
  // Copied from ajv-formats 3.0.1 (dist/formats.js, `const URI`).
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

const OVERRIDES: Record<string, RegExp> = { uri: URI };

/** The RegExp for a format, or an error naming it when it cannot be precompiled. */
export function formatRegExp(name: string): RegExp {
  const format = OVERRIDES[name] ?? fullFormats[name];
  if (format instanceof RegExp) return format;
  throw new Error(`format "${name}" has no regular expression the precompiled validators can inline`);
}

/** The function ajv-formats uses for a format (for tests comparing it with formatRegExp). */
export function ajvFormatsCheck(name: string): (value: string) => boolean {
  const format = fullFormats[name];
  if (format instanceof RegExp) return (value) => format.test(value);
  if (typeof format === 'function') return format as (value: string) => boolean;
  throw new Error(`ajv-formats has no check for "${name}"`);
}
