#!/usr/bin/env node
// Builds the offline API reference site into packages/docs/site:
//   index.html                landing page: every provider, API version, package, install line, examples, links
//   user-model.html           the common User: every field, its meaning, the per-provider mapping table
//   <api>/index.html          Redocly build-docs of each API in redocly.yaml (one run per API), bundle inlined
//   <api>/readme.html, changelog.html   the package's README and CHANGELOG
// Doc-bug and x-unverified markers are made visible (badges on operations, callouts elsewhere).
// Nothing on any page is fetched from outside the site.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { providers as facadeProviders, fieldSources, USER_FIELD_DOCS, USER_FIELDS } from '@rosterkit/users';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const site = resolve(here, '../site');
const tmp = resolve(here, '../.tmp');
const redocly = join(root, 'node_modules/.bin/redocly');

const LABELS = {
  rocketchat: 'Rocket.Chat',
  thena: 'Thena',
  imichat: 'imi.chat (Webex Engage)',
  blynk: 'Blynk',
  rezolve: 'Rezolve.ai',
};
const FACTORIES = {
  rocketchat: 'createRocketChatClient',
  thena: 'createThenaClient',
  imichat: 'createImichatClient',
  blynk: 'createBlynkClient',
  rezolve: 'createRezolveClient',
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
/** The Redoc attribution logo is the only remote asset the bundle loads; served locally instead. */
const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="16"><text x="0" y="12" font-family="sans-serif" font-size="11" fill="#888">Redocly</text></svg>')}`;

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

await rm(site, { recursive: true, force: true });
await rm(tmp, { recursive: true, force: true });
await mkdir(site, { recursive: true });
await mkdir(tmp, { recursive: true });

const config = parse(await readFile(join(root, 'redocly.yaml'), 'utf8'));
const apis = [];
for (const [id, api] of Object.entries(config.apis ?? {})) {
  // 1. Bundle (resolves multi-file specs), 2. make markers visible, 3. render.
  const bundled = join(tmp, `${id}.bundled.json`);
  execFileSync(redocly, ['bundle', api.root, '-o', bundled, '--ext', 'json'], { cwd: root, stdio: 'pipe' });
  const spec = JSON.parse(await readFile(bundled, 'utf8'));
  const markers = annotate(spec);
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const m of METHODS)
      if (item?.[m]) operations.push({ method: m.toUpperCase(), path, operationId: item[m].operationId });
  }
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
      '-o',
      out,
      '--title',
      `${LABELS[id] ?? id} API reference — rosterkit`,
    ],
    { cwd: root, stdio: 'pipe' },
  );
  let html = await readFile(out, 'utf8');
  html = html
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini-full.svg', LOGO)
    .replaceAll('https://cdn.redoc.ly/redoc/logo-mini.svg', LOGO);
  await writeFile(out, html);

  const pkgDir = join(root, 'packages', id);
  const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
  for (const [file, page] of [
    ['README.md', 'readme.html'],
    ['CHANGELOG.md', 'changelog.html'],
  ]) {
    const text = existsSync(join(pkgDir, file))
      ? await readFile(join(pkgDir, file), 'utf8')
      : `# ${pkg.name}\n\nNo ${file.replace('.md', '')} yet: this package has not been released.`;
    await writeFile(
      join(site, id, page),
      shell(
        `${pkg.name} — ${file}`,
        `<p><a href="../index.html">← all providers</a></p><pre class="md">${esc(text)}</pre>`,
      ),
    );
  }
  apis.push({
    id,
    spec,
    operations,
    markers,
    pkg,
    apiVersion: spec.info?.['x-provider-api-version'] ?? spec.info?.version,
  });
}
await writeFile(
  join(site, 'operations.json'),
  JSON.stringify(Object.fromEntries(apis.map((a) => [a.id, a.operations])), null, 2),
);
await writeFile(join(site, 'index.html'), landing(apis));
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
console.log(
  `docs: built ${apis.length} API reference(s), the landing page and the User model page into ${site}`,
);

/** Adds x-badges to operations with x-doc-bug / x-unverified and callouts to marked descriptions. */
function annotate(spec) {
  const found = { docBugs: 0, unverified: 0 };
  const callout = (node) => {
    const notes = [];
    if (node['x-doc-bug'])
      notes.push(`> ⚠️ **Doc bug (provider documentation is wrong here):** ${node['x-doc-bug']}`);
    if (node['x-unverified'])
      notes.push(
        `> ❓ **Unverified:** ${node['x-assumption'] ?? 'not confirmed by the provider documentation.'}`,
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
pre.md{white-space:pre-wrap}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;margin-left:6px}
.bug{background:#c0392b}.unv{background:#d68910}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}th{background:#f3f5f7}
td.none{color:#a0a7b0}
nav a{margin-right:16px}
</style></head><body><main>${body}</main></body></html>
`;
}

function landing(apis) {
  const cards = apis
    .map((a) => {
      const factory = FACTORIES[a.id] ?? 'createClient';
      const first = a.operations.find((o) => o.method === 'GET') ?? a.operations[0];
      return `<section class="card" id="${esc(a.id)}">
<h3>${esc(LABELS[a.id] ?? a.id)}${a.markers.docBugs ? `<span class="badge bug">${a.markers.docBugs} doc bug${a.markers.docBugs > 1 ? 's' : ''}</span>` : ''}${a.markers.unverified ? `<span class="badge unv">${a.markers.unverified} unverified</span>` : ''}</h3>
<div class="meta">${esc(a.spec.info?.title ?? '')} · provider API version <strong>${esc(a.apiVersion)}</strong> · package <code>${esc(a.pkg.name)}</code> <strong>${esc(a.pkg.version)}</strong> · ${a.operations.length} operations</div>
<pre>npm install ${esc(a.pkg.name)}</pre>
<pre>import { ${esc(factory)} } from '${esc(a.pkg.name)}';

const client = ${esc(factory)}({ baseUrl: '…', /* credentials from your environment */ });
const { data } = await client.${esc(first?.method ?? 'GET')}('${esc(first?.path ?? '/')}', { /* typed params */ });
for await (const user of client.iterateUsers()) console.log(user);</pre>
<p><a href="${esc(a.id)}/index.html">API reference</a> · <a href="${esc(a.id)}/readme.html">README</a> · <a href="${esc(a.id)}/changelog.html">CHANGELOG</a></p>
</section>`;
    })
    .join('\n');
  return shell(
    'rosterkit — API reference',
    `<h1>rosterkit</h1>
<p class="lede">Typed API clients for the user APIs of ${apis.map((a) => esc(LABELS[a.id] ?? a.id)).join(', ')} — generated from hand-written OpenAPI 3.1 specs — and one facade with a common <code>User</code>.</p>
<nav><a href="user-model.html">The common User model</a><a href="operations.json">Operation index (JSON)</a></nav>
<h2>Every provider as one stream</h2>
<pre>npm install @rosterkit/users</pre>
<pre>import { listUsers, ListUsersError } from '@rosterkit/users';

try {
  for await (const user of listUsers([rocketchat, thena /* any configured clients */])) {
    console.log(user.id, user.displayName, user.status); // user.raw is the provider's typed record
  }
} catch (error) {
  if (error instanceof ListUsersError) console.error(error.failures); // who failed, after how many users
}</pre>
<h2>Providers</h2>
${cards}`,
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
    return `<tr><th><code>${esc(field)}</code></th><td>${esc(USER_FIELD_DOCS[field])}</td>${cells}</tr>`;
  }).join('\n');
  return shell(
    'rosterkit — the common User model',
    `<p><a href="index.html">← all providers</a></p><h1>The common <code>User</code></h1>
<p class="lede">What <code>mapUser(provider, raw)</code> fills, and from which provider field. Generated from <code>@rosterkit/users</code>; a test checks the table against the mappers. <code>raw</code> always holds the provider's record, typed with its generated type.</p>
<table><thead><tr><th>field</th><th>meaning</th>${facadeProviders.map((p) => `<th>${esc(LABELS[p] ?? p)}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}
