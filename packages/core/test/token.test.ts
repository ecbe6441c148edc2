import { describe, expect, it } from 'vitest';
import { createTokenLifecycle } from '../src/token.js';

describe('createTokenLifecycle', () => {
  it('shares one fetch among every caller waiting for a token', async () => {
    let fetches = 0;
    const tokens = createTokenLifecycle(async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 20));
      return { token: `t${fetches}` };
    });
    const got = await Promise.all([tokens.get(), tokens.get(), tokens.get()]);
    expect(got).toEqual(['t1', 't1', 't1']);
    expect(fetches).toBe(1);
    expect(await tokens.get()).toBe('t1');
    expect(fetches).toBe(1);
  });

  it('renews a refused token once, however many calls noticed it', async () => {
    let fetches = 0;
    const tokens = createTokenLifecycle(async () => ({ token: `t${++fetches}` }));
    const used = await tokens.get();
    const renewed = await Promise.all([tokens.renew(used), tokens.renew(used), tokens.renew(used)]);
    expect(renewed).toEqual(['t2', 't2', 't2']);
    // A call that was refused with the old token after the renewal gets the new one, no new fetch.
    expect(await tokens.renew(used)).toBe('t2');
    expect(fetches).toBe(2);
  });

  it('fetches again when the token is about to expire', async () => {
    let fetches = 0;
    const tokens = createTokenLifecycle(async () => ({ token: `t${++fetches}`, expiresIn: 0 }));
    expect(await tokens.get()).toBe('t1');
    expect(await tokens.get()).toBe('t2');
  });

  it('a failed fetch fails every waiter, and the next call fetches again', async () => {
    let fetches = 0;
    const tokens = createTokenLifecycle(async () => {
      if (++fetches === 1) throw new Error('refused');
      return { token: 'ok' };
    });
    const results = await Promise.allSettled([tokens.get(), tokens.get()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await tokens.get()).toBe('ok');
    expect(fetches).toBe(2);
  });

  it("a waiter's signal ends its wait for a fetch that never ends", async () => {
    const tokens = createTokenLifecycle(() => new Promise(() => {}));
    const controller = new AbortController();
    const wait = tokens.get(controller.signal);
    controller.abort(new Error('stop'));
    await expect(wait).rejects.toThrow('stop');
    await expect(tokens.get(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
