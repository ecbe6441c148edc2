#!/usr/bin/env node
// Public-API snapshot per published package (api-snapshot.json, committed): every exported value
// and type, and for provider packages every operation of the spec ("METHOD /path → operationId").
//   node scripts/api-snapshot.mjs --check    fails when the built packages differ from the snapshots
//   node scripts/api-snapshot.mjs --update   records the new surface; refuses to record a removal
//                                            unless a pending changeset bumps that package major
// Run after `pnpm build`.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { publicPackages, root } from './packages.mjs';

const mode = process.argv.includes('--update') ? 'update' : 'check';

function surface(pkg) {
  const entry = join(pkg.dir, 'dist/index.d.ts');
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  const symbol = file && checker.getSymbolAtLocation(file);
  const exports = symbol ? checker.getExportsOfModule(symbol) : [];
  const entries = exports
    .map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      const kind = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
      return `${kind} ${s.getName()}`;
    })
    .sort();
  const out = { package: pkg.name, exports: entries };
  const ops = join(pkg.dir, 'src/generated/operations.ts');
  if (existsSync(ops)) {
    const text = readFileSync(ops, 'utf8');
    out.apiVersion = /apiVersion = "([^"]*)"/.exec(text)?.[1];
    out.operations = [...text.matchAll(/"([A-Z]+ [^"]+)": "([^"]+)"/g)]
      .map((m) => `${m[1]} → ${m[2]}`)
      .sort();
  }
  return out;
}

function majorChangesets() {
  const dir = join(root, '.changeset');
  const majors = new Set();
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? '';
    for (const m of front.matchAll(/^["']?([^"':]+)["']?:\s*major\s*$/gm)) majors.add(m[1]);
  }
  return majors;
}

let failed = 0;
const majors = majorChangesets();
for (const pkg of publicPackages()) {
  const file = join(pkg.dir, 'api-snapshot.json');
  const next = surface(pkg);
  const prev = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  const flat = (s) => [...(s?.exports ?? []), ...(s?.operations ?? []).map((o) => `operation ${o}`)];
  const removed = flat(prev).filter((x) => !flat(next).includes(x));
  const added = flat(next).filter((x) => !flat(prev).includes(x));
  const same = JSON.stringify(prev) === JSON.stringify(next);
  if (same) continue;
  if (mode === 'check') {
    failed++;
    console.error(
      `✗ ${pkg.name}: public API differs from api-snapshot.json (run \`pnpm api:update\` and add a changeset)`,
    );
    for (const r of removed) console.error(`    - ${r}`);
    for (const a of added) console.error(`    + ${a}`);
    continue;
  }
  if (prev && removed.length && !majors.has(pkg.name)) {
    failed++;
    console.error(
      `✗ ${pkg.name}: removing ${removed.join(', ')} is a breaking change; add a changeset with "${pkg.name}": major first`,
    );
    continue;
  }
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  console.log(`recorded ${pkg.name} (${added.length} added, ${removed.length} removed)`);
}
if (failed) process.exit(1);
if (mode === 'check') console.log('public API matches the committed snapshots');
