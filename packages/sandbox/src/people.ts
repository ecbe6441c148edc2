import { hashSeed, Rng } from './random.js';

/**
 * The shared cast of people every provider module seeds its users from. Providers take
 * overlapping windows of this list, so the same person (same email, sometimes in another case)
 * has accounts in several providers — and is sometimes inactive in one of them — which gives the
 * facade's directory something real to merge.
 */
export interface Person {
  index: number;
  firstName: string;
  lastName: string;
  /** Lower-case canonical email. */
  email: string;
  username: string;
  timezone: string;
  utcOffsetMinutes: number;
  locale: string;
  phone: string;
  title: string;
  /** Epoch ms of account creation. */
  createdAt: number;
  lastLoginAt: number;
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Frances',
  'Edsger',
  'Radia',
  'Tim',
  'Hedy',
  'John',
  'Katherine',
  'Donald',
  'Shafi',
  'Vint',
  'Lynn',
  'Guido',
  'Anita',
  'Bjarne',
  'Sophie',
  'Yukihiro',
  'Mary',
  'Niklaus',
  'Adele',
  'Leslie',
  'Joan',
  'Whitfield',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'McCarthy',
  'Johnson',
  'Knuth',
  'Goldwasser',
  'Cerf',
  'Conway',
  'van Rossum',
  'Borg',
  'Stroustrup',
  'Wilson',
  'Matsumoto',
  'Kenneth',
  'Wirth',
  'Goldberg',
  'Lamport',
  'Clarke',
  'Diffie',
];
const ZONES: [string, number][] = [
  ['Europe/London', 0],
  ['Europe/Berlin', 60],
  ['America/New_York', -300],
  ['America/Los_Angeles', -480],
  ['Asia/Kolkata', 330],
  ['Asia/Tokyo', 540],
  ['Australia/Sydney', 600],
];
const LOCALES = ['en', 'en-GB', 'de', 'fr', 'ja', 'hi'];
const TITLES = ['Engineer', 'Support Agent', 'Team Lead', 'Administrator', 'Analyst', 'Manager'];
const BASE_TIME = Date.UTC(2024, 0, 1);

export function person(seed: number, index: number): Person {
  const rng = new Rng(hashSeed(seed, 'person', index));
  const firstName = FIRST[index % FIRST.length] as string;
  const lastName = LAST[(index + Math.floor(index / FIRST.length)) % LAST.length] as string;
  const n = Math.floor(index / (FIRST.length * LAST.length));
  const handle = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') + (n ? n : '');
  const [timezone, utcOffsetMinutes] = rng.pick(ZONES);
  const createdAt = BASE_TIME + rng.int(365 * 24 * 3600) * 1000;
  return {
    index,
    firstName,
    lastName,
    email: `${handle}@example.com`,
    username: handle,
    timezone,
    utcOffsetMinutes,
    locale: rng.pick(LOCALES),
    phone: `+1555${String(1000000 + rng.int(8999999))}`,
    title: rng.pick(TITLES),
    createdAt,
    lastLoginAt: createdAt + rng.int(300 * 24 * 3600) * 1000,
  };
}

/**
 * The people a provider's seeded users stand for: `count` people starting at a provider-specific
 * offset, so windows overlap across providers without being identical.
 */
export function peopleFor(seed: number, providerIndex: number, count: number): Person[] {
  const offset = Math.floor(count / 7) * providerIndex;
  return Array.from({ length: count }, (_, i) => person(seed, offset + i));
}

/** Whether this person's account in this provider is seeded inactive (deterministic, ~1 in 9). */
export function seededInactive(seed: number, provider: string, p: Person): boolean {
  return new Rng(hashSeed(seed, provider, 'inactive', p.index)).chance(1 / 9);
}
