// Small helpers the client's parts share: error and issue text, own-key lookups.

import type { ProtocolDescription, ValidationIssue } from './protocol.js';

export function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    // A value String() refuses (Object.create(null), a symbol's wrapper...): used in error
    // handlers, where a throw would escape into the socket's listeners.
    return 'a value that cannot be shown as text';
  }
}

export function summarize(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path === '' ? '(root)' : issue.path} ${issue.message}`).join('; ');
}

export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  // Own keys only, so an action named `constructor` or `__proto__` is just unknown.
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The client `code` of a server error type: the protocol's entry, else the type in upper case. */
export function errorCode(protocol: Pick<ProtocolDescription, 'errorCodes'>, type: string): string {
  return own(protocol.errorCodes, type) ?? type.toUpperCase();
}
