import type { ProviderId, User, UserStatus } from './model.js';

/** One person across providers. */
export interface Person {
  /** Normalised email (trimmed, lower-case), or undefined for accounts without one. */
  email: string | undefined;
  displayName: string;
  /** Accounts per provider (a person may hold several in one provider). */
  accounts: Partial<Record<ProviderId, User[]>>;
  /** Status per provider: the most active of the person's accounts there. */
  statuses: Partial<Record<ProviderId, UserStatus>>;
}

/** Trimmed, lower-cased; aliases (plus addressing, dots) are deliberately not folded. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const RANK: Record<UserStatus, number> = { active: 3, invited: 2, inactive: 1, unknown: 0 };

/**
 * Merges users across providers by normalised email. People without an email stay separate (one
 * person per account): they are never merged by name.
 */
export function buildDirectory(users: Iterable<User>): Person[] {
  const byEmail = new Map<string, Person>();
  const people: Person[] = [];
  for (const user of users) {
    const email = user.email === undefined ? undefined : normalizeEmail(user.email);
    let person = email === undefined ? undefined : byEmail.get(email);
    if (!person) {
      person = { email, displayName: user.displayName, accounts: {}, statuses: {} };
      people.push(person);
      if (email !== undefined) byEmail.set(email, person);
    }
    const accounts = person.accounts[user.provider] ?? [];
    accounts.push(user);
    person.accounts[user.provider] = accounts;
    const prev = person.statuses[user.provider];
    if (prev === undefined || RANK[user.status] > RANK[prev]) person.statuses[user.provider] = user.status;
  }
  return people;
}

/**
 * The access-review question: active in at least one of `providers`, and inactive or missing in
 * another. (`invited` and `unknown` are not evidence either way.)
 */
export function isInconsistent(person: Person, providers: readonly ProviderId[]): boolean {
  const statuses = providers.map((p) => person.statuses[p]);
  return statuses.includes('active') && statuses.some((s) => s === undefined || s === 'inactive');
}
