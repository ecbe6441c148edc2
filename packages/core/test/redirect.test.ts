import { describe, expect, it } from 'vitest';
import { isRedirect, MAX_REDIRECTS, nextHop } from '../src/redirect.js';

const to = (status: number, location?: string) =>
  new Response(null, { status, headers: location === undefined ? {} : { location } });

describe('isRedirect', () => {
  it('is every 3xx except 304 Not Modified', () => {
    expect([300, 301, 302, 303, 307, 308].every(isRedirect)).toBe(true);
    expect([200, 204, 304, 400, 500].some(isRedirect)).toBe(false);
  });
});

describe('nextHop', () => {
  const from = 'https://api.example.com/v1/users?page=2';

  it('follows a same-origin Location, relative or absolute, keeping the method', () => {
    expect(nextHop(to(307, '/v2/users'), from, 'PUT', 0)).toEqual({
      url: 'https://api.example.com/v2/users',
      method: 'PUT',
    });
    expect(nextHop(to(308, 'https://api.example.com/x'), from, 'GET', 0)).toEqual({
      url: 'https://api.example.com/x',
      method: 'GET',
    });
  });

  it('turns a 303, and a 301 or 302 after a POST, into a GET', () => {
    expect(nextHop(to(303, '/done'), from, 'POST', 0)).toMatchObject({ method: 'GET' });
    expect(nextHop(to(301, '/moved'), from, 'POST', 0)).toMatchObject({ method: 'GET' });
    expect(nextHop(to(302, '/moved'), from, 'POST', 0)).toMatchObject({ method: 'GET' });
    expect(nextHop(to(302, '/moved'), from, 'DELETE', 0)).toMatchObject({ method: 'DELETE' });
    expect(nextHop(to(307, '/moved'), from, 'POST', 0)).toMatchObject({ method: 'POST' });
  });

  it('refuses another origin (credentials would go there) unless the provider allows it', () => {
    const away = to(302, 'https://elsewhere.example.net/users');
    expect(nextHop(away, from, 'GET', 0)).toEqual({
      refused:
        'refused a redirect from https://api.example.com to https://elsewhere.example.net: credentials are never sent to another origin',
    });
    const seen: string[] = [];
    const allow = (target: URL, source: URL) => {
      seen.push(`${source.host} -> ${target.host}`);
      return target.hostname.endsWith('.example.net');
    };
    expect(nextHop(away, from, 'GET', 0, allow)).toEqual({
      url: 'https://elsewhere.example.net/users',
      method: 'GET',
    });
    expect(seen).toEqual(['api.example.com -> elsewhere.example.net']);
  });

  it('never goes from https down to http, even where the origin is allowed', () => {
    const down = to(301, 'http://api.example.com/v1/users');
    expect(nextHop(down, from, 'GET', 0, () => true)).toEqual({
      refused: 'refused a redirect from https to http:',
    });
  });

  it(`stops after ${MAX_REDIRECTS} hops`, () => {
    expect(nextHop(to(302, '/again'), from, 'GET', MAX_REDIRECTS - 1)).toMatchObject({ method: 'GET' });
    expect(nextHop(to(302, '/again'), from, 'GET', MAX_REDIRECTS)).toEqual({ refused: 'too many redirects' });
  });

  it('refuses a redirect without a Location, or with one that is not a URL', () => {
    expect(nextHop(to(302), from, 'GET', 0)).toEqual({
      refused: 'redirect (302) without a readable Location',
    });
    expect(nextHop(to(302, 'http://[::1'), from, 'GET', 0)).toEqual({
      refused: 'redirect (302) to an unreadable Location',
    });
  });
});
