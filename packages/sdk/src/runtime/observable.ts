// The types and the property key of the Observable interop protocol (TC39 proposal, as used by
// RxJS, xstream, redux...), so `from(client)` in RxJS turns the client into a stream of events.

declare global {
  // The same declaration as RxJS and Redux, so the three merge without conflict.
  interface SymbolConstructor {
    readonly observable: symbol;
  }
}

/**
 * The key interop libraries look the method up with: `Symbol.observable` when some library (or a
 * polyfill) defined it, else the conventional string `'@@observable'`, exactly as RxJS resolves it.
 * Classes define their method under this key and declare it as `[Symbol.observable]` for
 * TypeScript, which knows that name only syntactically.
 */
export const observableKey: symbol | '@@observable' =
  (typeof Symbol === 'function' && Symbol.observable) || '@@observable';

/** Defines `prototype[observableKey]` as a call of the class's named method. */
export function defineObservable(prototype: object, method: (this: never) => unknown): void {
  Object.defineProperty(prototype, observableKey, { value: method, writable: true, configurable: true });
}

export interface Observer<T> {
  next?(value: T): void;
  error?(error: unknown): void;
  complete?(): void;
}

export interface Subscription {
  unsubscribe(): void;
  readonly closed: boolean;
}

export interface InteropObservable<T> {
  subscribe(observer?: Observer<T> | ((value: T) => void) | null): Subscription;
  [Symbol.observable](): InteropObservable<T>;
}
