/** One part of a `multipart/form-data` body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Parses a `multipart/form-data` body (RFC 7578) into its parts. Malformed input yields the parts
 * that could be read; a body without the boundary yields none.
 */
export function parseMultipart(contentType: string, body: Uint8Array): FormPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2]?.trim();
  if (!boundary) return [];
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = buf.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (buf.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break; // closing delimiter
    const headerStart = afterDelimiter + 2; // CRLF
    const headerEnd = buf.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) break;
    const next = buf.indexOf(delimiter, headerEnd + 4);
    if (next === -1) break;
    const headers = buf.subarray(headerStart, headerEnd).toString('utf8');
    const data = buf.subarray(headerEnd + 4, next - 2); // the CRLF before the next delimiter
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim();
    if (name !== undefined)
      parts.push({
        name,
        ...(filename !== undefined ? { filename } : {}),
        ...(type ? { contentType: type } : {}),
        data: Buffer.from(data),
      });
    start = next;
  }
  return parts;
}
