import { describe, expect, it } from 'vitest';
import { checkJson, isJsonCandidate, isMediaBody, parsedResponse } from '../src/json.js';

const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('checkJson', () => {
  const envelope = (body: unknown) =>
    typeof body === 'object' && body !== null && (body as { success?: unknown }).success === false;

  it('parses a JSON body once and hands back its value', () => {
    expect(checkJson(bytes('{"users":[{"id":"é"}]}'), 'application/json', envelope)).toEqual({
      value: { users: [{ id: 'é' }] },
    });
  });

  it('a truncated body or an HTML page is a problem, named with its content type', () => {
    expect(checkJson(bytes('{"users":[{"id"'), 'application/json', undefined)).toEqual({
      problem: 'the response is not JSON (content-type application/json)',
    });
    expect(checkJson(bytes('<html>busy</html>'), null, undefined)).toEqual({
      problem: 'the response is not JSON (content-type missing)',
    });
  });

  it("a success status carrying the provider's error envelope is a problem that keeps the body", () => {
    const body = { success: false, error: 'not allowed' };
    expect(checkJson(bytes(JSON.stringify(body)), 'application/json', envelope)).toEqual({
      problem: 'a success status carrying an error body',
      body,
    });
    expect(checkJson(bytes('{"success":true}'), 'application/json', envelope)).toEqual({
      value: { success: true },
    });
  });

  it('reads deeply nested JSON without a stack overflow', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect('value' in checkJson(bytes(deep), 'application/json', undefined)).toBe(true);
  });
});

describe('which answers are checked as JSON', () => {
  it('media bodies (an avatar) are never parsed', () => {
    for (const type of ['image/png', ' IMAGE/svg+xml', 'audio/ogg', 'video/mp4', 'application/octet-stream'])
      expect(isMediaBody(type)).toBe(true);
    for (const type of [null, 'application/json', 'text/html', 'text/plain'])
      expect(isMediaBody(type)).toBe(false);
  });

  it('only a 2xx with bytes that are not media', () => {
    const ok = new Response(null, { status: 200, headers: { 'content-type': 'application/json' } });
    expect(isJsonCandidate(ok, bytes('{}'))).toBe(true);
    expect(isJsonCandidate(ok, new ArrayBuffer(0))).toBe(false);
    expect(isJsonCandidate(ok, null)).toBe(false);
    expect(isJsonCandidate(new Response(null, { status: 404 }), bytes('{}'))).toBe(false);
    expect(
      isJsonCandidate(new Response(null, { headers: { 'content-type': 'image/png' } }), bytes('x')),
    ).toBe(false);
  });
});

describe('parsedResponse', () => {
  const payload = { users: [{ id: 'é1' }] };
  const text = JSON.stringify(payload);

  it('every reader serves the same bytes; json() is the value already parsed, not a second parse', async () => {
    const answer = new Response(null, {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'application/json' },
    });
    const value = { ...payload };
    const res = parsedResponse(bytes(text), answer, value);
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(await res.json()).toBe(value);
    expect(await res.clone().json()).toBe(value);
    expect(await res.clone().text()).toBe(text);
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe(text);
    expect(new TextDecoder().decode(await res.bytes())).toBe(text);
    expect(await (await res.blob()).text()).toBe(text);
    expect((await res.blob()).type).toBe('application/json');
    expect(await new Response(res.body).text()).toBe(text);
  });

  it("states its length when the answer had none (chunked, compressed), else shares the answer's headers", () => {
    const chunked = new Response(null, { headers: { 'content-type': 'application/json' } });
    const res = parsedResponse(bytes(text), chunked, payload);
    expect(res.headers.get('content-length')).toBe(String(new TextEncoder().encode(text).byteLength));
    expect(chunked.headers.has('content-length')).toBe(false);
    const sized = new Response(null, { headers: { 'content-length': '999' } });
    expect(parsedResponse(bytes(text), sized, payload).headers).toBe(sized.headers);
  });
});
