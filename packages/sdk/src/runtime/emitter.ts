// A small typed event emitter in the style of mitt, plus the two stream views applications ask
// for: an async iterator over every event and Observable interop. Kept free of any protocol
// knowledge: the client instantiates it with the events of its protocol.

import { RuntimeErrorCodes, SDKError } from './errors.js';
import { type InteropObservable, type Observer, type Subscription, defineObservable, observableKey } from './observable.js';

/** One event as a `[name, payload]` tuple; a union over all events, so `name` narrows `payload`. */
export type EventTuple<Events> = { [K in keyof Events & string]: [name: K, payload: Events[K]] }[keyof Events & string];

export type Handler<Payload> = (payload: Payload) => void;
/** A `'*'` listener: called for every event with its name and payload. */
export type WildcardHandler<Events> = (...event: EventTuple<Events>) => void;
export type Unsubscribe = () => void;

export interface EmitterOptions {
  /**
   * Receives what a listener threw (with the name of the event it listened to). Listeners are
   * isolated: one that throws never keeps the others from running. A throw from this callback,
   * or from a listener it triggers, is dropped, so reporting can never loop.
   */
  onListenerError?: ((error: unknown, name: string) => void) | undefined;
}

// The implementation signatures take any handler; the overloads above them carry the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = (...args: any[]) => void;
interface Listener {
  handler: AnyHandler;
  once: boolean;
  /** Set when removed, so an emit already under way skips it. */
  removed: boolean;
}
/** A stream view (iterator or observer): receives every event, ended by `close()`. */
interface Sink {
  push(name: string, payload: unknown): void;
  end(): void;
}

export interface Emitter<Events extends object> {
  /** Observable interop: every event as a `[name, payload]` tuple (see `observable()`). */
  [Symbol.observable](): InteropObservable<EventTuple<Events>>;
}

// Lists are replaced, never changed in place (copy on write): an emit walks the list it started
// with, whatever its listeners add or remove meanwhile, without copying it on every emit.
export class Emitter<Events extends object> {
  readonly #listeners = new Map<string, readonly Listener[]>();
  /** The `'*'` list, kept beside the map: every emit reads it, and a field is cheaper than a lookup. */
  #wildcard: readonly Listener[] | undefined;
  #sinks: readonly Sink[] = [];
  readonly #onListenerError: ((error: unknown, name: string) => void) | undefined;
  #reporting = false;
  #closed = false;

  constructor(options: EmitterOptions = {}) {
    this.#onListenerError = options.onListenerError;
  }

  /** Whether `close()` was called: streams have ended and `emit` does nothing. */
  get closed(): boolean {
    return this.#closed;
  }

  on<K extends keyof Events & string>(name: K, handler: Handler<Events[K]>): Unsubscribe;
  on(name: '*', handler: WildcardHandler<Events>): Unsubscribe;
  on(name: string, handler: AnyHandler): Unsubscribe {
    return this.#add(name, handler, false);
  }

  /** Listens to the next event of that name only; the returned function cancels. */
  once<K extends keyof Events & string>(name: K, handler: Handler<Events[K]>): Unsubscribe;
  once(name: '*', handler: WildcardHandler<Events>): Unsubscribe;
  once(name: string, handler: AnyHandler): Unsubscribe {
    return this.#add(name, handler, true);
  }

  /** Listens ahead of every listener already there: for a client's own bookkeeping, which its application's listeners rely on. */
  prepend(name: string, handler: AnyHandler): Unsubscribe {
    return this.#add(name, handler, false, true);
  }

  /** Removes one registration of `handler` (also a `once` one), or every listener of `name`. */
  off<K extends keyof Events & string>(name: K, handler?: Handler<Events[K]>): void;
  off(name: '*', handler?: WildcardHandler<Events>): void;
  off(name: string, handler?: AnyHandler): void {
    const list = this.#listeners.get(name);
    if (list === undefined) return;
    if (handler === undefined) {
      for (const listener of list) listener.removed = true;
      this.#store(name, undefined);
      return;
    }
    const listener = list.find((l) => l.handler === handler);
    if (listener !== undefined) this.#remove(name, listener);
  }

  emit<K extends keyof Events & string>(name: K, payload: Events[K]): void {
    if (this.#closed) return;
    const named = this.#listeners.get(name);
    if (named !== undefined) {
      for (const listener of named) {
        if (this.#take(name, listener)) {
          try {
            listener.handler(payload);
          } catch (error) {
            this.#report(error, name);
          }
        }
      }
    }
    const wildcard = this.#wildcard;
    if (wildcard !== undefined) {
      for (const listener of wildcard) {
        if (this.#take('*', listener)) {
          try {
            listener.handler(name, payload);
          } catch (error) {
            this.#report(error, name);
          }
        }
      }
    }
    for (const sink of this.#sinks) {
      try {
        sink.push(name, payload);
      } catch (error) {
        this.#report(error, name);
      }
    }
  }

  /** Removes every listener (streams stay open; `close()` ends them). */
  clear(): void {
    for (const list of this.#listeners.values()) for (const listener of list) listener.removed = true;
    this.#listeners.clear();
    this.#wildcard = undefined;
  }

  /** Ends every stream (iterators finish after their buffer, observers complete); final. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const sinks = this.#sinks;
    this.#sinks = [];
    for (const sink of sinks) {
      try {
        sink.end();
      } catch {
        // An observer's `complete` threw: the others still end. Nowhere to report it, the emitter is closed.
      }
    }
  }

  /**
   * Every event from now on, as `[name, payload]` tuples. Events are buffered while the consumer
   * is busy (nothing is lost); `break` / `return()` unsubscribes; the iteration ends when the
   * emitter is closed.
   */
  events(): AsyncIterableIterator<EventTuple<Events>> {
    type Result = IteratorResult<EventTuple<Events>, undefined>;
    const buffer: EventTuple<Events>[] = [];
    const waiting: ((result: Result) => void)[] = [];
    let ended = this.#closed;
    const removeSink = (sink: Sink) => this.#removeSink(sink);
    const sink: Sink = {
      push(name, payload) {
        // Ended by `return()` during an emit that had already taken this sink: nothing more.
        if (ended) return;
        const value = [name, payload] as EventTuple<Events>;
        const next = waiting.shift();
        if (next === undefined) buffer.push(value);
        else next({ value, done: false });
      },
      end() {
        ended = true;
        removeSink(sink);
        for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      },
    };
    if (!ended) this.#addSink(sink);

    const iterator: AsyncIterableIterator<EventTuple<Events>> = {
      next(): Promise<Result> {
        if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as EventTuple<Events>, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise<Result>((resolve) => waiting.push(resolve));
      },
      return(): Promise<Result> {
        buffer.length = 0;
        sink.end();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** The observable `[Symbol.observable]()` returns, under a name that needs no polyfill. */
  observable(): InteropObservable<EventTuple<Events>> {
    const isClosed = () => this.#closed;
    const addSink = (sink: Sink) => this.#addSink(sink);
    const removeSink = (sink: Sink) => this.#removeSink(sink);
    const observable: { subscribe: InteropObservable<EventTuple<Events>>['subscribe'] } = {
      subscribe(observerOrNext?: Observer<EventTuple<Events>> | ((value: EventTuple<Events>) => void) | null): Subscription {
        const observer: Observer<EventTuple<Events>> =
          typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
        let closed = false;
        const sink: Sink = {
          push(name, payload) {
            if (!closed) observer.next?.([name, payload] as EventTuple<Events>);
          },
          end() {
            if (closed) return;
            closed = true;
            removeSink(sink);
            observer.complete?.();
          },
        };
        if (isClosed()) sink.end();
        else addSink(sink);
        return {
          unsubscribe() {
            closed = true;
            removeSink(sink);
          },
          get closed() {
            return closed;
          },
        };
      },
      [observableKey]() {
        return observable;
      },
    };
    return observable as unknown as InteropObservable<EventTuple<Events>>;
  }

  #add(name: string, handler: AnyHandler, once: boolean, first = false): Unsubscribe {
    // Refused here, not when the event comes: the mistake shows where it was made.
    if (typeof handler !== 'function') throw new SDKError(RuntimeErrorCodes.INVALID_ARGS, `the listener of "${name}" must be a function, not ${typeof handler}`);
    const listener: Listener = { handler, once, removed: false };
    const list = this.#listeners.get(name) ?? [];
    this.#store(name, first ? [listener, ...list] : [...list, listener]);
    return () => this.#remove(name, listener);
  }

  #remove(name: string, listener: Listener): void {
    if (listener.removed) return;
    listener.removed = true;
    const rest = (this.#listeners.get(name) ?? []).filter((l) => l !== listener);
    this.#store(name, rest.length === 0 ? undefined : rest);
  }

  /** Sets (or, given undefined, deletes) the list of `name`, and the `'*'` field with it. */
  #store(name: string, list: readonly Listener[] | undefined): void {
    if (list === undefined) this.#listeners.delete(name);
    else this.#listeners.set(name, list);
    if (name === '*') this.#wildcard = list;
  }

  /**
   * Whether to call `listener` now: not when it was removed during this emit (by an earlier
   * listener, or a `once` one already called by a nested emit), as EventTarget does. A `once`
   * listener is removed before its call.
   */
  #take(name: string, listener: Listener): boolean {
    if (listener.removed) return false;
    if (listener.once) this.#remove(name, listener);
    return true;
  }

  #addSink(sink: Sink): void {
    this.#sinks = [...this.#sinks, sink];
  }

  #removeSink(sink: Sink): void {
    this.#sinks = this.#sinks.filter((s) => s !== sink);
  }

  #report(error: unknown, name: string): void {
    if (this.#reporting || this.#onListenerError === undefined) return;
    this.#reporting = true;
    try {
      this.#onListenerError(error, name);
    } catch {
      // The reporter itself failed: nowhere left to report to (no console in the SDK).
    } finally {
      this.#reporting = false;
    }
  }
}

defineObservable(Emitter.prototype, function (this: Emitter<object>) {
  return this.observable();
});
