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
});
