// Emits the SDK's type-level tests from the spec: for every event the handler's parameter is
// exactly the payload type, for every method the arguments and result are the operation's; and
// `@ts-expect-error` cases that must not compile. `tsc` checks them in the SDK's test command.
import { GeneratedFile, importSymbol, literal } from '../../printer/generated-file.js';
import { definePlugin } from '../../plugin.js';
import { emittedEvents, requiresNoArguments } from '../../common/queries.js';
import { payloadType, VALIDATORS } from '../../common/payload-type.js';
import type { ProtocolModel } from '@customer-chat/spec-model';
import type { EmitContext } from '../../plugin.js';


function emitTypeTests(model: ProtocolModel, context: EmitContext) {
  const file = new GeneratedFile('types.test-d.ts', context.generator, ['Type-level tests of the SDK, one case per event and per method of the spec.']);
  const type = payloadType;
  const describe = importSymbol('describe', 'vitest');
  const it = importSymbol('it', 'vitest');
  const expectTypeOf = importSymbol('expectTypeOf', 'vitest');
  const sdk = importSymbol('CustomerSDK', '../../src/index.js', true);
  const events = emittedEvents(model);

  file.print('declare const api: ', sdk, ';');
  file.blank();
  file.block([describe, "('events', () => {"], () => {
    for (const m of events) {
      file.block([it, '(', literal(`${m.name} hands its listener exactly its payload`), ', () => {'], () => {
        file.block(['api.on(', literal(m.name), ', (payload) => {'], () => {
          file.print(expectTypeOf, '(payload).toEqualTypeOf<', type(m), '>();');
        }, '});');
        if (m.payload !== undefined) {
          file.print('// @ts-expect-error a listener for another payload type does not compile');
          file.print('api.on(', literal(m.name), ', (payload: symbol) => payload);');
        }
      }, '});');
    }
    file.block([it, "('rejects misspelt event names', () => {"], () => {
      for (const m of events) {
        file.print('// @ts-expect-error not an event of the spec');
        file.print('api.on(', literal(`${m.name}_`), ', () => undefined);');
      }
    }, '});');
  }, '});');
  file.blank();
  file.block([describe, "('methods', () => {"], () => {
    for (const r of model.requests) {
      if (r.id === model.lifecycle!.login.operation) continue;
      file.block([it, '(', literal(`${r.id} takes the ${r.action} arguments and resolves with its result`), ', () => {'], () => {
        // Methods whose arguments are all optional default them to `{}`.
        const optional = requiresNoArguments(model, r.request) ? ' | undefined' : '';
        file.print(expectTypeOf, '(api.', r.id, ').parameter(0).toEqualTypeOf<', type(r.request), optional, '>();');
        file.print(expectTypeOf, '(api.', r.id, ').returns.resolves.toEqualTypeOf<', type(r.response), '>();');
        file.print('// @ts-expect-error arguments of the wrong type do not compile');
        file.print('void api.', r.id, '(42);');
      }, '});');
    }
  }, '});');
  return [{ path: file.path, content: file.toString() }];
}

export const sdkTypeTestsPlugin = definePlugin({
  name: 'sdk-type-tests',
  description: "The SDK's type-level tests: every event's payload and every method's arguments and result (messages, operations).",
  output: { dir: 'packages/sdk/test/gen', owns: true },
  reads: ['messages', 'requests', 'lifecycle', 'schemas'],
  dependsOn: ['sdk'],
  emit: (model, context) => (model.lifecycle ? emitTypeTests(model, context) : []),
});
