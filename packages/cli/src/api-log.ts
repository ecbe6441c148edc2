import { requestLogger, type TransportEvent } from '@rosterkit/core';
import type { FlagValues, Io } from './command.js';
import { safeText } from './text.js';

/** `--verbose`, or `ROSTER_DEBUG` naming `api` (a comma-separated list, like DEBUG). */
export function isVerbose(values: FlagValues, io: Io): boolean {
  return (
    values['verbose'] === true || (io.env['ROSTER_DEBUG'] ?? '').split(',').some((t) => t.trim() === 'api')
  );
}

/**
 * One stderr line per request, from core's requestLogger: URLs reach it with credentials redacted
 * by the client; control characters (a server's redirect target is untrusted) are shown escaped.
 */
export function apiLog(provider: string, io: Io): (e: TransportEvent) => void {
  return requestLogger((line) => io.stderr(`${provider}: ${safeText(line)}\n`));
}
