import type { AuthHandler } from './client.js';
import { type ApiError, InputError, isApiError } from './errors.js';
import type { Check } from './options.js';
import { createTokenLifecycle, raceSignal } from './token.js';
import { requireHeaderValue } from './validate.js';

/**
 * A credential given as a value, or as a function returning one (sync or async). The function is
 * called when the credential is first needed — never at creation — once for any number of
 * concurrent calls, and again when the provider refuses or expires the value it returned: rotated
 * API keys, secrets read from a vault, a login repeated when its token ends.
 */
export type Credential<T = string> = T | (() => T | Promise<T>);

/** One credential of a client, static or rotating; what every provider's auth handler reads. */
export interface CredentialSource<T = string> {
  /** True when the caller gave a function: a refusal then asks it for a new value, once per call. */
  readonly rotates: boolean;
  /** The value: returned synchronously when static, else the function's current result. */
  get(signal?: AbortSignal): T | Promise<T>;
  /**
   * `used` was refused: call the function again, unless a newer value is already here or on its
   * way (then that one is shared). A static value is returned as it is.
   */
  renew(used: T | undefined, signal?: AbortSignal): Promise<T>;
  /**
   * Runs `use` with the credential; when that fails with a refusal (`kind: 'auth'`, e.g. a token
   * endpoint that said no) and the credential rotates, runs it once more with a renewed value.
   */
  withRenewal<R>(use: (value: T) => Promise<R>, signal?: AbortSignal): Promise<R>;
  /** Every value the credential has had (the latest 16) in every form it travels in, for redaction. */
  secrets(): readonly (string | undefined)[];
}

/** Thrown when a credential function throws or rejects; the client reports it as `kind: 'auth'`. */
export class CredentialFailure extends Error {
  override readonly name = 'CredentialFailure';
}

export interface CredentialSpec<T> {
  /** Checks a value (given or returned) and returns it; throws InputError naming `field`. */
  check?: (provider: string, field: string, value: unknown) => T;
  /** Every form of a value that must be redacted (the value itself, an encoding of it, …). */
  secretsOf?: (value: T) => readonly (string | undefined)[];
}

const HISTORY = 16;

/**
 * A credential of `provider` given as option `field`. A static value is checked now; a function's
 * results are checked when they arrive (an InputError naming `field()`), and a function that throws
 * is a `CredentialFailure`. Built on `createTokenLifecycle` (single flight, renewal of the refused
 * value only); every value ever returned stays known to redaction, so an error about a request that
 * carried a replaced value still cannot show it.
 */
export function createCredential<T = string>(
  provider: string,
  field: string,
  source: Credential<T> | undefined,
  spec: CredentialSpec<T> = {},
): CredentialSource<T> {
  const check =
    spec.check ?? ((p: string, f: string, v: unknown) => requireHeaderValue(p, f, v) as unknown as T);
  const secretsOf = spec.secretsOf ?? ((v: T) => (typeof v === 'string' ? [v] : []));
  if (source === undefined)
    throw new InputError(provider, field, 'must be a value or a function returning one');
  if (typeof source !== 'function') {
    const value = check(provider, field, source);
    const secrets = secretsOf(value);
    return {
      rotates: false,
      get: () => value,
      renew: async () => value,
      withRenewal: (use) => use(value),
      secrets: () => secrets,
    };
  }
  const fn = source as () => T | Promise<T>;
  const seen: (string | undefined)[][] = [];
  const lifecycle = createTokenLifecycle<T>(async () => {
    let value: unknown;
    try {
      value = await fn();
    } catch (error) {
      throw new CredentialFailure(`the ${field} function failed`, { cause: error });
    }
    // Known to redaction before it is checked: a refused value never reaches an error unredacted.
    if (typeof value === 'string') seen.push([value]);
    const checked = check(provider, `${field}()`, value);
    seen.push([...secretsOf(checked)]);
    while (seen.length > HISTORY) seen.shift();
    return { token: checked };
  });
  const self: CredentialSource<T> = {
    rotates: true,
    get: (signal) => lifecycle.get(signal),
    renew: (used, signal) => lifecycle.renew(used, signal),
    async withRenewal(use, signal) {
      const value = await lifecycle.get(signal);
      try {
        return await use(value);
      } catch (error) {
        if (!isApiError(error) || error.kind !== 'auth') throw error;
        return use(await raceSignal(lifecycle.renew(value), signal));
      }
    },
    secrets: () => seen.flat(),
  };
  return self;
}

/**
 * The auth of a provider whose credential goes straight into request headers (no token
 * endpoint): `set` writes it on each request; when the credential rotates and `isRefused` says
 * the provider refused it, the client renews it once and repeats the call.
 */
export function headerAuth(
  credential: CredentialSource<string>,
  set: (request: Request, value: string) => void,
  isRefused: (error: ApiError) => boolean,
  extraSecrets: readonly (string | undefined)[] = [],
): AuthHandler {
  const apply = (request: Request, value: string) => {
    set(request, value);
    return value;
  };
  return {
    apply(request) {
      const value = credential.get(request.signal);
      return typeof value === 'string' ? apply(request, value) : value.then((v) => apply(request, v));
    },
    secrets: () => [...credential.secrets(), ...extraSecrets],
    ...(credential.rotates
      ? {
          isExpired: isRefused,
          refresh: async (signal: AbortSignal, used: string | undefined) =>
            void (await credential.renew(used, signal)),
        }
      : {}),
  };
}

/** Option check of a credential: a function, or a value that can travel in a header. */
export const checkCredential: Check = (p, f, v) => {
  if (typeof v !== 'function') requireHeaderValue(p, f, v);
};
