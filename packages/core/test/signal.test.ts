import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callBudget, idleWatch, linkSignals } from '../src/signal.js';

describe('linkSignals', () => {
  it('puts one listener on a parent however many children are alive, and fans the abort out', () => {
    const parent = new AbortController();
    const other = new AbortController();
    const kids = Array.from({ length: 50 }, () => linkSignals([parent.signal, other.signal]));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(1);
    kids[0]?.dispose(); // finished: no longer aborted with the parent
    parent.abort('stop');
    expect(kids[0]?.signal.aborted).toBe(false);
    expect(kids.slice(1).every((k) => k.signal.aborted && k.signal.reason === 'stop')).toBe(true);
  });

  it('a child of an already aborted parent starts aborted', () => {
    const parent = new AbortController();
    parent.abort('gone');
    const kid = linkSignals([undefined, parent.signal]);
    expect(kid.signal.aborted).toBe(true);
    expect(kid.signal.reason).toBe('gone');
  });
});

describe('idleWatch', () => {
  // Fake clock and timers: what is tested is the arithmetic, not this machine's timer latency.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const later = (ms: number) => vi.advanceTimersByTimeAsync(ms);

  it('aborts when nothing was heard for its time, and says so', async () => {
    const call = new AbortController();
    const idle = idleWatch(40, call.signal);
    await later(39);
    expect(idle.fired).toBe(false);
    await later(1);
    expect(idle.fired).toBe(true);
    expect(idle.signal.aborted).toBe(true);
    expect(idle.signal.reason).toMatchObject({ name: 'AbortError', message: 'no data for 40 ms' });
    expect(call.signal.aborted).toBe(false); // an idle attempt ends, not the call
    idle.dispose();
  });

  it('each sign of life starts the clock again', async () => {
    const idle = idleWatch(80, new AbortController().signal);
    for (let i = 0; i < 6; i++) {
      await later(30);
      idle.touch();
    }
    expect(idle.fired).toBe(false); // 180 ms in all, never 80 ms quiet
    idle.dispose();
  });

  it("follows the call's signal, and lets go of it when disposed", () => {
    const call = new AbortController();
    const first = idleWatch(10_000, call.signal);
    first.dispose();
    const second = idleWatch(10_000, call.signal);
    call.abort('stop');
    expect(first.signal.aborted).toBe(false);
    expect(second.signal.aborted).toBe(true);
    expect(second.signal.reason).toBe('stop');
    expect(second.fired).toBe(false);
    second.dispose();
    const late = idleWatch(10, call.signal); // the call is already over
    expect(late.signal.aborted).toBe(true);
    late.dispose();
  });
});

describe('callBudget', () => {
  it('aborts with a TimeoutError when its time is up, or with a parent', async () => {
    vi.useFakeTimers();
    const budget = callBudget(30, []);
    await vi.advanceTimersByTimeAsync(30);
    vi.useRealTimers();
    expect(budget.signal.reason).toMatchObject({ name: 'TimeoutError', message: 'timed out after 30 ms' });
    budget.dispose();
    const parent = new AbortController();
    const child = callBudget(10_000, [parent.signal, undefined]);
    parent.abort('caller');
    expect(child.signal.reason).toBe('caller');
    child.dispose();
  });
});
