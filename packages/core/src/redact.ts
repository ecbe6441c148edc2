/**
 * Credential redaction, in the spirit of `@octokit/request-error`: every string that leaves the
 * client inside an error (message, body, URL, cause) passes through a Redactor that knows the
 * caller's secrets. Secrets are matched literally, plus the usual credential query parameters.
 */

export const REDACTED = '[REDACTED]';

const SECRET_QUERY_PARAMS =
  /([?&](?:access_token|refresh_token|client_secret|token|password|api_key|apikey|auth_token)=)[^&#\s"']*/gi;
const AUTH_SCHEMES = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Shortest string treated as a secret; shorter values would shred ordinary words. */
const MIN_SECRET_LENGTH = 3;

export class Redactor {
  readonly #secrets: () => readonly string[];

  constructor(secrets: () => readonly (string | undefined | null)[] = () => []) {
    this.#secrets = () =>
      secrets().filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  }

  /** Redacts every known secret and credential-looking fragment in `text`. */
  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets()) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
      // Secrets also travel percent-encoded (query strings) and base64-encoded (HTTP Basic).
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
    }
    return out.replace(SECRET_QUERY_PARAMS, `$1${REDACTED}`).replace(AUTH_SCHEMES, `$1 ${REDACTED}`);
  }

  /** `text` redacted first, then cut to `max` characters: a cut never splits a secret past recognition. */
  cut(text: string, max: number): string {
    const clean = this.text(text);
    return clean.length > max ? `${clean.slice(0, max)}…` : clean;
  }

  /**
   * Redacts every string inside a JSON-like value, returning a copy (depth-limited). Objects are
   * copied into null-prototype objects with `defineProperty`, so a `__proto__` (or `constructor`)
   * key sent by a server stays an ordinary own property and never becomes a prototype.
   */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 32) return '[…]';
    if (Array.isArray(value)) return value.map((v) => this.value(v, depth + 1));
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, this.text(k), {
        value: this.value(v, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
}
