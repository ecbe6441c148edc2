import { startSandbox } from '@rosterkit/sandbox';

const box = await startSandbox({ users: Number(process.argv[2]), seed: 4 });
process.stdout.write(`${JSON.stringify(box.providers)}\n`);
