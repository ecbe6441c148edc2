// Shared by the repo scripts: the workspace's packages, read from packages/*/package.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every package of the workspace at `base` (this repository unless told): { id, dir, name, version, private, json }. */
export function workspacePackages(base = root) {
  return readdirSync(join(base, 'packages'))
    .filter((d) => existsSync(join(base, 'packages', d, 'package.json')))
    .map((d) => {
      const dir = join(base, 'packages', d);
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { id: d, dir, name: json.name, version: json.version, private: json.private === true, json };
    });
}

/** Published packages only. */
export const publicPackages = (base = root) => workspacePackages(base).filter((p) => !p.private);
