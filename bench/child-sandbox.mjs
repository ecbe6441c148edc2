// Starts bench/sandbox-child.mjs in a process of its own (on the other core), so that what the
// benchmark measures in this process is the client alone.
import { spawn } from 'node:child_process';

/** Resolves to the providers' base URLs and credentials, and a `close()` that stops the child. */
export async function childSandbox(users, latencyMs = 0, only = [], wire = 'content-length') {
  const child = spawn(
    process.execPath,
    [
      new URL('./sandbox-child.mjs', import.meta.url).pathname,
      String(users),
      String(latencyMs),
      only.join(','),
      wire,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const providers = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d))));
  });
  return { providers, close: () => child.kill() };
}
