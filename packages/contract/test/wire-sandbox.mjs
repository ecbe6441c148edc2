// A sandbox in a process of its own, so that a test counting work in its own process (JSON parses)
// counts the client's work only.
//   node test/wire-sandbox.mjs <users> <wire>
// Prints the providers' base URLs and credentials as one JSON line, then serves until killed.
import { startSandbox } from '@rosterkit/sandbox';

const [users, wire] = process.argv.slice(2);
const box = await startSandbox({ users: Number(users), seed: 5, wire });
process.stdout.write(`${JSON.stringify(box.providers)}\n`);
