import { describe, expect, it } from 'vitest';
import { type Sandbox, sandboxModules, serve, startSandbox } from '../src/index.js';

/** The seeded emails of one provider, read over HTTP from Thena's one-response listing. */
async function thenaEmails(box: Sandbox): Promise<string[]> {
  const info = box.providers['thena'];
  if (!info) throw new Error('thena not mounted');
  const res = await fetch(`${info.baseUrl}/v1/users/list`, {
    headers: { 'x-api-key': info.credentials['apiKey'] ?? '' },
  });
  const body = (await res.json()) as { data: { email: string }[] };
  return body.data.map((u) => u.email.toLowerCase()).sort();
}

async function withBox<T>(box: Sandbox, f: (box: Sandbox) => Promise<T>): Promise<T> {
  try {
    return await f(box);
  } finally {
    await box.close();
  }
}

describe('seeded people are keyed by provider id, not by position', () => {
  it('the order of the module table does not decide who a provider seeds', async () => {
    const { thena, rezolve } = sandboxModules;
    const a = await withBox(await serve({ thena, rezolve }, { users: 14 }), thenaEmails);
    const b = await withBox(await serve({ rezolve, thena }, { users: 14 }), thenaEmails);
    expect(a).toHaveLength(14);
    expect(b).toEqual(a);
  });

  it('mounting one provider or all of them seeds the same people', async () => {
    const one = await withBox(await startSandbox({ providers: ['thena'], users: 14 }), thenaEmails);
    const all = await withBox(await startSandbox({ users: 14 }), thenaEmails);
    expect(one).toEqual(all);
  });
});
