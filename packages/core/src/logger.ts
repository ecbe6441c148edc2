import type { TransportEvent } from './transport.js';

/**
 * A ready-made `onEvent` handler that writes one line per HTTP exchange, retry, rate-limit wait
 * and redirect — like Octokit's request log: `GET https://…/api/v1/users.list?count=100 - 200 in
 * 12 ms (users.list)`. URLs reach it already redacted by the client. Defaults to `console.error`.
 */
export function requestLogger(
  write: (line: string) => void = (line) => console.error(line),
): (event: TransportEvent) => void {
  return (e) => {
    const op = e.operation ? ` (${e.operation})` : '';
    switch (e.type) {
      case 'request':
        return;
      case 'response':
        return write(
          `${e.method} ${e.url} - ${e.status} in ${e.durationMs} ms${op}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`,
        );
      case 'retry':
        return write(`retry in ${Math.round(e.delayMs)} ms after ${e.reason}: ${e.url}${op}`);
      case 'rate-limit':
        return write(
          `${e.paced ? 'quota spent' : 'rate limited'}: waiting ${Math.round(e.delayMs)} ms before ${e.url}${op}`,
        );
      case 'redirect':
        return write(`redirect ${e.from} -> ${e.to}${op}`);
    }
  };
}
