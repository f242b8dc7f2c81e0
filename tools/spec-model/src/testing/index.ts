// Helpers for the repository's tests (not part of the model): broken copies of a document, and
// the URLs the spec must refuse.
export * from './broken-copies.js';
export { UNSAFE_URLS } from './unsafe-urls.js';
