import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from '../src/signal.js';

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
