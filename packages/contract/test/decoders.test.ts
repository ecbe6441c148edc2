import { decodeBlynkError, isBlynkErrorBody } from '@rosterkit/blynk';
import { decodeImichatError, isImichatErrorBody } from '@rosterkit/imichat';
import { decodeRezolveError, isRezolveErrorBody } from '@rosterkit/rezolve';
import { decodeRocketChatError, isRocketChatErrorBody } from '@rosterkit/rocketchat';
import { decodeThenaError, isThenaErrorBody } from '@rosterkit/thena';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorDecoders } from './generated/providers.js';

/** Every provider in the registry, with its error decoder and 2xx error-body check. */
const decoders = Object.fromEntries(Object.entries(errorDecoders).map(([id, d]) => [id, d.decode]));
const errorBodies = Object.fromEntries(Object.entries(errorDecoders).map(([id, d]) => [id, d.isErrorBody]));

/** Arbitrary JSON, and envelopes shaped like each provider's with arbitrary values inside. */
const json = fc.jsonValue({ maxDepth: 4 });
const envelopes = fc.oneof(
  json,
  fc.record(
    { success: json, error: json, errorType: json, status: json, message: json },
    { requiredKeys: [] },
  ),
  fc.record({ statusCode: json, message: json, error: json }, { requiredKeys: [] }),
  fc.record({ status_code: json, description: json, response: json }, { requiredKeys: [] }),
  fc.record(
    {
      error: fc.oneof(json, fc.record({ message: json, code: json, details: json }, { requiredKeys: [] })),
      error_description: json,
    },
    { requiredKeys: [] },
  ),
);

describe('error decoders are total', () => {
  for (const [provider, decode] of Object.entries(decoders)) {
    it(`${provider}: any JSON decodes to optional string code and message, never a throw`, () => {
      fc.assert(
        fc.property(envelopes, (body) => {
          const out = decode(body);
          expect(typeof out).toBe('object');
          if (out.code !== undefined) expect(typeof out.code).toBe('string');
          if (out.message !== undefined) expect(typeof out.message).toBe('string');
          expect(Object.keys(out).every((k) => k === 'code' || k === 'message')).toBe(true);
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('reads each documented envelope', () => {
    expect(decodeRocketChatError({ success: false, error: 'Invalid sort [error-invalid-sort]' })).toEqual({
      code: 'error-invalid-sort',
      message: 'Invalid sort [error-invalid-sort]',
    });
    expect(decodeRocketChatError({ status: 'error', message: 'You must be logged in to do this.' })).toEqual({
      message: 'You must be logged in to do this.',
    });
    expect(decodeThenaError({ statusCode: 400, message: ['a', 'b'], error: 'Bad Request' })).toEqual({
      code: 'Bad Request',
      message: 'a; b',
    });
    expect(
      decodeImichatError({ status_code: 2004, description: 'Access Token expired', response: '' }),
    ).toEqual({ code: '2004', message: 'Access Token expired' });
    expect(decodeBlynkError({ error: { message: 'User not found or access denied' } })).toEqual({
      message: 'User not found or access denied',
    });
    expect(decodeBlynkError({ error: 'invalid_grant', error_description: 'Invalid refresh token' })).toEqual({
      code: 'invalid_grant',
      message: 'Invalid refresh token',
    });
    expect(
      decodeRezolveError({ success: false, error: { code: 'TOKEN_EXPIRED', message: 'Token has expired' } }),
    ).toEqual({ code: 'TOKEN_EXPIRED', message: 'Token has expired' });
  });

  for (const [provider, isError] of Object.entries(errorBodies)) {
    it(`${provider}: spotting an error envelope in a 2xx body is a boolean on any JSON, never a throw`, () => {
      fc.assert(
        fc.property(envelopes, (body) => {
          expect(typeof isError(body)).toBe('boolean');
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('spots each documented error envelope, and no documented success body', () => {
    expect(isRocketChatErrorBody({ success: false, error: 'x' })).toBe(true);
    expect(isRocketChatErrorBody({ success: true, users: [] })).toBe(false);
    expect(isThenaErrorBody({ statusCode: 500, message: 'x' })).toBe(true);
    expect(isThenaErrorBody({ status: true, message: 'Success', data: [] })).toBe(false);
    expect(isImichatErrorBody({ status_code: 2004, description: 'x', response: '' })).toBe(true);
    expect(isImichatErrorBody({ status_code: 4306, description: 'ok', response: {} })).toBe(false);
    expect(isBlynkErrorBody({ error: { message: 'x' } })).toBe(true);
    expect(isBlynkErrorBody({ content: [], totalElements: 0 })).toBe(false);
    expect(isRezolveErrorBody({ success: false, error: { code: 'X' } })).toBe(true);
    expect(isRezolveErrorBody({ success: true, data: [] })).toBe(false);
  });
});
