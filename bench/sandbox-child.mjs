// A sandbox in a process of its own, so that its work is not counted against the client measured.
//   node bench/sandbox-child.mjs <users> [latencyMs] [provider,provider…] [wire]
// Prints the providers' base URLs and credentials as one JSON line, then serves until killed.
import { startSandbox } from '@rosterkit/sandbox';

const [users, latencyMs = '0', only, wire = 'content-length'] = process.argv.slice(2);
const box = await startSandbox({
  users: Number(users),
  seed: 4,
  latencyMs: Number(latencyMs),
  wire,
  ...(only ? { providers: only.split(',') } : {}),
});
process.stdout.write(`${JSON.stringify(box.providers)}\n`);
