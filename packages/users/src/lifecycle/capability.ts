/** What can be done to a person's account, whatever the provider. */
export const LIFECYCLE_ACTIONS = [
  'create',
  'invite',
  'deactivate',
  'reactivate',
  'removeFromTeams',
  'setRole',
  'delete',
] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/**
 * How one provider supports one action:
 * - `api`: an operation of the provider's spec (`METHOD path` as in its generated `operations`);
 *   `unverified` when the spec marks the operation `x-unverified`.
 * - `manual`: the provider has the feature but no documented API for it — a person does it in the
 *   provider's console, at `where`.
 * - `none`: the concept does not exist in the provider's API as specified (said why).
 */
export type Capability =
  | { kind: 'api'; operation: string; request: string; unverified?: true; note?: string }
  | { kind: 'manual'; where: string; note?: string }
  | { kind: 'none'; note: string };

export const api = (
  operation: string,
  request: string,
  extra: { unverified?: true; note?: string } = {},
): Capability => ({ kind: 'api', operation, request, ...extra });
export const manual = (where: string, note?: string): Capability => ({
  kind: 'manual',
  where,
  ...(note ? { note } : {}),
});
export const none = (note: string): Capability => ({ kind: 'none', note });

/** One provider's row of the capability table. */
export type ProviderCapabilities = Readonly<Record<LifecycleAction, Capability>>;
