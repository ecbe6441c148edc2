import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.js';

/** Writes `payload` with the damage a fault asks for. Resolves when the response is done. */
export async function sendDamaged(
  res: ServerResponse,
  fault: FaultKind,
  status: number,
  headers: Record<string, string>,
  payload: string,
  slowMs: number,
): Promise<void> {
  const bytes = Buffer.from(payload);
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));
  switch (fault) {
    case 'reset':
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
      res.write(half);
      await new Promise((r) => setTimeout(r, 5));
      res.destroy();
      return;
    case 'truncated-json':
      res.writeHead(status, { ...headers, 'content-length': String(half.length) });
      res.end(half);
      return;
    case 'wrong-content-type':
      res.writeHead(status, {
        ...headers,
        'content-type': 'text/plain',
        'content-length': String(bytes.length),
      });
      res.end(bytes);
      return;
    case 'slow-first-byte':
      await new Promise((r) => setTimeout(r, slowMs));
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
      res.end(bytes);
      return;
    case 'slow-body': {
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
      const step = Math.ceil(bytes.length / 4) || 1;
      for (let at = 0; at < bytes.length; at += step) {
        if (at > 0) await new Promise((r) => setTimeout(r, slowMs / 4));
        res.write(bytes.subarray(at, at + step));
      }
      res.end();
      return;
    }
    default:
      throw new Error(`not a damaging fault: ${fault}`);
  }
}
