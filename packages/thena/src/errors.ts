/**
 * Thena's errors are not documented; the server is NestJS, whose default body is
 * `{statusCode, message: string | string[], error?}` (spec: x-unverified). `error` is the code.
 */
export function decodeThenaError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const message = Array.isArray(b['message'])
    ? b['message'].filter((m) => typeof m === 'string').join('; ')
    : typeof b['message'] === 'string'
      ? b['message']
      : undefined;
  const code = typeof b['error'] === 'string' ? b['error'] : undefined;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** An error inside a 2xx body: a NestJS error (`statusCode` ≥ 400) or the envelope's `status: false`. */
export function isThenaErrorBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return b['status'] === false || (typeof b['statusCode'] === 'number' && b['statusCode'] >= 400);
}
