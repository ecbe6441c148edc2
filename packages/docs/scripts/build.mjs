#!/usr/bin/env node
// Builds the offline API reference site into packages/docs/site:
//   index.html                landing page: every provider, API version, package, install line, examples, links
//   user-model.html           the common User: every field, its meaning, the per-provider mapping table
//   <api>/index.html          Redocly build-docs of each API in redocly.yaml (one run per API), bundle
//                             inlined, Redoc telemetry off, a TypeScript and a curl sample on every
//                             operation (x-codeSamples, added to the bundled copy, never to specs/)
//   <api>/readme.html, changelog.html   the package's README and CHANGELOG, rendered from Markdown
//   operations.json           the operation index (landing-page search; the browser test's checklist)
//   samples.json              every code sample (type-checked against the built packages by the tests)
// Doc-bug and x-unverified markers are made visible (badges on operations, callouts elsewhere).
// Nothing on any page is fetched from outside the site.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providers as facadeProviders, fieldSources, USER_FIELD_DOCS, USER_FIELDS } from '@rosterkit/users';
import { parse } from 'yaml';
import { providers as registryProviders } from '../../../scripts/providers.mjs';
import { markdown, markdownInline } from './markdown.mjs';
import { clientProfile, METHODS, operationSamples, probeClients } from './samples.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const site = resolve(here, '../site');
const tmp = resolve(here, '../.tmp');
const templates = resolve(here, '../templates');
const redocly = join(root, 'node_modules/.bin/redocly');
// Redoc CE 3 posts OpenTelemetry traces to Redocly from every page unless told not to. Redocly CLI
// 2.x build-docs writes `disableTelemetry` into the page from its own telemetry setting
// (REDOCLY_TELEMETRY=off or `telemetry: off` in redocly.yaml) and that value overrides
// `disableTelemetry` in the Redoc options, so both are set; the built page is checked below.
const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: 'off' };
/**
 * Redoc options for every reference. `codeSamples.languages` is the list of x-codeSamples Redoc 3
 * shows (matched by label) and the first one is the default: without it only its built-in
 * languages (curl, JavaScript, …) appear and a TypeScript sample is silently dropped.
 */
const REDOC_OPTIONS = {
  disableTelemetry: true,
  codeSamples: {
    languages: [
      { lang: 'TypeScript', label: 'TypeScript' },
      { lang: 'curl', label: 'curl' },
      { lang: 'payload', label: 'Payload' },
    ],
  },
};
/** Callout glyphs that DejaVu/Liberation cover (❓ and emoji-presentation ⚠️ need an emoji font). */
const GLYPHS = { docBug: '\u26A0\uFE0E', unverified: '\u2047' };

/** Every provider's name on the site, from the provider registry (a provider without one fails there). */
const LABELS = Object.fromEntries(registryProviders().map((p) => [p.id, p.docsLabel]));
/** The Redoc attribution logo is the only remote asset the bundle loads; served locally instead. */
const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="16"><text x="0" y="12" font-family="sans-serif" font-size="11" fill="#888">Redocly</text></svg>')}`;

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Redoc 3 routes an operation as `#/<tag>/<operationId>`, both lower-cased. */
const slug = (s) => String(s).toLowerCase().replace(/\s+/g, '-');
/** Markdown to plain text for the search index (first ~400 characters). */
const plain = (md) =>
  String(md ?? '')
    .replace(/^>.*$/gm, '')
    .replace(/[`*_>#[\]()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);

await rm(site, { recursive: true, force: true });
await rm(tmp, { recursive: true, force: true });
await mkdir(site, { recursive: true });
await mkdir(tmp, { recursive: true });

const config = parse(await readFile(join(root, 'redocly.yaml'), 'utf8'));
const apis = [];
// 1. Bundle every spec (resolves multi-file specs) and read its operations.
for (const [id, api] of Object.entries(config.apis ?? {})) {
  const bundled = join(tmp, `${id}.bundled.json`);
  execFileSync(redocly, ['bundle', api.root, '-o', bundled, '--ext', 'json'], {
    cwd: root,
    stdio: 'pipe',
    env: redoclyEnv,
  });
  const spec = JSON.parse(await readFile(bundled, 'utf8'));
  const pkgDir = join(root, 'packages', id);
  const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op) continue;
      const tag = op.tags?.[0];
      if (!tag) throw new Error(`docs: ${id} ${op.operationId} has no tag (Redoc routes operations by tag)`);
      const route = `#/${slug(tag)}/${op.operationId.toLowerCase()}`;
      operations.push({
        method: m.toUpperCase(),
        path,
        operationId: op.operationId,
        summary: op.summary ?? '',
        tag,
        route,
        href: `${id}/index.html${route}`,
        text: plain(op.description),
      });
    }
  }
  apis.push({
    id,
    spec,
    pkgDir,
    pkg,
    operations,
    apiVersion: spec.info?.['x-provider-api-version'] ?? spec.info?.version,
  });
}

// 2. Run each client against the local sandbox: which operations iterateUsers() reads, which headers it sets.
const probes = await probeClients(apis);

// 3. Samples and markers into the bundled copy, then render.
const redocOptions = join(tmp, 'redoc-options.json');
await writeFile(redocOptions, JSON.stringify(REDOC_OPTIONS));
const samples = {};
for (const a of apis) {
  const { id, spec } = a;
  const profile = await clientProfile(id, a.pkg.name, spec);
  a.profile = profile;
  const { iterators, sent } = probes[id];
  samples[id] = {};
  for (const o of a.operations) {
    const item = spec.paths[o.path];
    const op = item[o.method.toLowerCase()];
    o.iterator = iterators.get(o.operationId) ?? null;
    o.listing = o.iterator !== null;
    const codeSamples = operationSamples({
      spec,
      profile,
      path: o.path,
      method: o.method,
      pathItem: item,
      op,
      provided: sent,
      iterator: o.iterator,
    });
    op['x-codeSamples'] = [...codeSamples, ...(op['x-codeSamples'] ?? [])];
    samples[id][o.operationId] = Object.fromEntries(codeSamples.map((c) => [c.lang, c.source]));
  }
  a.markers = annotate(spec);
  const annotated = join(tmp, `${id}.json`);
  await writeFile(annotated, JSON.stringify(spec));
  await mkdir(join(site, id), { recursive: true });
  const out = join(site, id, 'index.html');
  execFileSync(
    redocly,
    [
      'build-docs',
      annotated,
      '--inlineBundle',
      '--openapi',
      redocOptions,
      '--template',
      join(templates, 'reference.hbs'),
      '-o',
      out,
      '--title',
      `${LABELS[id] ?? id} API reference — rosterkit`,
    ],
    { cwd: root, stdio: 'pipe', env: redoclyEnv },
  );
  let html = await readFile(out, 'utf8');
  const options = html.match(/const __redoc_options = (\{.*?\});/)?.[1];
  if (!options || JSON.parse(options).disableTelemetry !== true) {
    throw new Error(`docs: ${out} would send Redoc telemetry (options: ${options ?? 'not found'})`);
  }
  html = html
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini-full.svg', LOGO)
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', LOGO);
  await writeFile(out, html);

  for (const [file, page] of [
    ['README.md', 'readme.html'],
    ['CHANGELOG.md', 'changelog.html'],
  ]) {
    const text = existsSync(join(a.pkgDir, file))
      ? await readFile(join(a.pkgDir, file), 'utf8')
      : `# ${a.pkg.name}\n\nNo ${file.replace('.md', '')} yet: this package has not been released.`;
    await writeFile(
      join(site, id, page),
      shell(
        `${a.pkg.name} — ${file}`,
        `<nav class="crumbs"><a href="../index.html">← rosterkit: all providers</a><a href="index.html">${esc(LABELS[id] ?? id)} API reference</a></nav><article class="markdown">${markdown(text)}</article>`,
      ),
    );
  }
}
const index = Object.fromEntries(apis.map((a) => [a.id, a.operations]));
await writeFile(join(site, 'operations.json'), `${JSON.stringify(index, null, 2)}\n`);
samples._landing = { listUsers: { TypeScript: facadeSample(apis) } };
await writeFile(join(site, 'samples.json'), `${JSON.stringify(samples, null, 2)}\n`);
await writeFile(
  join(site, 'index.html'),
  landing(apis, index, await readFile(join(templates, 'search.js'), 'utf8'), samples),
);
// A 1×1 PNG as favicon, so browsers do not log a 404 for it.
await writeFile(
  join(site, 'favicon.ico'),
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    'base64',
  ),
);
await writeFile(join(site, 'user-model.html'), userModel());
await rm(tmp, { recursive: true, force: true });
const count = apis.reduce((n, a) => n + a.operations.length, 0);
console.log(
  `docs: built ${apis.length} API references (${count} operations, each with a TypeScript and a curl sample), the landing page and the User model page into ${site}`,
);

/** Adds x-badges to operations with x-doc-bug / x-unverified and callouts to marked descriptions. */
function annotate(spec) {
  const found = { docBugs: 0, unverified: 0 };
  const callout = (node) => {
    const notes = [];
    if (node['x-doc-bug'])
      notes.push(
        `> ${GLYPHS.docBug} **Doc bug (provider documentation is wrong here):** ${node['x-doc-bug']}`,
      );
    if (node['x-unverified'])
      notes.push(
        `> ${GLYPHS.unverified} **Unverified:** ${node['x-assumption'] ?? 'not confirmed by the provider documentation.'}`,
      );
    if (notes.length) node.description = `${notes.join('\n>\n')}\n\n${node.description ?? ''}`;
  };
  const walk = (node, isOperation = false) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node['x-doc-bug']) found.docBugs++;
    if (node['x-unverified']) found.unverified++;
    if (isOperation) {
      const badges = [];
      if (node['x-doc-bug']) badges.push({ name: 'Doc bug', color: '#c0392b' });
      if (node['x-unverified']) badges.push({ name: 'Unverified', color: '#d68910' });
      if (badges.length) node['x-badges'] = [...(node['x-badges'] ?? []), ...badges];
    }
    if (node['x-doc-bug'] || node['x-unverified']) callout(node);
    for (const [k, v] of Object.entries(node)) if (!k.startsWith('x-')) walk(v);
  };
  if (spec.info) callout(spec.info);
  for (const item of Object.values(spec.paths ?? {})) {
    for (const [k, v] of Object.entries(item ?? {})) {
      if (METHODS.includes(k)) walk(v, true);
      else walk(v);
    }
  }
  walk(spec.components);
  return found;
}

function shell(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
main{max-width:1040px;margin:0 auto;padding:32px 24px 64px}
h1{font-size:30px;margin:0 0 4px}h2{margin-top:40px}
.lede{color:#566;margin:0 0 24px}
.card{background:#fff;border:1px solid #e3e6ea;border-radius:8px;padding:18px 22px;margin:18px 0}
.card h3{margin:0 0 6px;font-size:20px}
.meta{color:#566;font-size:13px}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f3f5f7;border-radius:6px;padding:12px;overflow:auto}
#search{width:100%;box-sizing:border-box;font:inherit;font-size:16px;padding:9px 12px;margin:8px 0 4px;border:1px solid #c5ccd4;border-radius:6px}
#search-results{list-style:none;padding:0;margin:6px 0 0}
#search-results li{margin:0}
a.hit{display:grid;grid-template-columns:64px minmax(180px,1.1fr) 1.4fr;gap:2px 12px;padding:7px 8px;border-radius:6px;color:inherit;text-decoration:none;border-bottom:1px solid #eef0f2}
a.hit:hover,a.hit:focus{background:#eef4ff}
a.hit .where{grid-column:2/4;color:#566;font-size:12px}
.method{font:600 11px/20px ui-monospace,monospace;text-align:center;border-radius:4px;color:#fff;background:#6b7785;height:20px}
.m-get{background:#2f7d32}.m-post{background:#1d5fbf}.m-put,.m-patch{background:#a05a00}.m-delete{background:#b3261e}
.markdown pre code{font-size:13px}.markdown code{background:#f0f2f4;border-radius:4px;padding:1px 4px}.markdown pre code{background:none;padding:0}
.markdown table{width:auto}
td code{background:#f0f2f4;border-radius:4px;padding:1px 4px}
nav.crumbs{margin-bottom:18px}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;margin-left:6px}
.bug{background:#c0392b}.unv{background:#d68910}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f3f5f7}
td.none{color:#a0a7b0}
nav a{margin-right:16px}
</style></head><body><main>${body}</main></body></html>
`;
}

/** The facade example on the landing page, type-checked with the operation samples. */
function facadeSample(apis) {
  const [a, b] = apis.filter((x) => facadeProviders.includes(x.id));
  const create = (x, name) => [
    `const ${name} = ${x.profile.factory}({`,
    ...x.profile.options.map(({ name: o, env }) =>
      o === 'baseUrl' ? `  baseUrl: '${x.profile.baseUrl}',` : `  ${o}: process.env.${env}!,`,
    ),
    '});',
  ];
  return `${[
    `import { ${a.profile.factory} } from '${a.pkg.name}';`,
    `import { ${b.profile.factory} } from '${b.pkg.name}';`,
    "import { ListUsersError, listUsers } from '@rosterkit/users';",
    '',
    ...create(a, a.id),
    ...create(b, b.id),
    '',
    'try {',
    `  for await (const user of listUsers([${a.id}, ${b.id}])) {`,
    "    console.log(user.id, user.displayName, user.status); // user.raw is the provider's typed record",
    '  }',
    '} catch (error) {',
    '  if (error instanceof ListUsersError) console.error(error.failures); // who failed, after how many users',
    '  throw error;',
    '}',
  ].join('\n')}\n`;
}

function landing(apis, index, searchScript, samples) {
  const cards = apis
    .map((a) => {
      const example = a.operations.find((o) => o.iterator === 'iterateUsers') ?? a.operations[0];
      return `<section class="card" id="${esc(a.id)}">
<h3>${esc(LABELS[a.id] ?? a.id)}${a.markers.docBugs ? `<span class="badge bug">${GLYPHS.docBug} ${a.markers.docBugs} doc bug${a.markers.docBugs > 1 ? 's' : ''}</span>` : ''}${a.markers.unverified ? `<span class="badge unv">${GLYPHS.unverified} ${a.markers.unverified} unverified</span>` : ''}</h3>
<div class="meta">${esc(a.spec.info?.title ?? '')} · provider API version <strong>${esc(a.apiVersion)}</strong> · package <code>${esc(a.pkg.name)}</code> <strong>${esc(a.pkg.version)}</strong> · ${a.operations.length} operations</div>
<pre>npm install ${esc(a.pkg.name)}</pre>
<pre>${esc(samples[a.id][example.operationId].TypeScript)}</pre>
<p><a href="${esc(a.id)}/index.html">API reference</a> · <a href="${esc(a.id)}/readme.html">README</a> · <a href="${esc(a.id)}/changelog.html">CHANGELOG</a></p>
</section>`;
    })
    .join('\n');
  const data = {
    labels: Object.fromEntries(apis.map((a) => [a.id, LABELS[a.id] ?? a.id])),
    operations: index,
  };
  return shell(
    'rosterkit — API reference',
    `<h1>rosterkit</h1>
<p class="lede">Typed API clients for the user APIs of ${apis.map((a) => esc(LABELS[a.id] ?? a.id)).join(', ')} — generated from hand-written OpenAPI 3.1 specs — and one facade with a common <code>User</code>.</p>
<nav><a href="user-model.html">The common User model</a><a href="operations.json">Operation index (JSON)</a></nav>
<section id="search-box" class="card">
<label for="search"><strong>Search every provider's operations</strong></label>
<input id="search" type="search" placeholder="deactivate, users.list, GET /users, search…" autocomplete="off" spellcheck="false">
<p id="search-status" class="meta" aria-live="polite"></p>
<ol id="search-results"></ol>
</section>
<h2>Every provider as one stream</h2>
<pre>npm install @rosterkit/users</pre>
<pre>${esc(samples._landing.listUsers.TypeScript)}</pre>
<h2>Providers</h2>
${cards}
<script type="application/json" id="operation-index">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${searchScript}</script>`,
  );
}

function userModel() {
  const rows = USER_FIELDS.map((field) => {
    const cells = facadeProviders
      .map((p) => {
        if (field === 'id' || field === 'provider') return '<td>computed</td>';
        const src = fieldSources[p]?.[field];
        return src === null || src === undefined
          ? '<td class="none">cannot supply</td>'
          : `<td><code>${esc(src)}</code></td>`;
      })
      .join('');
    return `<tr><th><code>${esc(field)}</code></th><td>${markdownInline(USER_FIELD_DOCS[field])}</td>${cells}</tr>`;
  }).join('\n');
  return shell(
    'rosterkit — the common User model',
    `<nav class="crumbs"><a href="index.html">← rosterkit: all providers</a></nav><h1>The common <code>User</code></h1>
<p class="lede">What <code>mapUser(provider, raw)</code> fills, and from which provider field. Generated from <code>@rosterkit/users</code>; a test checks the table against the mappers. <code>raw</code> always holds the provider's record, typed with its generated type.</p>
<table><thead><tr><th>field</th><th>meaning</th>${facadeProviders.map((p) => `<th>${esc(LABELS[p] ?? p)}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}
