import { describe, expect, it } from 'vitest';
import { MappingError, mapUser } from '../src/index.js';

describe("mapUser('rocketchat')", () => {
  it('maps a full admin-view record without inventing anything', () => {
    const user = mapUser('rocketchat', {
      _id: 'aobEdbYhXfu5hkeqG',
      username: 'ada.lovelace',
      name: 'Ada King Lovelace',
      emails: [{ address: 'Ada@Example.com', verified: true }],
      roles: ['user', 'admin'],
      status: 'online',
      active: true,
      type: 'user',
      utcOffset: 5.5,
      lastLogin: '2024-05-01T10:00:00.000Z',
      createdAt: '2023-10-10T23:40:46.093Z',
      _updatedAt: '2024-01-01T00:00:00Z',
      language: 'en',
    });
    expect(user).toEqual({
      id: 'rocketchat:aobEdbYhXfu5hkeqG',
      provider: 'rocketchat',
      remoteId: 'aobEdbYhXfu5hkeqG',
      displayName: 'Ada King Lovelace',
      username: 'ada.lovelace',
      email: 'Ada@Example.com',
      emails: [{ address: 'Ada@Example.com', verified: true }],
      status: 'active',
      isBot: false,
      roles: ['user', 'admin'],
      teams: [],
      utcOffsetMinutes: 330,
      locale: 'en',
      createdAt: '2023-10-10T23:40:46.093Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      lastLoginAt: '2024-05-01T10:00:00.000Z',
      raw: expect.any(Object),
    });
    expect(user.firstName).toBeUndefined();
    expect(user.lastName).toBeUndefined();
  });

  it('maps the regular-user projection (no emails, roles, lastLogin) and bots', () => {
    const user = mapUser('rocketchat', {
      _id: 'x1',
      username: 'rocket.cat',
      type: 'bot',
      active: false,
      status: 'offline',
    });
    expect(user).toMatchObject({
      displayName: 'rocket.cat',
      status: 'inactive',
      isBot: true,
      emails: [],
      roles: [],
    });
    expect(user.email).toBeUndefined();
  });

  it('falls back to the id for the display name and keeps presence out of status', () => {
    expect(mapUser('rocketchat', { _id: 'only-id' })).toMatchObject({
      displayName: 'only-id',
      status: 'unknown',
    });
  });

  it('throws a typed MappingError naming the provider and field when _id is missing', () => {
    const run = () => mapUser('rocketchat', { username: 'x' } as never);
    expect(run).toThrow(MappingError);
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ provider: 'rocketchat', field: '_id' });
    }
  });
});
