// Lists every user of every sandbox provider through listUsers, keeping nothing; prints peak RSS.
import { cliProviders } from '@rosterkit/cli';
import { listUsers } from '@rosterkit/users';
import { childSandbox } from './child-sandbox.mjs';

const users = Number(process.argv[2]);
const only = process.argv[3] ? process.argv[3].split(',') : undefined;
// The sandbox runs in a child of its own so its memory is not counted.
const box = await childSandbox(users);
const info = box.providers;
// Every provider in the registry, configured the way `roster` does it.
const sources = Object.keys(info).map((p) =>
  cliProviders[p].create({ baseUrl: info[p].baseUrl, ...info[p].credentials }, {}),
);
let listed = 0;
for await (const _ of listUsers(only ? sources.filter((c) => only.includes(c.provider)) : sources)) listed++;
box.close();
console.log(
  JSON.stringify({ usersPerProvider: users, listed, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
);
