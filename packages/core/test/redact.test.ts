import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors.js';
import { REDACTED, Redactor } from '../src/redact.js';

describe('Redactor', () => {
  it('copies a __proto__ key as an own property: no prototype comes from the body', () => {
    const body = JSON.parse(
      '{"__proto__": {"polluted": "yes", "toString": 1}, "a": {"__proto__": {"deep": 1}}}',
    );
    const copy = new Redactor().value(body) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual(
      Object.assign(Object.create(null), { polluted: 'yes', toString: 1 }),
    );
    const inner = copy['a'] as Record<string, unknown>;
    expect(Object.getPrototypeOf(inner)).toBeNull();
    expect((inner as { deep?: unknown }).deep).toBeUndefined();
    // And through an ApiError's body.
    const err = new ApiError(
      { provider: 'p', operation: 'o', kind: 'http', message: 'm', body },
      new Redactor(),
    );
    expect((err.body as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('redacts before it cuts: a secret straddling the cut is gone, not half-kept', () => {
    const secret = 'sk_live_0123456789abcdefghij';
    const r = new Redactor(() => [secret]);
    for (const at of [480, 490, 495, 499]) {
      const text = `${'x'.repeat(at)}${secret}${'y'.repeat(100)}`;
      const cut = r.cut(text, 500);
      expect(cut).not.toContain(secret.slice(0, 8));
      expect(cut).toContain(REDACTED.slice(0, Math.min(REDACTED.length, 500 - at)));
    }
  });
});
