import { describe, expect, it } from 'vitest';
import { BodyTooLarge, declaredLength, discard, readCapped } from '../src/body.js';

/** A stream of `count` chunks of `size` bytes; records how many chunks were pulled. */
function chunks(count: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === count) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(state.pulled));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('readCapped', () => {
  it('reads a body up to the cap exactly', async () => {
    const { stream } = chunks(4, 256);
    const buffer = await readCapped(stream, 1024, undefined);
    expect(buffer.byteLength).toBe(1024);
    expect(new Uint8Array(buffer)[1023]).toBe(4);
  });

  it('stops pulling and cancels the stream as soon as the count passes the cap', async () => {
    const { stream, state } = chunks(1_000_000, 1024);
    await expect(readCapped(stream, 10 * 1024, undefined)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(state.pulled).toBeLessThanOrEqual(12);
    expect(state.cancelled).toBe(true);
  });

  it('refuses an announced length over the cap without reading', async () => {
    const { stream, state } = chunks(10, 10);
    await expect(readCapped(stream, 50, 100)).rejects.toBeInstanceOf(BodyTooLarge);
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it('copes with a body shorter or longer than announced', async () => {
    expect((await readCapped(chunks(2, 10).stream, 1000, 50)).byteLength).toBe(20);
    expect((await readCapped(chunks(3, 10).stream, 1000, 15)).byteLength).toBe(30);
  });

  it('counts every chunk as a sign of life', async () => {
    let seen = 0;
    await readCapped(chunks(5, 1).stream, 10, undefined, () => seen++);
    expect(seen).toBe(5);
  });
});

describe('declaredLength', () => {
  const sized = (headers: Record<string, string>) => new Response(null, { headers });

  it('is the Content-Length of a body sent as it is', () => {
    expect(declaredLength(sized({ 'content-length': '1234' }))).toBe(1234);
    expect(declaredLength(sized({ 'content-length': '0' }))).toBe(0);
  });

  it('is unknown when absent, not a count, or the body is encoded (the count is of compressed bytes)', () => {
    expect(declaredLength(sized({}))).toBeUndefined();
    expect(declaredLength(sized({ 'content-length': '12x' }))).toBeUndefined();
    expect(declaredLength(sized({ 'content-length': '-1' }))).toBeUndefined();
    expect(declaredLength(sized({ 'content-length': '1e400' }))).toBeUndefined();
    expect(declaredLength(sized({ 'content-length': '50', 'content-encoding': 'gzip' }))).toBeUndefined();
  });
});

describe('discard', () => {
  it('cancels a body without reading it, and copes with none', async () => {
    const { stream, state } = chunks(1_000_000, 1024);
    await discard(new Response(stream));
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(2);
    await discard(new Response(null, { status: 204 }));
  });
});
