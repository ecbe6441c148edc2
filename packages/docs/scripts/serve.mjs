#!/usr/bin/env node
// Serves the built site on 127.0.0.1 (PORT, default 4173) and prints the URL.
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static.mjs';

const site = resolve(dirname(fileURLToPath(import.meta.url)), '../site');
const server = createServer(serveStatic(site));
server.listen(Number(process.env.PORT ?? 4173), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`rosterkit docs: http://127.0.0.1:${port}/  (Ctrl-C to stop)`);
});
