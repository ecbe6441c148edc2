import { describe, expect, it } from 'vitest';
import { buildDirectory, isInconsistent, mapUser } from '../src/index.js';

const rc = (id: string, email: string | undefined, active: boolean, name = id) =>
  mapUser('rocketchat', {
    _id: id,
    name,
    active,
    ...(email === undefined ? {} : { emails: [{ address: email }] }),
  });

describe('buildDirectory', () => {
  it('merges by normalised email (case, surrounding space) but not by aliases', () => {
    const people = buildDirectory([
      rc('1', 'Ada@Example.com', true),
      rc('2', '  ada@example.com ', false),
      rc('3', 'ada+test@example.com', true),
    ]);
    expect(people).toHaveLength(2);
    expect(people[0]?.email).toBe('ada@example.com');
    expect(people[0]?.accounts.rocketchat).toHaveLength(2);
    expect(people[0]?.statuses.rocketchat).toBe('active');
  });

  it('never merges people without an email, even with the same name', () => {
    const people = buildDirectory([
      rc('1', undefined, true, 'Same Name'),
      rc('2', undefined, true, 'Same Name'),
    ]);
    expect(people).toHaveLength(2);
  });

  it('flags people active in one provider and missing in another', () => {
    const [person] = buildDirectory([rc('1', 'a@x.com', true)]);
    expect(isInconsistent(person!, ['rocketchat'])).toBe(false);
    expect(isInconsistent(person!, ['rocketchat', 'rocketchat'])).toBe(false);
  });
});
