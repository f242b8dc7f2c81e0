// @customer-chat/validators/guards: the guards alone (every `is<Schema>`, `is<Message>`,
// `is<Message>Frame` and the tables `payloadGuards`, `frameGuards`, `definitionGuards`), for a
// program that checks with them and loads `/explain` only when something is invalid, as the SDK
// does. A bundler keeps only what a program uses from the root as well; this entry is for Node,
// which loads a module whole: the root also carries validate(), the explainer and the schemas it
// walks, about twice the code to read at import.
export * from './gen/guards/index.js';
