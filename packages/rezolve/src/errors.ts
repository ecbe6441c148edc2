/** Rezolve's error envelope: `{success: false, error: {code, message, details}, timestamp}`. */
export function decodeRezolveError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (body === null || typeof body !== 'object') return {};
  const error = (body as Record<string, unknown>)['error'];
  if (error === null || typeof error !== 'object') {
    const message = (body as Record<string, unknown>)['message'];
    return typeof message === 'string' ? { message } : {};
  }
  const e = error as Record<string, unknown>;
  return {
    ...(typeof e['code'] === 'string' ? { code: e['code'] } : {}),
    ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
  };
}

/** An error envelope inside a 2xx body: `success: false`. */
export const isRezolveErrorBody = (body: unknown): boolean =>
  body !== null && typeof body === 'object' && (body as Record<string, unknown>)['success'] === false;
