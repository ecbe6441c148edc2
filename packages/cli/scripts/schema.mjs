// Writes roster.config.schema.json from the provider registry (run after a build; a test fails when stale).
import { writeFileSync } from 'node:fs';
import { configSchema } from '../dist/config.js';

writeFileSync(
  new URL('../roster.config.schema.json', import.meta.url),
  `${JSON.stringify(configSchema(), null, 2)}\n`,
);
