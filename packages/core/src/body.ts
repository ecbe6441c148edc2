/**
 * The capped body reader: reads a response body to the end as a stream, counting *decoded* bytes
 * (fetch has already undone gzip, deflate or brotli), and stops reading — cancelling the stream —
 * as soon as the count passes the cap. Nothing is read whole first, so a compression bomb costs at
 * most the cap plus one chunk of memory.
 */
const PRESIZE_LIMIT = 8 * 1024 * 1024;

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/**
 * @param declared the `Content-Length` of an unencoded body (used to refuse early and to size the
 *   buffer once), or `undefined` when unknown or encoded.
 * @param onChunk called after every chunk (an idle timer counts them as signs of life).
 */
export async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  declared: number | undefined,
  onChunk?: () => void,
): Promise<ArrayBuffer> {
  if (declared !== undefined && declared > maxBytes) {
    await body.cancel().catch(() => {});
    throw new BodyTooLarge(`response body of ${declared} bytes exceeds the ${maxBytes}-byte cap`);
  }
  const reader = body.getReader();
  // A known length is read straight into one buffer (up to PRESIZE_LIMIT: a server announcing a
  // large body and sending little must not make us allocate it); otherwise chunks are joined.
  let into =
    declared !== undefined && declared > 0 && declared <= PRESIZE_LIMIT
      ? new Uint8Array(declared)
      : undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onChunk?.();
    const next = total + value.byteLength;
    if (next > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(`response body exceeds the ${maxBytes}-byte cap`);
    }
    if (into && next <= into.byteLength) into.set(value, total);
    else {
      if (into) {
        chunks.push(into.subarray(0, total));
        into = undefined;
      }
      chunks.push(value);
    }
    total = next;
  }
  if (into) return total === into.byteLength ? into.buffer : into.slice(0, total).buffer;
  if (chunks.length === 1) {
    const only = chunks[0] as Uint8Array;
    if (only.byteOffset === 0 && only.byteLength === only.buffer.byteLength)
      return only.buffer as ArrayBuffer;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

/** The Content-Length of a body fetch has not decoded, when it states one; else undefined. */
export function declaredLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  if (header === null || response.headers.has('content-encoding')) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Drops an answer's body unread (the connection is released, or closed if it was mid-body). */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}
