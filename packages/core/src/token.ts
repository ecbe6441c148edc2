/**
 * The token lifecycle every provider with short-lived tokens shares (Blynk's OAuth2 client
 * credentials, imi.chat's `/authorize`, a Rezolve token function): one fetch at a time, shared by
 * every call that needs a token (single flight); a token renewed before it expires; a refused token
 * replaced once, by whichever call noticed first.
 *
 * It cannot wait on itself: the fetch runs with no token of its own (the core client never renews
 * after a failed token request, it reports `kind: 'auth'`), and every wait for a token races the
 * waiting call's signal, so a call's `timeoutMs` and the caller's `AbortSignal` end it whatever the
 * token endpoint does.
 */

export interface TokenGrant<T = string> {
  token: T;
  /** Lifetime in seconds, when the provider says; the token is renewed a little before it ends. */
  expiresIn?: number | undefined;
}

export interface TokenLifecycle<T = string> {
  /** A valid token: the cached one, or the result of the one fetch in flight. */
  get(signal?: AbortSignal): Promise<T>;
  /**
   * The token `used` was refused: fetch another, unless a newer one is already here or on its way
   * (then that one is shared).
   */
  renew(used: T | undefined, signal?: AbortSignal): Promise<T>;
  /** The token in use, if any (for redaction). */
  current(): T | undefined;
}

export function createTokenLifecycle(fetchToken: () => Promise<TokenGrant>): TokenLifecycle;
/** The same for a credential that is not one string (a pair of values, say). */
export function createTokenLifecycle<T>(fetchToken: () => Promise<TokenGrant<T>>): TokenLifecycle<T>;
export function createTokenLifecycle<T>(fetchToken: () => Promise<TokenGrant<T>>): TokenLifecycle<T> {
  let token: T | undefined;
  let expiresAt = Number.POSITIVE_INFINITY;
  let pending: Promise<T> | undefined;

  const start = (): Promise<T> => {
    pending ??= (async () => {
      try {
        const grant = await fetchToken();
        const ttl = grant.expiresIn === undefined ? undefined : Math.max(0, grant.expiresIn) * 1000;
        token = grant.token;
        expiresAt =
          ttl === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttl - Math.min(60_000, ttl / 10);
        return grant.token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
  const fresh = () => (token !== undefined && Date.now() < expiresAt ? token : undefined);

  return {
    get(signal) {
      const t = fresh();
      return t === undefined ? raceSignal(start(), signal) : Promise.resolve(t);
    },
    renew(used, signal) {
      const t = fresh();
      if (t !== undefined && t !== used) return Promise.resolve(t);
      if (t === used) token = undefined;
      return raceSignal(start(), signal);
    },
    current: () => token,
  };
}

/** `promise`, or the signal's reason as soon as it aborts (the shared promise itself goes on). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // abandoned here: its failure is nobody's unhandled rejection
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
