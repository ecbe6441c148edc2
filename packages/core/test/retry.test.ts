import { describe, expect, it } from 'vitest';
import { callPolicy, retryPolicy, retryState, serverRequestedDelay, sleep } from '../src/retry.js';

/** An answer with a status and headers, as the transport sees it. */
const answer = (status: number, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers });

const yes = () => true;
const half = () => 0.5;

describe('retryPolicy and callPolicy', () => {
  it('fills in the defaults: 4 attempts, 10 rate-limit waits, idempotent methods, 429 and 5xx', () => {
    const p = retryPolicy(undefined);
    expect(p).toMatchObject({
      maxAttempts: 4,
      maxRateLimitRetries: 10,
      baseDelay: 200,
      maxDelay: 10_000,
      maxRetryAfter: 60_000,
    });
    expect([...p.methods]).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
    expect([...p.statuses]).toEqual([429, 500, 502, 503, 504]);
    expect(retryPolicy(false).maxAttempts).toBe(1);
    expect(retryPolicy({ maxAttempts: 0, methods: ['post'] })).toMatchObject({ maxAttempts: 1 });
    expect([...retryPolicy({ methods: ['post'] }).methods]).toEqual(['POST']);
  });

  it("a call's retry options lay over the client's; false on either side is one attempt", () => {
    const client = { maxAttempts: 6, baseDelayMs: 7 };
    const base = retryPolicy(client);
    expect(callPolicy(base, client, undefined)).toBe(base); // made once per client, not per call
    expect(callPolicy(base, client, { maxAttempts: 2 })).toMatchObject({ maxAttempts: 2, baseDelay: 7 });
    expect(callPolicy(base, client, false).maxAttempts).toBe(1);
    expect(callPolicy(retryPolicy(false), false, { baseDelayMs: 3 })).toMatchObject({
      maxAttempts: 4,
      baseDelay: 3,
    });
  });
});

describe('RetryState', () => {
  it('backs off exponentially with equal jitter, never above the cap', () => {
    const low = retryState(retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }), true, () => 0);
    const high = retryState(retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 }), true, () => 0.999_999);
    expect([1, 2, 3, 4, 5, 6].map((n) => low.backoff(n))).toEqual([50, 100, 200, 400, 500, 500]);
    for (const n of [1, 2, 3, 4, 5, 6]) expect(high.backoff(n)).toBeLessThanOrEqual(1000);
    expect(high.backoff(1)).toBeCloseTo(100, 3);
  });

  it('counts attempts; a redirect hop is not one', () => {
    const r = retryState(retryPolicy(undefined), true, half);
    expect(r.start()).toBe(1);
    r.hop();
    expect(r.start()).toBe(1);
    expect(r.start()).toBe(2);
    expect(r.attempt).toBe(2);
  });

  it('retries a failure until maxAttempts attempts were made, then gives up', () => {
    const r = retryState(retryPolicy({ maxAttempts: 3, baseDelayMs: 10 }), true, half);
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      r.start();
      waits.push(r.afterFailure());
    }
    expect(waits).toEqual([7.5, 15, undefined, undefined]);
  });

  it('never retries a request that is not safe to repeat', () => {
    const r = retryState(retryPolicy(undefined), false, half);
    r.start();
    expect(r.afterFailure()).toBeUndefined();
    expect(r.afterStatus(answer(503), undefined, yes)).toBeUndefined();
    expect(r.afterStatus(answer(429, { 'retry-after': '1' }), undefined, yes)).toBeUndefined();
  });

  it('a retried status waits the backoff; other statuses are answers', () => {
    const r = retryState(retryPolicy({ baseDelayMs: 10 }), true, half);
    r.start();
    expect(r.afterStatus(answer(502), undefined, yes)).toEqual({ delayMs: 7.5, rateLimit: false });
    expect(r.afterStatus(answer(404), undefined, yes)).toBeUndefined();
    expect(r.afterStatus(answer(501), undefined, yes)).toBeUndefined();
  });

  it('rate limits wait what the server asked for, on their own budget, and only when onRateLimit agrees', () => {
    const r = retryState(retryPolicy({ maxAttempts: 2, maxRateLimitRetries: 3 }), true, () => 0);
    const limited = answer(429, { 'retry-after': '2' });
    const waits = [];
    for (let i = 0; i < 5; i++) {
      r.start();
      waits.push(r.afterStatus(limited, undefined, yes));
    }
    // Three rate-limit waits of 2 s (not spending maxAttempts), then the 429 is the answer.
    expect(waits).toEqual([
      { delayMs: 2000, rateLimit: true },
      { delayMs: 2000, rateLimit: true },
      { delayMs: 2000, rateLimit: true },
      undefined,
      undefined,
    ]);
    expect(r.limited).toBe(3);
    // The failure budget is untouched by them: after three rate-limited attempts, a failure on the
    // fourth (the first real one) is still retried.
    const mixed = retryState(retryPolicy({ maxAttempts: 2 }), true, () => 0);
    for (let i = 0; i < 3; i++) {
      mixed.start();
      mixed.afterStatus(limited, undefined, yes);
    }
    mixed.start();
    expect(mixed.afterFailure()).toBeGreaterThan(0);
    mixed.start();
    expect(mixed.afterFailure()).toBeUndefined();

    const refused = retryState(retryPolicy(undefined), true, () => 0);
    refused.start();
    let asked: number | undefined;
    const no = (ms: number) => {
      asked = ms;
      return false;
    };
    expect(refused.afterStatus(limited, undefined, no)).toBeUndefined();
    expect(asked).toBe(2000);
    expect(refused.limited).toBe(0);
  });

  it('a server-requested wait beyond maxRetryAfterMs is not waited: the answer stands', () => {
    const r = retryState(retryPolicy({ maxRetryAfterMs: 1000 }), true, () => 0);
    r.start();
    expect(r.afterStatus(answer(503, { 'retry-after': '5' }), undefined, yes)).toBeUndefined();
    expect(r.afterStatus(answer(503, { 'retry-after': '1' }), undefined, yes)).toEqual({
      delayMs: 1000,
      rateLimit: true,
    });
  });
});

describe('serverRequestedDelay', () => {
  it("prefers Retry-After; reads a provider's reset header on 429 or when no calls are left", () => {
    const reset = {
      header: 'x-ratelimit-reset',
      unit: 'delta-s',
      remainingHeader: 'x-ratelimit-remaining',
    } as const;
    expect(serverRequestedDelay(answer(429, { 'retry-after': '3', 'x-ratelimit-reset': '9' }), reset)).toBe(
      3000,
    );
    expect(serverRequestedDelay(answer(429, { 'x-ratelimit-reset': '9' }), reset)).toBe(9000);
    expect(
      serverRequestedDelay(answer(200, { 'x-ratelimit-reset': '9', 'x-ratelimit-remaining': '0' }), reset),
    ).toBe(9000);
    expect(
      serverRequestedDelay(answer(200, { 'x-ratelimit-reset': '9', 'x-ratelimit-remaining': '4' }), reset),
    ).toBe(undefined);
    expect(serverRequestedDelay(answer(429, { 'x-ratelimit-reset': 'soon' }), reset)).toBeUndefined();
    expect(serverRequestedDelay(answer(429), undefined)).toBeUndefined();
  });

  it('converts epoch milliseconds and epoch seconds into a wait from now, never negative', () => {
    const inFive = Date.now() + 5000;
    const ms = serverRequestedDelay(answer(429, { r: String(inFive) }), { header: 'r', unit: 'epoch-ms' });
    expect(ms).toBeGreaterThan(4000);
    expect(ms).toBeLessThanOrEqual(5000);
    const s = serverRequestedDelay(answer(429, { r: String(Math.ceil(inFive / 1000)) }), {
      header: 'r',
      unit: 'epoch-s',
    });
    expect(s).toBeGreaterThan(4000);
    expect(
      serverRequestedDelay(answer(429, { r: String(Date.now() - 60_000) }), {
        header: 'r',
        unit: 'epoch-ms',
      }),
    ).toBe(0);
  });
});

describe('sleep', () => {
  it('waits, and an abort ends the wait with the signal’s reason', async () => {
    const started = Date.now();
    await sleep(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const reason = await sleep(10_000, AbortSignal.timeout(20)).catch((e: unknown) => e);
    expect(reason).toMatchObject({ name: 'TimeoutError' });
    const already = AbortSignal.abort(new Error('gone'));
    await expect(sleep(10, already)).rejects.toThrow('gone');
  });
});
