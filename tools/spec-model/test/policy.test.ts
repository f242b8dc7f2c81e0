// The client's timing policy (`x-client-lifecycle.policy`): read from the spec, every value checked,
// a wrong one reported at its pointer and line.
import { describe, expect, it } from 'vitest';
import { replaceOnce } from '../src/testing/broken-copies.js';
import { loadModel } from '../src/index.js';
import { SPEC, useSpecEdits } from './spec-edits.js';

const copies = useSpecEdits('spec-model-policy-');

describe('the timing policy', () => {
  it('is read from the real spec', async () => {
    expect((await loadModel()).lifecycle?.policy).toEqual({
      requestTimeoutMs: 15000,
      handshakeTimeoutMs: 10000,
      unstableAfterMs: 5000,
      reconnect: { initialDelayMs: 500, maxDelayMs: 30000, factor: 2, jitter: 0.5, minUptimeForResetMs: 5000 },
    });
  });

  it('is undefined when the document leaves it out', async () => {
    // The unstable-link events need the policy's threshold: they go too.
    const withoutEvents = replaceOnce(replaceOnce(SPEC, '    unstable: connection_unstable\n', ''), '    recovered: connection_recovered\n', '');
    const start = withoutEvents.indexOf('  # How a client waits and retries');
    const end = withoutEvents.indexOf('\nservers:');
    const file = await copies.write(`${withoutEvents.slice(0, start)}${withoutEvents.slice(end + 1)}`);
    expect((await loadModel(file)).lifecycle?.policy).toBeUndefined();
  });

  it.each([
    ['a jitter above 1', '      jitter: 0.5\n', '      jitter: 1.5\n', '/x-client-lifecycle/policy/reconnect/jitter', 'jitter: 1.5', /must be a number from 0 to 1, not 1\.5/],
    ['a fractional timeout', '    requestTimeoutMs: 15000\n', '    requestTimeoutMs: 1.5\n', '/x-client-lifecycle/policy/requestTimeoutMs', 'requestTimeoutMs: 1.5', /must be a whole number from 1/],
    ['a policy the model does not know', '    handshakeTimeoutMs: 10000\n', '    handshakeTimeoutMs: 10000\n    pingIntervalMs: 5\n', '/x-client-lifecycle/policy/pingIntervalMs', 'pingIntervalMs: 5', /unknown policy "pingIntervalMs"/],
    ['a missing value', '      factor: 2\n', '', '/x-client-lifecycle/policy/reconnect/factor', 'reconnect:', /must be a number from 1 to 100, not undefined/],
    ['a zero unstable threshold', '    unstableAfterMs: 5000\n', '    unstableAfterMs: 0\n', '/x-client-lifecycle/policy/unstableAfterMs', 'unstableAfterMs: 0', /must be a whole number from 1/],
    ['an unstable event without its threshold', '    unstableAfterMs: 5000\n', '', '/x-client-lifecycle/policy/unstableAfterMs', 'policy:', /events\.unstable needs policy\.unstableAfterMs/],
    ['an unstable event without a recovered one', '    recovered: connection_recovered\n', '', '/x-client-lifecycle/events/recovered', 'events:', /give both or neither/],
    ['an unstable event that is not a client event', '    unstable: connection_unstable\n', '    unstable: new_event\n', '/x-client-lifecycle/events/unstable', 'unstable: new_event', /must be a client event/],
  ])('%s is a problem at its pointer and line', (_, from, to, pointer, at, message) => copies.expectProblem(from, to, pointer, at, message));
});
