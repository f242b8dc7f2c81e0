// The registered plugins: one line each. Adding an artifact is a folder under plugins/ and a line
// here; the runner derives the rest (order, `generate --check` folders, .gitattributes, turbo).
import { conformancePlugin } from './conformance/index.js';
import { guardsPlugin } from './guards/index.js';
import { jsonSchemasPlugin } from './json-schemas/index.js';
import { modelsPlugin } from './models/index.js';
import { sdkTypeTestsPlugin } from './sdk-type-tests/index.js';
import { sdkPlugin } from './sdk/index.js';
import { serverPlugin } from './server/index.js';
import { validatorsPlugin } from './validators/index.js';
import type { Plugin } from '../plugin.js';

export const plugins: readonly Plugin[] = [
  modelsPlugin,
  jsonSchemasPlugin,
  validatorsPlugin,
  guardsPlugin,
  sdkPlugin,
  serverPlugin,
  sdkTypeTestsPlugin,
  conformancePlugin,
];
