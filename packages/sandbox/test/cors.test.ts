import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackOrigin, type Sandbox, type SandboxProviderId, startSandbox } from '../src/index.js';

let box: Sandbox<SandboxProviderId>;
let custom: Sandbox<SandboxProviderId>;
beforeAll(async () => {
  box = await startSandbox({ providers: ['thena'], users: 3 });
  custom = await startSandbox({ providers: ['thena'], users: 3, cors: { origins: ['https://app.example'] } });
});
afterAll(async () => {
  await box.close();
  await custom.close();
});

const preflight = (sandbox: Sandbox<SandboxProviderId>, origin: string) =>
  fetch(`${sandbox.providers.thena.baseUrl}/users/list`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-api-key, content-type',
    },
  });

describe('sandbox CORS', () => {
  it('answers a preflight from a loopback origin before authentication', async () => {
    const res = await preflight(box, 'http://127.0.0.1:5173');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(res.headers.get('access-control-allow-headers')).toBe('x-api-key, content-type');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
  });

  it('decorates every answer (errors included) and exposes the headers clients read', async () => {
    const res = await fetch(`${box.providers.thena.baseUrl}/users/list`, {
      headers: { origin: 'http://localhost:3000' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
  });

  it('refuses other origins by default, and follows the configured list', async () => {
    expect((await preflight(box, 'https://evil.example')).status).toBe(403);
    const plain = await fetch(`${box.providers.thena.baseUrl}/users/list`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(custom, 'https://app.example')).status).toBe(204);
    expect((await preflight(custom, 'http://127.0.0.1:5173')).status).toBe(403);
  });

  it('treats only exact loopback origins as loopback', () => {
    expect(isLoopbackOrigin('http://127.0.0.1:8080')).toBe(true);
    expect(isLoopbackOrigin('http://[::1]:8080')).toBe(true);
    expect(isLoopbackOrigin('http://127.0.0.1.evil.example')).toBe(false);
    expect(isLoopbackOrigin('http://localhost:80/path')).toBe(false);
    expect(isLoopbackOrigin('null')).toBe(false);
  });
});
