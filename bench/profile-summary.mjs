#!/usr/bin/env node
// Self time of a V8 .cpuprofile (from `node --cpu-prof`), grouped by function and by module.
//   node bench/profile-summary.mjs file.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const moduleOf = (url) => {
  if (!url) return '(native/vm)';
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  const p = url.match(/packages\/([^/]+)\/(?:dist|src)\/(.+)$/);
  if (p) return `@rosterkit/${p[1]}/${p[2]}`;
  return url.replace(/^node:/, '').replace(/^file:\/\/.*\//, '');
};
const fns = new Map();
const mods = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const key = `${f.functionName || '(anonymous)'}  ${moduleOf(f.url)}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const mod = moduleOf(f.url);
  mods.set(mod, (mods.get(mod) ?? 0) + us);
}
const print = (title, map, limit) => {
  console.log(`\n${title} (self time, ${(total / 1000).toFixed(0)} ms sampled)`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit))
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
};
print('by module', mods, 25);
print('by function', fns, top);
