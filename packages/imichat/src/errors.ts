/**
 * imi.chat answers every call with `{status_code, description, response}`; the `status_code` is
 * the provider's code (2004 = token expired, 3101 = user not found, … see STATUS_CODES).
 */
export const STATUS_CODES: Readonly<Record<number, { http: number; meaning: string }>> = {
  4306: { http: 200, meaning: 'The user details retrieved successfully' },
  2002: { http: 400, meaning: 'Invalid header param: mandatory header parameters not found' },
  2003: { http: 400, meaning: 'Invalid Access Token' },
  2004: { http: 401, meaning: 'Access Token expired' },
  2007: { http: 500, meaning: 'Internal Server Error' },
  2010: { http: 404, meaning: 'Could not find details of team based on the teamid passed in the header' },
  2099: { http: 405, meaning: 'Method not allowed' },
  3101: { http: 404, meaning: 'Requested user was not found' },
  3105: { http: 500, meaning: 'The user data could not be retrieved' },
};

export function decodeImichatError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const code =
    typeof b['status_code'] === 'number' || typeof b['status_code'] === 'string'
      ? String(b['status_code'])
      : undefined;
  const description = typeof b['description'] === 'string' ? b['description'] : undefined;
  const message = description ?? (code ? STATUS_CODES[Number(code)]?.meaning : undefined);
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** An error inside a 2xx body: the documented error codes are 2xxx and 3xxx (successes are 1xxx, 4xxx). */
export function isImichatErrorBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  // Only a number or a numeric string is a code: converting anything else runs the server's data
  // (`{"status_code":{"toString":false}}` makes `Number()` throw).
  const raw = (body as Record<string, unknown>)['status_code'];
  const code = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  return code >= 2000 && code < 4000;
}
