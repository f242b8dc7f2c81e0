// LinkWatch: when sent requests wait too long the link is unstable, once none does it recovered.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkWatch } from '../../src/runtime/link-watch.js';

let seen: string[];
let watch: LinkWatch;
beforeEach(() => {
  vi.useFakeTimers();
  seen = [];
  watch = new LinkWatch(100, { unstable: () => seen.push('unstable'), recovered: () => seen.push('recovered') });
});
afterEach(() => {
  watch.reset();
  vi.useRealTimers();
});

describe('LinkWatch', () => {
  it('says nothing while replies come within the threshold', () => {
    watch.sent('a');
    vi.advanceTimersByTime(99);
    watch.settled('a');
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([]);
    expect(watch.unstable).toBe(false);
  });

  it('is unstable exactly when the oldest request reaches the threshold, once', () => {
    watch.sent('a');
    vi.advanceTimersByTime(50);
    watch.sent('b');
    vi.advanceTimersByTime(49);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['unstable']);
    expect(watch.unstable).toBe(true);
    vi.advanceTimersByTime(1000);
    watch.sent('c');
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['unstable']);
  });

  it('arms one check, due exactly when the oldest request reaches the threshold (no polling)', () => {
    const start = Date.now();
    watch.sent('a');
    vi.advanceTimersByTime(30);
    watch.sent('b');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersToNextTimer();
    expect(Date.now() - start).toBe(100);
    expect(seen).toEqual(['unstable']);
    // Unstable, it waits for answers: no timer runs meanwhile.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('after recovering, a new slow request makes the link unstable again', () => {
    watch.sent('a');
    vi.advanceTimersByTime(100);
    watch.settled('a');
    expect(seen).toEqual(['unstable', 'recovered']);
    expect(watch.unstable).toBe(false);
    watch.sent('b');
    vi.advanceTimersByTime(99);
    expect(seen).toEqual(['unstable', 'recovered']);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['unstable', 'recovered', 'unstable']);
  });

  it('recovers only when no request has waited the threshold any more', () => {
    watch.sent('a');
    vi.advanceTimersByTime(60);
    watch.sent('b');
    vi.advanceTimersByTime(60);
    expect(seen).toEqual(['unstable']);
    // b has waited 60 ms: a's answer recovers the link.
    watch.settled('a');
    expect(seen).toEqual(['unstable', 'recovered']);
    // b reaches the threshold 40 ms later: unstable again.
    vi.advanceTimersByTime(39);
    expect(seen).toEqual(['unstable', 'recovered']);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['unstable', 'recovered', 'unstable']);
  });

  it('a request that timed out is no recovery: the link stays unstable until an answer comes', () => {
    watch.sent('a');
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['unstable']);
    watch.settled('a', true);
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['unstable']);
    expect(watch.unstable).toBe(true);
    // The next request answered in time: the server answers again.
    watch.sent('b');
    vi.advanceTimersByTime(10);
    watch.settled('b');
    expect(seen).toEqual(['unstable', 'recovered']);
  });

  it('stays unstable while an older overdue request still waits', () => {
    watch.sent('a');
    vi.advanceTimersByTime(10);
    watch.sent('b');
    vi.advanceTimersByTime(120);
    expect(seen).toEqual(['unstable']);
    watch.settled('b');
    expect(seen).toEqual(['unstable']);
    watch.settled('a');
    expect(seen).toEqual(['unstable', 'recovered']);
  });

  it('checks the next oldest when the oldest was answered in time', () => {
    watch.sent('a');
    vi.advanceTimersByTime(80);
    watch.sent('b');
    watch.settled('a');
    // The check planned for a finds b young, and plans b's own.
    vi.advanceTimersByTime(20);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(79);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['unstable']);
  });

  it('ignores an id it was never told about', () => {
    watch.sent('a');
    vi.advanceTimersByTime(100);
    watch.settled('never-sent');
    expect(seen).toEqual(['unstable']);
  });

  it('reset forgets everything silently, and the watch starts stable', () => {
    watch.sent('a');
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['unstable']);
    watch.reset();
    expect(watch.unstable).toBe(false);
    watch.settled('a');
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['unstable']);
    watch.sent('b');
    vi.advanceTimersByTime(100);
    expect(seen).toEqual(['unstable', 'unstable']);
  });

  it('a reset before the threshold cancels the pending check', () => {
    watch.sent('a');
    vi.advanceTimersByTime(50);
    watch.reset();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([]);
  });
});
