/**
 * A short-lived signal that aborts when any of `parents` does. `dispose()` removes the listeners
 * it put on the parents, so a long-lived signal (a client's, a listing's) does not collect one
 * listener per request — what `AbortSignal.any` and `new Request({ signal })` leave behind.
 */
export function linkSignals(parents: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  const live = parents.filter((p): p is AbortSignal => p !== undefined);
  const aborted = live.find((p) => p.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = (event: Event) => {
    dispose();
    controller.abort((event.target as AbortSignal).reason);
  };
  const dispose = () => {
    for (const p of live) p.removeEventListener('abort', onAbort);
  };
  for (const p of live) p.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose };
}
