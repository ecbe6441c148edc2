import { describe, expect, it } from 'vitest';
import { createCredential } from '../src/credential.js';
import { InputError } from '../src/errors.js';
import { Redactor } from '../src/redact.js';

describe('createCredential', () => {
  it('keeps every value a function returned known to redaction, not only the current one', async () => {
    const values = ['first-Secret-a1b2c3', 'second-Secret-d4e5f6'];
    let n = 0;
    const key = createCredential('p', 'apiKey', async () => values[n++] as string, {
      secretsOf: (v) => [v, btoa(v)],
    });
    const redactor = new Redactor(() => key.secrets());
    const first = await key.get();
    expect(await key.renew(first)).toBe(values[1]);
    const text = redactor.text(`late echo of ${values[0]} / ${btoa(values[0] as string)} and ${values[1]}`);
    for (const v of values) {
      expect(text).not.toContain(v);
      expect(text).not.toContain(btoa(v));
    }
  });

  it('renews only the refused value: a stale refusal shares the newer one', async () => {
    let n = 0;
    const key = createCredential('p', 'token', async () => `token-${++n}-abcdef`);
    const first = await key.get();
    const second = await key.renew(first);
    expect(await key.renew(first)).toBe(second);
    expect(n).toBe(2);
  });

  it('a static value is checked at once and returned synchronously', () => {
    expect(() => createCredential('p', 'apiKey', '')).toThrow(InputError);
    expect(() => createCredential('p', 'apiKey', undefined)).toThrow(InputError);
    const key = createCredential('p', 'apiKey', 'static-key');
    expect(key.get()).toBe('static-key');
    expect(key.rotates).toBe(false);
  });
});
