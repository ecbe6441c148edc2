// Code samples for every operation, generated at build time from the bundled spec and the
// provider's client (never written into specs/*.yaml):
//   TypeScript: client creation with the options the client takes (as the CLI configures it), the
//               typed `client.GET/POST(path, { params, body })` call with values from the
//               operation's examples, and `iterateUsers()` on the operation(s) the iterator reads;
//   curl:       the same request on the wire, credentials from environment variables.
// The TypeScript samples are type-checked against the built packages by `pnpm test`.
import { cliProviders } from '@rosterkit/cli';
import { startSandbox } from '@rosterkit/sandbox';

export const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

/**
 * How each provider's client is created: factory, package, the options a user must pass (with the
 * environment variable the CLI reads each one from), the headers the client fills in itself.
 */
export async function clientProfile(id, pkgName, spec) {
  const cli = cliProviders[id];
  if (!cli) throw new Error(`docs: @rosterkit/cli has no settings for provider "${id}"`);
  const mod = await import(pkgName);
  const factories = Object.keys(mod).filter((k) => /^create\w*Client$/.test(k) && k !== 'createApiClient');
  if (factories.length !== 1)
    throw new Error(`docs: ${pkgName} must export exactly one create…Client, found ${factories}`);
  const optional = new Set(cli.optional ?? []);
  const options = Object.entries(cli.settings)
    .filter(([name]) => name === 'baseUrl' || !optional.has(name))
    .map(([name, env]) => ({ name, env }));
  return { id, pkgName, factory: factories[0], options, env: cli.settings, baseUrl: serverUrl(spec) };
}

/** The spec's first server URL with its variables at their defaults. */
export function serverUrl(spec) {
  const server = spec.servers?.[0];
  if (!server) return 'https://api.example.invalid';
  return server.url.replace(/\{([^}]+)\}/g, (_, v) => server.variables?.[v]?.default ?? v);
}

/**
 * What the client does on the wire, found by running it: the provider's client, created the way
 * the CLI creates it, runs each of its iterators (`iterateUsers()` and any other `iterate…()` that
 * works without arguments) over the local sandbox (127.0.0.1) while a recording `fetch` notes each
 * request. `iterators`: operationId → the iterator whose records that operation's answers carry
 * (token endpoints hit on the way are not listings). `sent`: the request headers the client sets
 * itself (a header parameter among them is filled in by the client, not passed by the caller).
 */
export async function probeClients(apis) {
  const sandbox = await startSandbox({ providers: apis.map((a) => a.id), users: 7, seed: 1 });
  try {
    const found = {};
    for (const api of apis) {
      const info = sandbox.providers[api.id];
      let seen = [];
      const recorder = async (request) => {
        const entry = {
          method: request.method,
          url: new URL(request.url),
          headers: [...request.headers.keys()],
        };
        seen.push(entry);
        const response = await fetch(request);
        entry.body = await response
          .clone()
          .json()
          .catch(() => undefined);
        return response;
      };
      const client = cliProviders[api.id].create(
        { baseUrl: info.baseUrl, ...info.credentials },
        { fetch: recorder },
      );
      const names = Object.keys(client)
        .filter((k) => /^iterate[A-Z]/.test(k) && typeof client[k] === 'function')
        .sort((x, y) => (x === 'iterateUsers' ? -1 : y === 'iterateUsers' ? 1 : x.localeCompare(y)));
      if (!names.includes('iterateUsers'))
        throw new Error(`docs: the ${api.id} client has no iterateUsers()`);
      const prefix = new URL(info.baseUrl).pathname.replace(/\/$/, '');
      const iterators = new Map();
      const sent = new Set();
      for (const name of names) {
        seen = [];
        const records = new Set();
        try {
          for await (const record of client[name]()) records.add(JSON.stringify(record));
        } catch (error) {
          // An iterator that needs arguments gets no generated sample; iterateUsers() must work.
          if (name === 'iterateUsers') throw error;
          continue;
        }
        if (name === 'iterateUsers' && records.size === 0)
          throw new Error(`docs: ${api.id}.iterateUsers() listed no sandbox users`);
        for (const { method, url, headers, body } of seen) {
          const op = matchOperation(api.spec, method, url.pathname.slice(prefix.length));
          // A listing answers with the very records the iterator yields.
          if (op && records.size && carries(body, records) && !iterators.has(op.operationId))
            iterators.set(op.operationId, name);
          for (const h of headers) sent.add(h.toLowerCase());
        }
      }
      if (![...iterators.values()].includes('iterateUsers'))
        throw new Error(`docs: ${api.id}.iterateUsers() read no operation of the spec`);
      found[api.id] = { iterators, sent };
    }
    return found;
  } finally {
    await sandbox.close();
  }
}

function matchOperation(spec, method, pathname) {
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const re = new RegExp(
      `^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
    );
    const op = item?.[method.toLowerCase()];
    if (op && re.test(pathname)) return op;
  }
  return undefined;
}

/** Whether a response body holds (up to three levels down) an array with one of the yielded records. */
function carries(body, records, depth = 0) {
  if (!body || typeof body !== 'object' || depth > 3) return false;
  if (Array.isArray(body)) return body.some((item) => records.has(JSON.stringify(item)));
  return Object.values(body).some((v) => carries(v, records, depth + 1));
}

/** Resolves a local `$ref` (the bundle keeps component refs). */
export function deref(spec, node) {
  let n = node;
  for (let i = 0; n && typeof n === 'object' && typeof n.$ref === 'string' && i < 20; i++) {
    n = n.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, k) => o?.[k], spec);
  }
  return n;
}

function exampleOf(spec, node) {
  const n = deref(spec, node);
  if (!n) return undefined;
  if (n.example !== undefined) return n.example;
  const first = Object.values(n.examples ?? {})[0];
  if (first !== undefined) return deref(spec, first)?.value;
  const schema = deref(spec, n.schema);
  if (schema) return fromSchema(spec, schema);
  return undefined;
}

/** A value for a schema with no example: its example, default, first enum value, or a typed placeholder. */
function fromSchema(spec, s, depth = 0) {
  s = deref(spec, s);
  if (!s || depth > 6) return null;
  if (s.example !== undefined) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const variant = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (variant) return fromSchema(spec, variant, depth + 1);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((p) => fromSchema(spec, p, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    const out = {};
    for (const k of s.required ?? []) out[k] = fromSchema(spec, s.properties?.[k], depth + 1);
    return out;
  }
  if (type === 'array') return [fromSchema(spec, s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  return 'string';
}

/** The parameters a sample passes: every required one, or (when no query parameter is required) the first documented query example. */
function sampleParams(spec, pathItem, op, provided) {
  const all = [...(op.parameters ?? []), ...(pathItem.parameters ?? [])].map((p) => deref(spec, p));
  const byIn = { path: {}, query: {}, header: {} };
  const unique = new Map(all.map((p) => [`${p.in}:${p.name}`, p]));
  const params = [...unique.values()];
  for (const p of params) {
    if (!(p.in in byIn)) continue;
    if (p.in === 'header' && provided.has(p.name.toLowerCase())) continue;
    if (p.required) byIn[p.in][p.name] = exampleOf(spec, p);
  }
  if (Object.keys(byIn.query).length === 0) {
    const optional = params.find(
      (p) =>
        p.in === 'query' &&
        !p.required &&
        (p.example !== undefined || p.examples || p.schema?.example !== undefined),
    );
    if (optional) byIn.query[optional.name] = exampleOf(spec, optional);
  }
  return byIn;
}

function sampleBody(spec, op) {
  const body = deref(spec, op.requestBody);
  if (!body?.content) return undefined;
  const [type, media] = Object.entries(body.content)[0];
  const value = exampleOf(spec, media);
  return value === undefined ? undefined : { type, value };
}

/** A JS literal for a JSON value: single quotes, bare keys where possible, 2-space indent. */
export function literal(value, indent = '') {
  const next = `${indent}  `;
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string'
      ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
      : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = `[${value.map((v) => literal(v, next)).join(', ')}]`;
    if (flat.length <= 60 && !flat.includes('\n')) return flat;
    return `[\n${value.map((v) => `${next}${literal(v, next)}`).join(',\n')},\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const key = (k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
  return `{\n${entries.map(([k, v]) => `${next}${key(k)}: ${literal(v, next)}`).join(',\n')},\n${indent}}`;
}

/**
 * Both samples for one operation. `provided` are the header parameters the client fills in (the
 * generated types make them optional), `iterator` the client iterator that pages through this
 * operation (if any).
 */
export function operationSamples({ spec, profile, path, method, pathItem, op, provided, iterator }) {
  const params = sampleParams(spec, pathItem, op, provided);
  const body = sampleBody(spec, op);
  const M = method.toUpperCase();

  const init = {};
  const p = Object.fromEntries(Object.entries(params).filter(([, v]) => Object.keys(v).length));
  if (Object.keys(p).length) init.params = p;
  if (body) init.body = body.value;
  const initText = Object.keys(init).length ? `, ${literal(init)}` : '';

  const optionLines = profile.options.map(({ name, env }) =>
    name === 'baseUrl' ? `  baseUrl: '${profile.baseUrl}',` : `  ${name}: process.env.${env}!,`,
  );
  const ts = [
    `import { ${profile.factory} } from '${profile.pkgName}';`,
    '',
    `const client = ${profile.factory}({`,
    ...optionLines,
    '});',
    '',
    `// ${op.operationId}: ${op.summary ?? ''}`.trimEnd(),
    '// Throws an ApiError on failure; `data` is the typed 2xx body.',
    `const { data } = await client.${M}('${path}'${initText});`,
    'console.log(data);',
  ];
  if (iterator) {
    ts.push(
      '',
      `// Every one of them: ${iterator}() calls this operation page by page for you.`,
      `for await (const user of client.${iterator}()) {`,
      '  console.log(user);',
      '}',
    );
  }

  return [
    { lang: 'TypeScript', label: 'TypeScript', source: `${ts.join('\n')}\n` },
    { lang: 'Shell', label: 'curl', source: curl({ spec, profile, path, M, params, body, op, provided }) },
  ];
}

function curl({ spec, profile, path, M, params, body, op, provided }) {
  const url = new URL(
    profile.baseUrl.replace(/\/$/, '') +
      path.replace(/\{([^}]+)\}/g, (_, n) => encodeURIComponent(String(params.path[n] ?? `{${n}}`))),
  );
  for (const [k, v] of Object.entries(params.query)) {
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
    else url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const lines = [`curl -X ${M} '${url.toString().replace(/%7B/g, '{').replace(/%7D/g, '}')}'`];
  // A credential the CLI reads from the environment keeps the CLI's variable name; any other
  // (a token the client fetches itself) gets one named after it.
  const envFor = (...names) => {
    for (const n of names) if (profile.env[n]) return `$${profile.env[n]}`;
    return `$ROSTER_${profile.id.toUpperCase()}_${names
      .at(-1)
      .replace(/[A-Z]/g, (c) => `_${c}`)
      .toUpperCase()}`;
  };
  const schemes = spec.components?.securitySchemes ?? {};
  const requirement = (op.security ?? spec.security ?? [])[0] ?? {};
  for (const name of Object.keys(requirement)) {
    const s = schemes[name];
    if (!s) continue;
    if (s.type === 'apiKey' && s.in === 'header') lines.push(`-H "${s.name}: ${envFor(name)}"`);
    else if (s.type === 'http' && s.scheme?.toLowerCase() === 'basic')
      lines.push(`-u "${envFor('clientId', 'username')}:${envFor('clientSecret', 'password')}"`);
    else if (s.type === 'http' || s.type === 'oauth2' || s.type === 'openIdConnect')
      lines.push(`-H "Authorization: Bearer ${envFor(name, 'token', 'accessToken')}"`);
  }
  const all = [...(op.parameters ?? [])].map((x) => deref(spec, x));
  for (const p of all) {
    if (p.in !== 'header') continue;
    if (p.required && provided.has(p.name.toLowerCase())) {
      const option =
        Object.keys(profile.env).find(
          (k) => k.toLowerCase() === p.name.toLowerCase().replace(/^x-|-/g, ''),
        ) ?? p.name;
      lines.push(`-H "${p.name}: ${envFor(option)}"`);
    } else if (p.required) lines.push(`-H '${p.name}: ${String(exampleOf(spec, p))}'`);
  }
  if (body) {
    lines.push(`-H 'Content-Type: ${body.type}'`);
    const data =
      body.type === 'application/x-www-form-urlencoded' && body.value && typeof body.value === 'object'
        ? new URLSearchParams(Object.entries(body.value).map(([k, v]) => [k, String(v)])).toString()
        : JSON.stringify(body.value);
    lines.push(`-d '${data.replace(/'/g, "'\\''")}'`);
  }
  return `${lines.join(' \\\n  ')}\n`;
}
