import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../src/index.js';

describe('fault injection limited to some methods', () => {
  const boxes: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(boxes.map((b) => b.close())));

  it('fails only the requests with the chosen methods (faults during writes, reads intact)', async () => {
    const box = await startSandbox({
      providers: ['rocketchat'],
      users: 3,
      faults: { rate: 1, kinds: ['status-503'], methods: ['post'] },
    });
    boxes.push(box);
    const { baseUrl, credentials } = box.providers.rocketchat;
    const headers = {
      'x-user-id': credentials['userId'] ?? '',
      'x-auth-token': credentials['authToken'] ?? '',
      'content-type': 'application/json',
    };
    for (let i = 0; i < 3; i++) {
      const read = await fetch(`${baseUrl}/api/v1/users.list`, { headers });
      expect(read.status).toBe(200);
      await read.arrayBuffer();
    }
    const write = await fetch(`${baseUrl}/api/v1/users.setStatus`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ message: 'away' }),
    });
    expect(write.status).toBe(503);
    await write.arrayBuffer();
    expect(box.faults['rocketchat']).toEqual({ 'status-503': 1 });
  });
});
