import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Exchange {
  method: string;
  /** Path below the provider's base URL, e.g. `/api/v1/users.list`. */
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

type Json = Record<string, unknown>;

/** A recorder to pass as a client's `fetch`: forwards to the sandbox and keeps every exchange. */
export function recorder(basePath: string) {
  const exchanges: Exchange[] = [];
  const fetchAndRecord = async (req: Request): Promise<Response> => {
    const res = await fetch(req);
    const body = await res.clone().text();
    const path = new URL(req.url).pathname.slice(basePath.length) || '/';
    exchanges.push({
      method: req.method.toLowerCase(),
      path,
      status: res.status,
      headers: res.headers,
      body,
    });
    return res;
  };
  return { exchanges, fetch: fetchAndRecord };
}

/** Validates exchanges against one spec: status documented, body matches the schema, required headers present. */
export async function specValidator(provider: string) {
  const spec = parse(await readFile(resolve(root, 'specs', provider, 'openapi.yaml'), 'utf8')) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ ...spec, $id: 'spec' });
  const paths = spec['paths'] as Record<string, Json>;
  // Literal paths before templated ones (`/users/search` is not `/users/{user_id}`).
  const templates = Object.keys(paths)
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
    .map((t) => ({ t, re: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`) }));
  const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

  const operations = Object.entries(paths).flatMap(([t, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
      .map((m) => `${m.toUpperCase()} ${t}`),
  );

  function check(x: Exchange): { operation: string | undefined; errors: string[] } {
    const template = templates.find((c) => c.re.test(x.path))?.t;
    const op = template ? (paths[template]?.[x.method] as Json | undefined) : undefined;
    if (!template || !op)
      return {
        operation: undefined,
        errors: [`${x.method.toUpperCase()} ${x.path}: not an operation of the spec`],
      };
    const operation = `${x.method.toUpperCase()} ${template}`;
    const responses = op['responses'] as Json;
    let response = (responses[String(x.status)] ?? responses['default']) as Json | undefined;
    let pointer = `#/paths/${esc(template)}/${x.method}/responses/${responses[String(x.status)] ? x.status : 'default'}`;
    if (!response) return { operation, errors: [`${operation} → ${x.status}: status not documented`] };
    if (typeof response['$ref'] === 'string') {
      pointer = response['$ref'] as string;
      response = pointer
        .slice(2)
        .split('/')
        .reduce<Json>((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, spec);
    }
    const errors: string[] = [];
    for (const [name, h] of Object.entries((response['headers'] ?? {}) as Record<string, Json>)) {
      if (h['required'] && !x.headers.has(name))
        errors.push(`${operation} → ${x.status}: required header ${name} missing`);
    }
    const content = response['content'] as Record<string, Json> | undefined;
    if (!content) {
      if (x.body !== '') errors.push(`${operation} → ${x.status}: body sent where the spec documents none`);
      return { operation, errors };
    }
    if (!content['application/json']) return { operation, errors };
    if (!(x.headers.get('content-type') ?? '').includes('application/json'))
      errors.push(`${operation} → ${x.status}: content-type is not JSON`);
    let body: unknown;
    try {
      body = JSON.parse(x.body);
    } catch {
      return { operation, errors: [...errors, `${operation} → ${x.status}: body is not JSON`] };
    }
    const ref = `spec${pointer}/content/application~1json/schema`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    if (!validate(body)) {
      errors.push(
        `${operation} → ${x.status}: ${ajv.errorsText(validate.errors)} in ${x.body.slice(0, 300)}`,
      );
    }
    return { operation, errors };
  }

  return { operations, check };
}
