import {
  ApiError,
  checkFunction,
  checkInteger,
  checkOptions,
  checkSignal,
  InputError,
  type OptionSchema,
  Redactor,
  RosterkitError,
} from '@rosterkit/core';
import { mapUser } from './map.js';
import { MappingError } from './map-helpers.js';
import type { ProviderId, RawUsers, User } from './model.js';

/** A configured provider client, as every rosterkit client is: its id and its user iterator. */
export interface UserSource<P extends ProviderId = ProviderId> {
  readonly provider: P;
  iterateUsers(query?: undefined, options?: { signal?: AbortSignal | undefined }): AsyncIterable<RawUsers[P]>;
}

export interface ProviderProgress {
  provider: ProviderId;
  usersRead: number;
  done: boolean;
  failed: boolean;
}

export interface ListUsersOptions {
  /** Providers read at the same time. Default: all of them. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after every user and when a provider finishes or fails. */
  onProgress?: (progress: ProviderProgress) => void;
  /** Users buffered ahead of the consumer, across providers (backpressure). Default 256. */
  bufferSize?: number;
}

export interface ProviderFailure {
  provider: ProviderId;
  /** Users of this provider that were yielded before it failed. */
  usersRead: number;
  /** The first error (an ApiError, MappingError, …). */
  error: Error;
  /** Records that could not be mapped (listing went on without them). */
  invalidRecords: number;
}

/**
 * Thrown at the end of `listUsers` when any provider did not deliver everything: every user that
 * was read has already been yielded; this names each failed provider and how far it got.
 */
export class ListUsersError extends RosterkitError {
  override readonly name = 'ListUsersError';
  readonly provider = 'users';
  constructor(
    readonly failures: ProviderFailure[],
    /** Users yielded in total, all providers. */
    readonly usersRead: number,
  ) {
    super(
      `listing incomplete: ${failures
        .map((f) => `${f.provider} failed after ${f.usersRead} user(s): ${f.error.message}`)
        .join('; ')}`,
    );
  }
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      usersRead: this.usersRead,
      failures: this.failures.map((f) => ({
        provider: f.provider,
        usersRead: f.usersRead,
        invalidRecords: f.invalidRecords,
        error:
          'toJSON' in f.error && typeof f.error.toJSON === 'function'
            ? f.error.toJSON()
            : { name: f.error.name, message: f.error.message },
      })),
    };
  }
}

/** `listUsers` options, checked before any provider is read. */
const listUsersSchema: OptionSchema = {
  concurrency: checkInteger(1, 1000),
  signal: checkSignal,
  onProgress: checkFunction,
  bufferSize: checkInteger(1, 1_000_000),
};

/**
 * Streams the users of several providers as common `User` records. Providers are read
 * concurrently; memory stays bounded by `bufferSize`. When a provider fails, the others still
 * finish, and after the last user a `ListUsersError` names every failure — a partial listing is
 * never presented as complete.
 */
export async function* listUsers(
  sources: readonly UserSource[],
  options: ListUsersOptions = {},
): AsyncGenerator<User, void, undefined> {
  checkOptions('users', listUsersSchema, options);
  const seenProviders = new Set<string>();
  for (const s of sources) {
    if (seenProviders.has(s.provider))
      throw new InputError('users', 'sources', `provider ${s.provider} is listed twice`);
    seenProviders.add(s.provider);
  }
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const capacity = Math.max(1, options.bufferSize ?? 256);
  const queue: User[] = [];
  const failures: ProviderFailure[] = [];
  let wakeConsumer: (() => void) | undefined;
  const wakeProducers: (() => void)[] = [];
  let running = 0;
  let next = 0;
  let total = 0;
  const limit = options.concurrency ?? Math.max(1, sources.length);
  const finished = new Set<ProviderId>();
  const progressOf = new Map<ProviderId, number>();
  // The caller's abort wakes everyone at once: producers held by backpressure, and the consumer.
  const onAbort = () => {
    for (const w of wakeProducers.splice(0)) w();
    notify();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const notify = () => {
    wakeConsumer?.();
    wakeConsumer = undefined;
  };

  async function run(source: UserSource): Promise<void> {
    const progress: ProviderProgress = {
      provider: source.provider,
      usersRead: 0,
      done: false,
      failed: false,
    };
    progressOf.set(source.provider, 0);
    let invalid = 0;
    let firstInvalid: MappingError | undefined;
    try {
      for await (const raw of source.iterateUsers(undefined, { signal })) {
        let user: User;
        try {
          user = mapUser(source.provider, raw as never) as User;
        } catch (error) {
          if (!(error instanceof MappingError)) throw error;
          invalid++;
          firstInvalid ??= error;
          continue;
        }
        while (queue.length >= capacity && !signal.aborted)
          await new Promise<void>((r) => wakeProducers.push(r));
        if (signal.aborted) return;
        queue.push(user);
        progress.usersRead++;
        progressOf.set(source.provider, progress.usersRead);
        options.onProgress?.(progress);
        notify();
      }
      if (firstInvalid) {
        failures.push({
          provider: source.provider,
          usersRead: progress.usersRead,
          error: firstInvalid,
          invalidRecords: invalid,
        });
        progress.failed = true;
      }
    } catch (error) {
      if (signal.aborted && controller.signal.aborted) return; // consumer stopped early
      progress.failed = true;
      failures.push({
        provider: source.provider,
        usersRead: progress.usersRead,
        error: error instanceof Error ? error : new Error(String(error)),
        invalidRecords: invalid,
      });
    } finally {
      if (!signal.aborted) finished.add(source.provider);
      progress.done = true;
      options.onProgress?.(progress);
    }
  }

  const startMore = () => {
    while (running < limit && next < sources.length) {
      const source = sources[next++] as UserSource;
      running++;
      void run(source).finally(() => {
        running--;
        startMore();
        notify();
      });
    }
  };

  try {
    startMore();
    for (;;) {
      if (options.signal?.aborted) break;
      if (queue.length > 0) {
        const user = queue.shift() as User;
        total++;
        wakeProducers.shift()?.();
        yield user;
        continue;
      }
      if (running === 0 && next >= sources.length) break;
      await new Promise<void>((r) => {
        wakeConsumer = r;
      });
    }
    if (options.signal?.aborted) {
      // The documented error, not the signal's raw reason: every provider that did not finish is
      // a failure of kind `aborted` (or the error it had already met), with how far it got.
      const known = new Set(failures.map((f) => f.provider));
      for (const s of sources) {
        if (finished.has(s.provider) || known.has(s.provider)) continue;
        failures.push({
          provider: s.provider,
          usersRead: progressOf.get(s.provider) ?? 0,
          error: new ApiError(
            {
              provider: s.provider,
              operation: 'listUsers',
              kind: 'aborted',
              message: `${s.provider} listUsers: the listing was aborted`,
            },
            new Redactor(),
          ),
          invalidRecords: 0,
        });
      }
    }
    if (failures.length) {
      failures.sort(
        (a, b) =>
          sources.findIndex((s) => s.provider === a.provider) -
          sources.findIndex((s) => s.provider === b.provider),
      );
      throw new ListUsersError([...failures], total);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    controller.abort();
    for (const w of wakeProducers.splice(0)) w();
  }
}

export function isListUsersError(e: unknown): e is ListUsersError {
  return e instanceof ListUsersError;
}
