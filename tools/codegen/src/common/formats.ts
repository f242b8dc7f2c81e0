// The string formats' regular expressions live with the loader, where the model checks that every
// format the spec uses has one (tools/spec-loader/src/formats.ts).
export { ajvFormatsCheck, formatRegExp, URI } from '@customer-chat/spec-loader/formats';
