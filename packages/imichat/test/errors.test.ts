import { describe, expect, it } from 'vitest';
import { decodeImichatError, isImichatErrorBody } from '../src/index.js';

describe('imi.chat error envelopes from a hostile server', () => {
  // Each body is what JSON.parse makes of a server's answer.
  const hostile = [
    '{"status_code":{"toString":false}}',
    '{"status_code":{"valueOf":1,"toString":null}}',
    '{"status_code":[2004]}',
    '{"status_code":{"__proto__":{"x":1}}}',
  ].map((text) => JSON.parse(text) as unknown);

  it('spots an error only in a number or a numeric string, never by converting the server data', () => {
    for (const body of hostile) {
      expect(() => isImichatErrorBody(body)).not.toThrow();
      expect(isImichatErrorBody(body)).toBe(false);
      expect(() => decodeImichatError(body)).not.toThrow();
    }
    expect(isImichatErrorBody({ status_code: 2004 })).toBe(true);
    expect(isImichatErrorBody({ status_code: '3101' })).toBe(true);
    expect(isImichatErrorBody({ status_code: 4306 })).toBe(false);
  });
});
