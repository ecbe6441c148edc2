// Lists every user of all five sandbox providers through listUsers, keeping nothing; prints peak RSS.
import { createBlynkClient } from '@rosterkit/blynk';
import { createImichatClient } from '@rosterkit/imichat';
import { createRezolveClient } from '@rosterkit/rezolve';
import { createRocketChatClient } from '@rosterkit/rocketchat';
import { createThenaClient } from '@rosterkit/thena';
import { listUsers } from '@rosterkit/users';
import { childSandbox } from './child-sandbox.mjs';

const users = Number(process.argv[2]);
const only = process.argv[3] ? process.argv[3].split(',') : undefined;
// The sandbox runs in a child of its own so its memory is not counted.
const box = await childSandbox(users);
const info = box.providers;
const s = (p, k) => info[p].credentials[k];
const sources = [
  createThenaClient({ baseUrl: info.thena.baseUrl, apiKey: s('thena', 'apiKey') }),
  createImichatClient({
    baseUrl: info.imichat.baseUrl,
    apiKey: s('imichat', 'apiKey'),
    domainName: s('imichat', 'domainName'),
    teamId: s('imichat', 'teamId'),
  }),
  createRocketChatClient({
    baseUrl: info.rocketchat.baseUrl,
    userId: s('rocketchat', 'userId'),
    authToken: s('rocketchat', 'authToken'),
  }),
  createBlynkClient({
    baseUrl: info.blynk.baseUrl,
    clientId: s('blynk', 'clientId'),
    clientSecret: s('blynk', 'clientSecret'),
  }),
  createRezolveClient({
    baseUrl: info.rezolve.baseUrl,
    token: s('rezolve', 'token'),
    tenantId: s('rezolve', 'tenantId'),
    realm: s('rezolve', 'realm'),
  }),
];
let listed = 0;
for await (const _ of listUsers(only ? sources.filter((c) => only.includes(c.provider)) : sources)) listed++;
box.close();
console.log(
  JSON.stringify({ usersPerProvider: users, listed, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
);
