/**
 * Blynk errors: `{"error": {"message": "…"}}` on the Platform API; the flat `{message}` and
 * `{error: "…"}` shapes are tolerated; the token endpoint sends RFC 6749 `{error, error_description}`
 * (the OAuth error is the code).
 */
export function decodeBlynkError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const error = b['error'];
  if (
    error &&
    typeof error === 'object' &&
    typeof (error as Record<string, unknown>)['message'] === 'string'
  ) {
    return { message: (error as Record<string, string>)['message'] };
  }
  if (typeof error === 'string') {
    const description = typeof b['error_description'] === 'string' ? b['error_description'] : undefined;
    return { code: error, message: description ?? error };
  }
  return typeof b['message'] === 'string' ? { message: b['message'] } : {};
}

/** An error inside a 2xx body: Blynk's `{error: {message}}` or the OAuth `{error: "…"}`. */
export function isBlynkErrorBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const error = (body as Record<string, unknown>)['error'];
  return typeof error === 'string' || (error !== null && typeof error === 'object');
}
