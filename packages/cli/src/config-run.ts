import { apiLog, isVerbose } from './api-log.js';
import { EXIT, type FlagValues, type Io } from './command.js';
import { loadSettings, missingSettings, userConfigPath } from './config.js';
import { isAuthFailure } from './list-run.js';
import { cliProviders } from './providers.js';
import { providerIds } from './settings.js';
import { oneLine, safeText } from './text.js';

/** `roster config check`: 0 when every configured provider answers and at least one is configured. */
export async function runConfigCheck(values: FlagValues, io: Io): Promise<number> {
  const loaded = await loadSettings(io.env, values['config'] as string | undefined, io.cwd);
  const user = userConfigPath(io.env);
  io.stdout(
    `settings: environment, then ${loaded.files.length ? loaded.files.map(safeText).join(', then ') : 'no file'}` +
      `${user && !loaded.files.includes(user) ? ` (user file ${safeText(user)} not found)` : ''}\n`,
  );
  let bad = 0;
  let auth = 0;
  let configured = 0;
  for (const id of providerIds) {
    const s = loaded.settings[id];
    const p = cliProviders[id];
    if (!s) {
      io.stdout(`${id.padEnd(11)} not configured (${Object.values(p.settings).join(', ')})\n`);
      continue;
    }
    configured++;
    const missing = missingSettings(id, loaded);
    if (missing.length) {
      bad++;
      io.stdout(`${id.padEnd(11)} incomplete: missing ${missing.map(safeText).join(', ')}\n`);
      continue;
    }
    try {
      const source = p.create(s, {
        timeoutMs: 15_000,
        retry: { maxAttempts: 2 },
        ...(isVerbose(values, io) ? { onEvent: apiLog(id, io) } : {}),
      });
      for await (const _ of source.iterateUsers(undefined, {})) break;
      io.stdout(
        `${id.padEnd(11)} ok: ${safeText(s['baseUrl'] ?? 'default URL')} reachable, credentials accepted\n`,
      );
    } catch (error) {
      bad++;
      if (isAuthFailure(error)) auth++;
      io.stdout(
        `${id.padEnd(11)} failed: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
      );
    }
  }
  if (configured === 0) {
    io.stderr('roster: no provider is configured (set the variables above, or write a config file)\n');
    return EXIT.failure;
  }
  if (auth) return EXIT.auth;
  return bad ? EXIT.failure : EXIT.ok;
}
