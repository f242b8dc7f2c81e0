// A session the server refuses during the handshake (a banned customer, a token it keeps
// rejecting) is not retried in a loop: the client stays disconnected and connect() says why.
import { describe, expect, it } from 'vitest';
import { rejectionOf, sleep, useHarness } from './harness.js';

describe('a refused handshake', () => {
  const harness = useHarness();

  it('leaves a banned customer disconnected, with connect() rejecting CUSTOMER_BANNED', async () => {
    const first = await harness.connect();
    harness.server.disconnectCustomer(first.customerId, 'customer_banned');
    await sleep(50);
    const again = await harness.connect({ customerId: first.customerId, noWait: true, autoConnect: false });
    const error = await rejectionOf(again.api.connect());
    expect(error).toMatchObject({ code: 'CUSTOMER_BANNED', type: 'customer_banned' });
    expect(again.api.state).toBe('disconnected');
    const calls = again.tokenCalls();
    await sleep(300); // several back-off periods of FAST_RECONNECT
    expect(again.tokenCalls()).toBe(calls);
    expect(again.api.state).toBe('disconnected');
  });

  it('stops after a token the server refuses twice (one retry with a fresh token)', async () => {
    let calls = 0;
    const getToken = () => {
      calls += 1;
      return 'not-a-token';
    };
    const { api } = await harness.connect({ getToken, noWait: true, autoConnect: false });
    const error = await rejectionOf(api.connect());
    expect(error).toMatchObject({ code: 'AUTHENTICATION', type: 'authentication' });
    expect(calls).toBe(2);
    await sleep(300);
    expect(calls).toBe(2);
    expect(api.state).toBe('disconnected');
  });
});
