/**
 * Rocket.Chat's error bodies → code + message:
 *   `{success:false, error, errorType?, details?}` (400/403/404/429/500), where `error` often reads
 *   "<reason> [<errorType>]" and the code is only in brackets (429 has no errorType);
 *   `{success:false, error, status:'error', message}` (401 on 7.x/8.x) and the legacy
 *   `{status:'error', message}` (401 before 7.x).
 */
export function decodeRocketChatError(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (body === null || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const error = typeof b['error'] === 'string' ? b['error'] : undefined;
  const message = error ?? (typeof b['message'] === 'string' ? b['message'] : undefined);
  const bracket = error?.match(/\[([a-z0-9-]+)\]\s*$/i)?.[1];
  const code = typeof b['errorType'] === 'string' ? b['errorType'] : bracket;
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** An error envelope inside a 2xx body: Rocket.Chat marks every answer with `success`. */
export const isRocketChatErrorBody = (body: unknown): boolean =>
  body !== null && typeof body === 'object' && (body as Record<string, unknown>)['success'] === false;
