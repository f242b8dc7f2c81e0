// With `Symbol.observable` defined before the SDK loads (as RxJS users do with the
// `symbol-observable` polyfill), the client is found under that symbol and is typed by it.
import { describe, expect, expectTypeOf, it, vi } from 'vitest';

vi.hoisted(() => {
  const symbols = Symbol as unknown as { observable?: symbol };
  symbols.observable ??= Symbol('observable');
});

const { ClientCore } = await import('../../src/runtime/client-core.js');
const { Emitter } = await import('../../src/runtime/emitter.js');
const { observableKey } = await import('../../src/runtime/observable.js');
const { toyProtocol } = await import('./fixtures.js');
const { WebSocket } = await import('ws');
type ToyEvents = import('./fixtures.js').ToyEvents;
type ToyRequests = import('./fixtures.js').ToyRequests;

describe('Observable interop with Symbol.observable defined', () => {
  it('uses the symbol as the key', () => {
    expect(typeof Symbol.observable).toBe('symbol');
    expect(observableKey).toBe(Symbol.observable);
  });

  it('an emitter and a client are observables under Symbol.observable', () => {
    const emitter = new Emitter<{ tick: number }>();
    const seen: unknown[] = [];
    const observable = emitter[Symbol.observable]();
    expect(observable[Symbol.observable]()).toBe(observable);
    observable.subscribe((value) => seen.push(value));
    emitter.emit('tick', 1);
    expect(seen).toEqual([['tick', 1]]);

    const client = new ClientCore<ToyEvents, ToyRequests>(toyProtocol, {
      url: 'ws://127.0.0.1:1',
      getToken: () => 't',
      WebSocket,
      autoConnect: false,
    });
    const stream = client[Symbol.observable]();
    expectTypeOf(stream.subscribe).parameter(0).not.toBeAny();
    const complete = vi.fn();
    stream.subscribe({ complete });
    client.destroy();
    expect(complete).toHaveBeenCalledTimes(1);
  });
});
