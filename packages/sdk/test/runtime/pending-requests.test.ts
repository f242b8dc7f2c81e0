import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SDKError } from '../../src/runtime/errors.js';
import { PendingRequests } from '../../src/runtime/pending-requests.js';

describe('PendingRequests', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives unique ids and settles by id', async () => {
    const pending = new PendingRequests({ timeout: 1000 });
    const a = pending.create();
    const b = pending.create();
    expect(a.id).not.toBe(b.id);
    expect(pending.size).toBe(2);
    expect(pending.has(a.id)).toBe(true);
    expect(pending.resolve(a.id, 'A')).toBe(true);
    const error = new Error('B');
    expect(pending.reject(b.id, error)).toBe(true);
    await expect(a.promise).resolves.toBe('A');
    await expect(b.promise).rejects.toBe(error);
    expect(pending.size).toBe(0);
  });

  it('an id is the instance prefix (up to 6 base-36 characters) and a counter from 1: short and readable in a server log', () => {
    const pending = new PendingRequests({ timeout: 1000 });
    const [first, second] = [pending.create().id, pending.create().id];
    expect(first).toMatch(/^[a-z0-9]{1,6}-1$/);
    expect(second).toBe(first.replace(/-1$/, '-2'));
  });

  it('ids are unique across instances too', () => {
    const one = new PendingRequests({ timeout: 10 }).create();
    const two = new PendingRequests({ timeout: 10 }).create();
    one.promise.catch(() => undefined);
    two.promise.catch(() => undefined);
    expect(one.id).not.toBe(two.id);
  });

  it('tells onSettled whether a request timed out: an answer, a rejection or a detach did not', async () => {
    const settled = vi.fn();
    const pending = new PendingRequests({ timeout: 1000, onSettled: settled });
    const answered = pending.create();
    const refused = pending.create();
    const detached = pending.create();
    refused.promise.catch(() => undefined);
    pending.resolve(answered.id, 1);
    pending.reject(refused.id, new Error('no'));
    pending.detach(detached.id);
    expect(settled.mock.calls).toEqual([[answered.id, false], [refused.id, false], [detached.id, false]]);
  });

  it('rejects with REQUEST_TIMEOUT after the timeout, and not before', async () => {
    const settled = vi.fn();
    const pending = new PendingRequests({ timeout: 1000, onSettled: settled });
    const { id, promise } = pending.create();
    const outcome = promise.catch((error: unknown) => error);
    vi.advanceTimersByTime(999);
    expect(pending.size).toBe(1);
    vi.advanceTimersByTime(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(SDKError);
    expect((error as SDKError).code).toBe('REQUEST_TIMEOUT');
    expect(pending.size).toBe(0);
    expect(settled).toHaveBeenCalledWith(id, true);
  });

  it('takes a per-request timeout', async () => {
    const pending = new PendingRequests({ timeout: 1000 });
    const { promise } = pending.create(50);
    const outcome = promise.catch((error: unknown) => (error as SDKError).code);
    vi.advanceTimersByTime(50);
    await expect(outcome).resolves.toBe('REQUEST_TIMEOUT');
  });

  it('a settled request is not timed out later', async () => {
    const pending = new PendingRequests({ timeout: 100 });
    const { id, promise } = pending.create();
    pending.resolve(id, 1);
    vi.advanceTimersByTime(1000);
    await expect(promise).resolves.toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports unknown ids instead of throwing', () => {
    const unknown = vi.fn();
    const pending = new PendingRequests({ timeout: 100, onUnknown: unknown });
    expect(pending.resolve('nope', 1)).toBe(false);
    expect(pending.reject('nope', new Error('x'))).toBe(false);
    expect(unknown.mock.calls).toEqual([
      ['nope', 'resolve'],
      ['nope', 'reject'],
    ]);
    const { id, promise } = pending.create();
    pending.resolve(id, 1);
    expect(pending.resolve(id, 2)).toBe(false);
    return expect(promise).resolves.toBe(1);
  });

  it('rejectAll rejects every request with its own error and clears the timers', async () => {
    const pending = new PendingRequests({ timeout: 100 });
    const a = pending.create();
    const b = pending.create();
    pending.rejectAll((id) => new SDKError('CONNECTION_LOST', `lost ${id}`));
    await expect(a.promise).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: `lost ${a.id}` });
    await expect(b.promise).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: `lost ${b.id}` });
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one record per request, made from its id, until it is settled', async () => {
    const pending = new PendingRequests<{ frame: string }>({ timeout: 100 });
    const a = pending.create(undefined, (id) => ({ frame: `A:${id}` }));
    const b = pending.create(undefined, (id) => ({ frame: `B:${id}` }));
    expect(a.record).toEqual({ frame: `A:${a.id}` });
    expect(pending.get(b.id)).toBe(b.record);
    expect(pending.list()).toEqual([
      [a.id, a.record],
      [b.id, b.record],
    ]);
    pending.resolve(a.id, 1);
    expect(pending.get(a.id)).toBeUndefined();
    expect(pending.list()).toEqual([[b.id, b.record]]);
    pending.reject(b.id, new Error('B'));
    await expect(b.promise).rejects.toThrow('B');
    expect(pending.list()).toEqual([]);
  });

  it('registers nothing when the record cannot be made', () => {
    const pending = new PendingRequests<string>({ timeout: 100 });
    expect(() =>
      pending.create(undefined, () => {
        throw new Error('not JSON');
      }),
    ).toThrow('not JSON');
    expect(pending.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without onUnknown, an unknown id is answered false, never thrown; detach of an unknown id gives nothing', () => {
    const pending = new PendingRequests({ timeout: 100 });
    expect(pending.resolve('nope', 1)).toBe(false);
    expect(pending.reject('nope', new Error('x'))).toBe(false);
    expect(pending.detach('nope')).toBeUndefined();
  });

  it('detach settles at once: the request is gone, its timeout never fires, the returned function rejects it', async () => {
    const pending = new PendingRequests({ timeout: 100 });
    const { id, promise } = pending.create();
    const reject = pending.detach(id);
    expect(pending.has(id)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    const error = new Error('built later');
    reject?.(error);
    await expect(promise).rejects.toBe(error);
  });

  it('rejectAll copes with an error maker that settles another request meanwhile', async () => {
    const pending = new PendingRequests({ timeout: 100 });
    const a = pending.create();
    const b = pending.create();
    pending.rejectAll((id) => {
      if (id === a.id) pending.resolve(b.id, 'answered first');
      return new Error(`lost ${id}`);
    });
    await expect(a.promise).rejects.toThrow(`lost ${a.id}`);
    await expect(b.promise).resolves.toBe('answered first');
  });
});
