// @customer-chat/validators: the generated validators and models, on the hand-written runtime.
export * from './gen/index.js';
export type * from './gen/models.js';
export { ValidationError, type Validation, type ValidationIssue } from './runtime/validation.js';
