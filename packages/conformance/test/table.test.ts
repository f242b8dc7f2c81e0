// The generated table against the validators: every example the kit sends (its ids filled in) is a
// valid request, and every payload it computes as invalid fails at the pointer it names. A table
// that drifted from the schemas would make the kit expect the wrong answers.
import { validateFrame, type FrameName } from '@customer-chat/validators';
import { describe, expect, it } from 'vitest';
import { protocol } from '../src/index.js';
import { withValues } from '../src/session.js';

const filled = (payload: Parameters<typeof withValues>[0], ids: ReadonlyArray<{ pointer: string; id: string }>) =>
  withValues(payload, ids.map((slot) => ({ pointer: slot.pointer, value: `${slot.id}-id` })));

describe.each(protocol.requests.map((r) => [r.action, r] as const))('%s', (_action, request) => {
  it.each(request.examples.map((e) => [e.name, e] as const))('example %s is a valid request', (_name, example) => {
    const frame = { [protocol.correlationField]: 'r1', action: request.action, payload: filled(example.payload, example.ids) };
    expect(validateFrame(request.request as FrameName, frame)).toMatchObject({ ok: true });
  });

  it.each(request.invalid.map((c) => [c.name, c] as const))('%s fails at its pointer', (_name, invalid) => {
    const frame = { [protocol.correlationField]: 'r1', action: request.action, payload: filled(invalid.payload, invalid.ids) };
    const result = validateFrame(request.request as FrameName, frame);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain(invalid.pointer);
  });

  it('has at least one example and one invalid payload, and only errors of the catalogue', () => {
    expect(request.examples.length).toBeGreaterThan(0);
    expect(request.invalid.length).toBeGreaterThan(0);
    for (const type of request.errors) expect(protocol.errorTypes).toContain(type);
    for (const type of protocol.commonErrors) expect(request.errors).toContain(type);
  });
});
