import { describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src/runtime/emitter.js';
import { observableKey } from '../../src/runtime/observable.js';

type Events = { greet: { name: string }; tick: number; empty: undefined };

describe('Emitter', () => {
  it('calls listeners with the payload, and stops after off / unsubscribe', () => {
    const emitter = new Emitter<Events>();
    const a = vi.fn();
    const b = vi.fn();
    emitter.on('greet', a);
    const unsubscribe = emitter.on('greet', b);
    emitter.emit('greet', { name: 'Ada' });
    expect(a).toHaveBeenCalledWith({ name: 'Ada' });
    expect(b).toHaveBeenCalledTimes(1);
    emitter.off('greet', a);
    unsubscribe();
    emitter.emit('greet', { name: 'Bob' });
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
  });

  it('off(name) without a handler removes every listener of that event only', () => {
    const emitter = new Emitter<Events>();
    const greet = vi.fn();
    const tick = vi.fn();
    emitter.on('greet', greet);
    emitter.on('greet', greet);
    emitter.on('tick', tick);
    emitter.off('greet');
    emitter.emit('greet', { name: 'x' });
    emitter.emit('tick', 1);
    expect(greet).not.toHaveBeenCalled();
    expect(tick).toHaveBeenCalledWith(1);
  });

  it('prepend listens ahead of the listeners already there, not ahead of wildcards, and unsubscribes like on', () => {
    const emitter = new Emitter<Events>();
    const calls: string[] = [];
    emitter.on('*', () => calls.push('*'));
    emitter.on('tick', () => calls.push('first on'));
    const stop = emitter.prepend('tick', () => calls.push('prepended'));
    emitter.on('tick', () => calls.push('later on'));
    emitter.emit('tick', 1);
    expect(calls).toEqual(['prepended', 'first on', 'later on', '*']);
    calls.length = 0;
    // Not a `once`: it stays for every event until unsubscribed.
    emitter.emit('tick', 2);
    expect(calls).toEqual(['prepended', 'first on', 'later on', '*']);
    calls.length = 0;
    stop();
    emitter.emit('tick', 2);
    expect(calls).toEqual(['first on', 'later on', '*']);
  });

  it('a listener prepended during an emit is called from the next emit on', () => {
    const emitter = new Emitter<Events>();
    const prepended = vi.fn();
    emitter.on('tick', () => emitter.prepend('tick', prepended));
    emitter.emit('tick', 1);
    expect(prepended).not.toHaveBeenCalled();
    emitter.emit('tick', 2);
    expect(prepended).toHaveBeenCalledTimes(1);
    expect(prepended).toHaveBeenCalledWith(2);
  });

  it('the wildcard list follows on, off(name), unsubscribe and clear', () => {
    const emitter = new Emitter<Events>();
    const a = vi.fn();
    const b = vi.fn();
    const stopA = emitter.on('*', a);
    emitter.on('*', b);
    emitter.emit('tick', 1);
    stopA();
    emitter.emit('tick', 2);
    emitter.off('*');
    emitter.emit('tick', 3);
    emitter.on('*', a);
    emitter.clear();
    emitter.emit('tick', 4);
    expect(a.mock.calls).toEqual([['tick', 1]]);
    expect(b.mock.calls).toEqual([['tick', 1], ['tick', 2]]);
  });

  it('once listens to one event; its unsubscribe and off both cancel it', () => {
    const emitter = new Emitter<Events>();
    const once = vi.fn();
    emitter.once('tick', once);
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(once).toHaveBeenCalledExactlyOnceWith(1);

    const cancelled = vi.fn();
    emitter.once('tick', cancelled)();
    const offed = vi.fn();
    emitter.once('tick', offed);
    emitter.off('tick', offed);
    emitter.emit('tick', 3);
    expect(cancelled).not.toHaveBeenCalled();
    expect(offed).not.toHaveBeenCalled();
  });

  it('a once listener runs once even when its event is emitted again from a listener', () => {
    const emitter = new Emitter<Events>();
    const once = vi.fn();
    emitter.on('tick', (n) => {
      if (n === 1) emitter.emit('tick', 2);
    });
    emitter.once('tick', once);
    emitter.emit('tick', 1);
    expect(once).toHaveBeenCalledExactlyOnceWith(2);
  });

  it('wildcard listeners get every event with its name, after the named listeners', () => {
    const emitter = new Emitter<Events>();
    const seen: string[] = [];
    emitter.on('*', (name, payload) => seen.push(`* ${name} ${JSON.stringify(payload)}`));
    emitter.on('tick', (n) => seen.push(`tick ${n}`));
    emitter.emit('tick', 1);
    emitter.emit('greet', { name: 'Ada' });
    expect(seen).toEqual(['tick 1', '* tick 1', '* greet {"name":"Ada"}']);
  });

  it('a throwing listener does not stop the others; the error is reported', () => {
    const reported: [unknown, string][] = [];
    const emitter = new Emitter<Events>({ onListenerError: (error, name) => reported.push([error, name]) });
    const after = vi.fn();
    const wildcard = vi.fn();
    const boom = new Error('boom');
    emitter.on('tick', () => {
      throw boom;
    });
    emitter.on('tick', after);
    emitter.on('*', wildcard);
    emitter.emit('tick', 7);
    expect(after).toHaveBeenCalledWith(7);
    expect(wildcard).toHaveBeenCalledWith('tick', 7);
    expect(reported).toEqual([[boom, 'tick']]);
  });

  it('a reporter that emits to a throwing listener does not loop', () => {
    type WithError = Events & { error: unknown };
    let reports = 0;
    const emitter: Emitter<WithError> = new Emitter<WithError>({
      onListenerError: (error) => {
        reports += 1;
        emitter.emit('error', error);
      },
    });
    emitter.on('error', () => {
      throw new Error('the error listener fails too');
    });
    emitter.on('tick', () => {
      throw new Error('first');
    });
    emitter.emit('tick', 1);
    expect(reports).toBe(1);
  });

  it('without a reporter, and with a throwing reporter, listener errors are swallowed', () => {
    const quiet = new Emitter<Events>();
    quiet.on('tick', () => {
      throw new Error('x');
    });
    expect(() => quiet.emit('tick', 1)).not.toThrow();
    const broken = new Emitter<Events>({
      onListenerError: () => {
        throw new Error('reporter');
      },
    });
    broken.on('tick', () => {
      throw new Error('x');
    });
    expect(() => broken.emit('tick', 1)).not.toThrow();
  });

  it('events() yields every event in order, buffering while the consumer is slow', async () => {
    const emitter = new Emitter<Events>();
    const iterator = emitter.events();
    emitter.emit('tick', 1);
    emitter.emit('greet', { name: 'Ada' });
    emitter.emit('empty', undefined);
    const seen: unknown[] = [];
    for await (const [name, payload] of iterator) {
      seen.push([name, payload]);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (name === 'empty') break;
    }
    expect(seen).toEqual([['tick', 1], ['greet', { name: 'Ada' }], ['empty', undefined]]);
  });

  it('breaking out of events() unsubscribes', async () => {
    const emitter = new Emitter<Events>();
    const iterator = emitter.events();
    setTimeout(() => emitter.emit('tick', 1), 1);
    for await (const event of iterator) {
      expect(event).toEqual(['tick', 1]);
      break;
    }
    emitter.emit('tick', 2);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('return() ends a waiting next(), close() ends the iteration after the buffer', async () => {
    const emitter = new Emitter<Events>();
    const first = emitter.events();
    const waiting = first.next();
    await first.return?.();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });

    const second = emitter.events();
    emitter.emit('tick', 1);
    const pending = emitter.events();
    const waitingOnClose = pending.next();
    emitter.close();
    await expect(waitingOnClose).resolves.toEqual({ value: undefined, done: true });
    await expect(second.next()).resolves.toEqual({ value: ['tick', 1], done: false });
    await expect(second.next()).resolves.toEqual({ value: undefined, done: true });
    await expect(emitter.events().next()).resolves.toEqual({ value: undefined, done: true });
    expect(emitter.closed).toBe(true);
  });

  it('is an interop observable: observers and next functions, unsubscribe, complete on close', () => {
    const emitter = new Emitter<Events>();
    // `Symbol.observable` is undefined in plain Node.js: look the method up with the run-time key.
    const observable = (emitter as unknown as Record<PropertyKey, () => ReturnType<typeof emitter.observable>>)[observableKey]!();
    expect((observable as unknown as Record<PropertyKey, () => unknown>)[observableKey]!()).toBe(observable);
    expect(emitter.observable()).toBeTypeOf('object');

    const nexts: unknown[] = [];
    const complete = vi.fn();
    const subscription = observable.subscribe({ next: (value) => nexts.push(value), complete });
    const fn = vi.fn();
    const second = observable.subscribe(fn);
    emitter.emit('tick', 1);
    second.unsubscribe();
    expect(second.closed).toBe(true);
    emitter.emit('greet', { name: 'Ada' });
    expect(nexts).toEqual([['tick', 1], ['greet', { name: 'Ada' }]]);
    expect(fn).toHaveBeenCalledExactlyOnceWith(['tick', 1]);
    emitter.close();
    expect(complete).toHaveBeenCalledTimes(1);
    expect(subscription.closed).toBe(true);
    const late = vi.fn();
    observable.subscribe({ complete: late });
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('uses Symbol.observable when defined, else "@@observable"', () => {
    const expected = typeof Symbol.observable === 'symbol' ? Symbol.observable : '@@observable';
    expect(observableKey).toBe(expected);
    expect(typeof (Emitter.prototype as unknown as Record<PropertyKey, unknown>)[observableKey]).toBe('function');
  });

  it('clear() removes listeners, close() stops emitting', () => {
    const emitter = new Emitter<Events>();
    const a = vi.fn();
    emitter.on('tick', a);
    emitter.clear();
    emitter.emit('tick', 1);
    const b = vi.fn();
    emitter.on('tick', b);
    emitter.close();
    emitter.emit('tick', 2);
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });

  describe('removal during an emit (the list walked is the one the emit started with)', () => {
    it('off(name) from a listener skips the later listeners of that event in the same emit', () => {
      const emitter = new Emitter<Events>();
      const later = vi.fn();
      emitter.on('tick', () => emitter.off('tick'));
      emitter.on('tick', later);
      emitter.emit('tick', 1);
      expect(later).not.toHaveBeenCalled();
    });

    it('clear() from a listener skips every later listener of the emit, wildcards included', () => {
      const emitter = new Emitter<Events>();
      const later = vi.fn();
      const wildcard = vi.fn();
      emitter.on('tick', () => emitter.clear());
      emitter.on('tick', later);
      emitter.on('*', wildcard);
      emitter.emit('tick', 1);
      expect(later).not.toHaveBeenCalled();
      expect(wildcard).not.toHaveBeenCalled();
    });

    it('a wildcard listener removed by an earlier one is not called; a once wildcard runs once', () => {
      const emitter = new Emitter<Events>();
      const removed = vi.fn();
      let unsubscribe = () => {};
      emitter.on('*', () => unsubscribe());
      unsubscribe = emitter.on('*', removed);
      const once = vi.fn((name: string, _payload: unknown) => {
        if (name === 'tick') emitter.emit('greet', { name: 'nested' });
      });
      emitter.once('*', once);
      emitter.emit('tick', 1);
      emitter.emit('tick', 2);
      expect(removed).not.toHaveBeenCalled();
      expect(once).toHaveBeenCalledExactlyOnceWith('tick', 1);
    });

    it('an observer unsubscribed by another during an emit does not get that event', () => {
      const emitter = new Emitter<Events>();
      const second = vi.fn();
      let subscription: { unsubscribe(): void } | undefined;
      emitter.observable().subscribe(() => subscription?.unsubscribe());
      subscription = emitter.observable().subscribe(second);
      emitter.emit('tick', 1);
      expect(second).not.toHaveBeenCalled();
    });

    it('an observer unsubscribed by another one completing is not completed', () => {
      const emitter = new Emitter<Events>();
      const complete = vi.fn();
      let subscription: { unsubscribe(): void } | undefined;
      emitter.observable().subscribe({ complete: () => subscription?.unsubscribe() });
      subscription = emitter.observable().subscribe({ complete });
      emitter.close();
      expect(complete).not.toHaveBeenCalled();
    });
  });

  it('off(name, handler) removes the live registration, not one already unsubscribed', () => {
    const emitter = new Emitter<Events>();
    const handler = vi.fn();
    const other = vi.fn();
    emitter.on('tick', handler)();
    emitter.on('tick', other);
    emitter.on('tick', handler);
    emitter.off('tick', handler);
    emitter.emit('tick', 1);
    expect(handler).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('off(name, handler) removes one registration of that handler only, and nothing for an unknown handler or event', () => {
    const emitter = new Emitter<Events>();
    const first = vi.fn();
    const second = vi.fn();
    emitter.on('tick', first);
    emitter.on('tick', second);
    emitter.off('tick', second);
    emitter.off('tick', vi.fn());
    expect(() => emitter.off('greet', first)).not.toThrow();
    expect(() => emitter.off('greet')).not.toThrow();
    emitter.emit('tick', 1);
    expect(first).toHaveBeenCalledExactlyOnceWith(1);
    expect(second).not.toHaveBeenCalled();
  });

  it('reports the errors of wildcard listeners and observers, each with the event name, and every later one too', () => {
    const reported: [unknown, string][] = [];
    const emitter = new Emitter<Events>({ onListenerError: (error, name) => reported.push([error, name]) });
    const wildcardError = new Error('wildcard');
    const observerError = new Error('observer');
    const after = vi.fn();
    emitter.on('*', () => {
      throw wildcardError;
    });
    emitter.observable().subscribe(() => {
      throw observerError;
    });
    emitter.observable().subscribe(after);
    emitter.emit('tick', 1);
    emitter.emit('greet', { name: 'Ada' });
    expect(reported).toEqual([
      [wildcardError, 'tick'],
      [observerError, 'tick'],
      [wildcardError, 'greet'],
      [observerError, 'greet'],
    ]);
    expect(after).toHaveBeenCalledTimes(2);
  });

  it('after return(), an iterator keeps nothing: later events are not buffered', async () => {
    const emitter = new Emitter<Events>();
    const iterator = emitter.events();
    emitter.emit('tick', 1);
    await expect(iterator.return!()).resolves.toEqual({ value: undefined, done: true });
    emitter.emit('tick', 2);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('an iterator returned during an emit by an earlier stream gets nothing more of that emit', async () => {
    const emitter = new Emitter<Events>();
    // A stream subscribed first: the emit walks the streams it started with, this one first.
    let iterator: AsyncIterableIterator<unknown> | undefined;
    emitter.observable().subscribe(() => void iterator?.return!());
    iterator = emitter.events();
    emitter.emit('tick', 1);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('refuses a listener that is not a function when it is added, naming the event', () => {
    const emitter = new Emitter<Events>();
    const add = emitter.on.bind(emitter) as (name: string, handler: unknown) => unknown;
    const addOnce = emitter.once.bind(emitter) as (name: string, handler: unknown) => unknown;
    expect(() => add('tick', undefined)).toThrow(expect.objectContaining({ code: 'INVALID_ARGS', message: 'the listener of "tick" must be a function, not undefined' }));
    expect(() => addOnce('greet', 'log')).toThrow(expect.objectContaining({ code: 'INVALID_ARGS', message: 'the listener of "greet" must be a function, not string' }));
    // Nothing was registered: the next emit reports no listener error.
    const errors: unknown[] = [];
    const reporting = new Emitter<Events>({ onListenerError: (error) => errors.push(error) });
    expect(() => (reporting.on.bind(reporting) as (name: string, handler: unknown) => unknown)('tick', null)).toThrow();
    reporting.emit('tick', 1);
    expect(errors).toEqual([]);
  });

  it('close() completes observers that gave only a next function, and a second close() changes nothing', () => {
    const emitter = new Emitter<Events>();
    const next = vi.fn();
    const subscription = emitter.observable().subscribe(next);
    expect(() => emitter.close()).not.toThrow();
    expect(subscription.closed).toBe(true);
    expect(() => emitter.close()).not.toThrow();
    expect(emitter.closed).toBe(true);
    emitter.emit('tick', 1);
    expect(next).not.toHaveBeenCalled();
  });

  it('subscribing after close() completes at once, also an observer without complete (nothing thrown)', () => {
    const emitter = new Emitter<Events>();
    emitter.close();
    const complete = vi.fn();
    expect(emitter.observable().subscribe({ complete }).closed).toBe(true);
    expect(complete).toHaveBeenCalledTimes(1);
    let subscription: { closed: boolean } | undefined;
    expect(() => (subscription = emitter.observable().subscribe({ next: vi.fn() }))).not.toThrow();
    expect(subscription?.closed).toBe(true);
  });

  it('a once wildcard listener that ran leaves nothing behind: off removes a later registration of the same handler', () => {
    const emitter = new Emitter<Events>();
    const handler = vi.fn();
    emitter.once('*', handler);
    emitter.emit('tick', 1);
    emitter.on('*', handler);
    emitter.off('*', handler);
    emitter.emit('tick', 2);
    expect(handler).toHaveBeenCalledExactlyOnceWith('tick', 1);
  });

  it('an observer without next receives events silently (nothing is reported)', () => {
    const reported = vi.fn();
    const emitter = new Emitter<Events>({ onListenerError: reported });
    const complete = vi.fn();
    emitter.observable().subscribe({ complete });
    emitter.emit('tick', 1);
    emitter.close();
    expect(reported).not.toHaveBeenCalled();
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('defines the interop method as a non-enumerable property that a polyfill may replace', () => {
    const descriptor = Object.getOwnPropertyDescriptor(Emitter.prototype, observableKey);
    expect(descriptor).toMatchObject({ writable: true, configurable: true, enumerable: false });
  });

  it('close() ends every stream even when an observer’s complete throws, and does not throw itself', async () => {
    const emitter = new Emitter<Events>();
    const before = vi.fn();
    const after = vi.fn();
    emitter.observable().subscribe({ complete: before });
    emitter.observable().subscribe({
      complete: () => {
        throw new Error('complete failed');
      },
    });
    emitter.observable().subscribe({ complete: after });
    const iterator = emitter.events();
    expect(() => emitter.close()).not.toThrow();
    expect(before).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });
});
