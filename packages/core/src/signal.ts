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
  return { signal: controller.signal, dispose: linkInto(controller, parents) };
}

/**
 * Makes `controller` abort when any of `parents` does; returns the function that detaches it. One
 * controller serves both the parents and the caller's own reasons (a timer), so a budget or an idle
 * watch costs one AbortSignal, not two (each one is costly to create in Node: it is transferable).
 */
export function linkInto(
  controller: AbortController,
  parents: readonly (AbortSignal | undefined)[],
): () => void {
  let unsubscribe: (() => void)[] | undefined;
  for (const p of parents) {
    if (p === undefined) continue;
    if (p.aborted) {
      if (unsubscribe) for (const u of unsubscribe) u();
      controller.abort(p.reason);
      return () => {};
    }
  }
  const dispose = () => {
    if (unsubscribe) for (const u of unsubscribe) u();
  };
  const onAbort = (reason: unknown) => {
    dispose();
    if (!controller.signal.aborted) controller.abort(reason);
  };
  unsubscribe = [];
  for (const p of parents) if (p !== undefined) unsubscribe.push(subscribe(p, onAbort));
  return dispose;
}

/**
 * A signal that aborts when any of `parents` does or when `ms` elapse, with `reason()` then; one
 * AbortController and one timer. `dispose()` clears the timer and detaches from the parents.
 */
export function timedSignal(
  ms: number,
  parents: readonly (AbortSignal | undefined)[],
  reason: () => unknown,
): { signal: AbortSignal; dispose(): void; controller: AbortController } {
  const controller = new AbortController();
  const detach = linkInto(controller, parents);
  const id = controller.signal.aborted ? undefined : setTimeout(() => controller.abort(reason()), ms);
  return {
    signal: controller.signal,
    controller,
    dispose() {
      clearTimeout(id);
      detach();
    },
  };
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
  const { signal, dispose } = timedSignal(timeoutMs, parents, () => timeoutReason(timeoutMs));
  return { signal, dispose };
}

/** Whether an abort reason is a timeout (a budget's, or `AbortSignal.timeout`'s). */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

/** One attempt's idle timeout (see `idleWatch`). */
export interface IdleWatch {
  /** The attempt's signal: the call's, plus the idle timeout. */
  readonly signal: AbortSignal;
  /** Whether the idle timeout ended the attempt. */
  readonly fired: boolean;
  /** A sign of life (headers, a chunk): the idle clock starts again. */
  touch(): void;
  /** Clears the timer and detaches from the call's signal; call it when the attempt is over. */
  dispose(): void;
}

/**
 * One attempt's idle timeout: its signal aborts when `parent` (the call's) does, or when nothing
 * was heard for `ms` — waiting for the answer, or between two chunks of its body. One
 * AbortController and one timer: a chunk only records the time, and the timer, when it fires,
 * re-arms itself for what is left, so a busy body costs no timer churn.
 */
export function idleWatch(ms: number, parent: AbortSignal): IdleWatch {
  const controller = new AbortController();
  const detach = linkInto(controller, [parent]);
  let last = Date.now();
  let fired = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    timer = setTimeout(() => {
      const quiet = Date.now() - last;
      if (quiet < ms) return arm(ms - quiet);
      fired = true;
      controller.abort(new DOMException(`no data for ${ms} ms`, 'AbortError'));
    }, delay);
  };
  if (!controller.signal.aborted) arm(ms);
  return {
    signal: controller.signal,
    get fired() {
      return fired;
    },
    touch() {
      last = Date.now();
    },
    dispose() {
      clearTimeout(timer);
      detach();
    },
  };
}
