/**
 * Children of a long-lived signal (a client's, a listing's), by parent: each parent gets one abort
 * listener, ever, which fans out to whichever children are alive. So twenty pages in flight do not
 * put twenty listeners on the listing's signal (Node warns from eleven), and finished requests
 * leave nothing behind — what `AbortSignal.any` and `new Request({ signal })` do not guarantee.
 */
const children = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

function subscribe(parent: AbortSignal, onAbort: (reason: unknown) => void): () => void {
  let set = children.get(parent);
  if (!set) {
    const fresh = new Set<(reason: unknown) => void>();
    children.set(parent, fresh);
    parent.addEventListener(
      'abort',
      () => {
        for (const child of [...fresh]) child(parent.reason);
        fresh.clear();
      },
      { once: true },
    );
    set = fresh;
  }
  const entry = set;
  entry.add(onAbort);
  return () => entry.delete(onAbort);
}

/**
 * A short-lived signal that aborts when any of `parents` does. `dispose()` detaches it from the
 * parents; call it when the work the signal guards is over.
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
  const onAbort = (reason: unknown) => {
    dispose();
    controller.abort(reason);
  };
  const unsubscribe = live.map((p) => subscribe(p, onAbort));
  const dispose = () => {
    for (const u of unsubscribe) u();
  };
  return { signal: controller.signal, dispose };
}

/** The reason a budget's signal aborts with: a `TimeoutError`, as `AbortSignal.timeout` uses. */
export function timeoutReason(ms: number): DOMException {
  return new DOMException(`timed out after ${ms} ms`, 'TimeoutError');
}

/**
 * A call's budget: a signal that aborts when any parent does or when `timeoutMs` elapses (with a
 * `TimeoutError` reason). Unlike `AbortSignal.timeout`, its timer keeps a Node process alive, so a
 * call that is waiting on nothing else still ends with its timeout error instead of the process
 * exiting silently. `dispose()` clears the timer and detaches from the parents.
 */
export function callBudget(
  timeoutMs: number | undefined,
  parents: readonly (AbortSignal | undefined)[],
): { signal: AbortSignal; dispose(): void } {
  if (timeoutMs === undefined) return linkSignals(parents);
  const timer = new AbortController();
  const linked = linkSignals([...parents, timer.signal]);
  const id = setTimeout(() => timer.abort(timeoutReason(timeoutMs)), timeoutMs);
  return {
    signal: linked.signal,
    dispose() {
      clearTimeout(id);
      linked.dispose();
    },
  };
}

/** Whether an abort reason is a timeout (a budget's, or `AbortSignal.timeout`'s). */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}
