import { randomUUID } from "node:crypto";
import { AbortedError, isPartnerCenterError, PartnerCenterError, TooManyRequestsError } from "../errors.js";
import { AdaptiveRate, type AdaptiveRateOptions } from "./adaptive-rate.js";
import { createCustomerLanes, type Lane } from "./lanes.js";

/** Options of the bulk operations. */
export interface BulkOptions {
  /** Calls in flight at once across all customers; default 16. */
  concurrency?: number;
  /** Calls in flight at once for one customer; default 4. */
  perCustomerConcurrency?: number;
  /** Partner-wide adaptive rate (requests per second); `false` for none. */
  rate?: AdaptiveRateOptions | false;
  /** Adaptive rate of each customer; `false` for none. */
  perCustomerRate?: AdaptiveRateOptions | false;
  /** How often one item is re-sent after 429s before it is reported as failed; default 20. */
  maxThrottleRetries?: number;
  /** Items read ahead of the ones running, so a throttled customer does not hold up the others; default 1,000. */
  lookahead?: number;
  /** Stops starting items; running ones are aborted and reported. */
  signal?: AbortSignal;
  /** Called after every change: an item done, failed, throttled or queued for a retry. */
  onProgress?: (progress: BulkProgress) => void;
}

/** Counters of a bulk run, as passed to `onProgress`. */
export interface BulkProgress {
  event: "done" | "failed" | "throttled" | "retrying";
  done: number;
  failed: number;
  /** Items waiting to be re-sent after a 429. */
  retrying: number;
  /** 429 answers received so far. */
  throttled: number;
  inFlight: number;
  /** The partner-wide adaptive rate now, requests per second (Infinity when `rate: false`). */
  ratePerSecond: number;
}

/** The outcome of one item: its position in the input, the item, and the value or the typed error. */
export type BulkResult<Item, Value> =
  | { index: number; item: Item; requestId: string; ok: true; value: Value }
  | { index: number; item: Item; requestId: string; ok: false; error: PartnerCenterError };

/** One item of work: the customer it belongs to and the call that does it with a fixed request id. */
export interface BulkTask<Item, Value> {
  customerOf: (item: Item) => string;
  run: (item: Item, call: { requestId: string; signal: AbortSignal }) => Promise<Value>;
}

interface Pending<Item> {
  index: number;
  item: Item;
  requestId: string;
  throttles: number;
}

/**
 * Runs `task` over every item of `source` (read lazily, so memory stays flat however long it is) and yields
 * each item's result as it completes. 429s are handled here, not by the client's retry loop: the item is
 * re-queued with the SAME request id (so the service applies it once), only its customer pauses for the
 * Retry-After, and the adaptive rates back off and climb again.
 */
export async function* runBulk<Item, Value>(
  source: Iterable<Item> | AsyncIterable<Item>,
  task: BulkTask<Item, Value>,
  options: BulkOptions = {},
): AsyncGenerator<BulkResult<Item, Value>> {
  const now = () => Date.now();
  const iterator = toAsyncIterator(source);
  const lookahead = options.lookahead ?? 1000;
  const concurrency = options.concurrency ?? 16;
  const global = options.rate === false ? undefined : new AdaptiveRate(now(), { initialPerSecond: 20, ...options.rate });
  const lanes = createCustomerLanes(options.perCustomerConcurrency ?? 4, options.perCustomerRate);
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const queue: Pending<Item>[] = [];
  const finished: BulkResult<Item, Value>[] = [];
  const running = new Set<Promise<void>>();
  const counts = { done: 0, failed: 0, retrying: 0, throttled: 0 };
  let nextIndex = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  // Set when a call ends; a call that ends while the run is not asleep must not be missed.
  let settled = false;

  const progress = (event: BulkProgress["event"]) =>
    options.onProgress?.({ event, ...counts, inFlight: running.size, ratePerSecond: global?.perSecond ?? Number.POSITIVE_INFINITY });

  const settle = (pending: Pending<Item>, lane: Lane, outcome: { value: Value } | { error: unknown }) => {
    lane.inFlight -= 1;
    if ("value" in outcome) {
      lane.rate?.onSuccess(now());
      global?.onSuccess(now());
      counts.done += 1;
      finished.push({ index: pending.index, item: pending.item, requestId: pending.requestId, ok: true, value: outcome.value });
      return progress("done");
    }
    const error = asLibraryError(outcome.error);
    if (error instanceof TooManyRequestsError && !controller.signal.aborted && pending.throttles < (options.maxThrottleRetries ?? 20)) {
      counts.throttled += 1;
      if (lanes.throttle(task.customerOf(pending.item), now(), error.retryAfterMs).partnerWide) global?.onThrottle(now());
      pending.throttles += 1;
      counts.retrying += 1;
      queue.unshift(pending);
      progress("throttled");
      return progress("retrying");
    }
    counts.failed += 1;
    finished.push({ index: pending.index, item: pending.item, requestId: pending.requestId, ok: false, error });
    return progress("failed");
  };

  // Each call gets a signal of its own: fetch ties a listener to the signal it is given until the request is
  // garbage-collected, and thousands of calls on the run's one signal pile them up (MaxListenersExceededWarning).
  const callControllers = new Set<AbortController>();
  const abortCalls = () => {
    for (const call of callControllers) call.abort(controller.signal.reason);
  };
  controller.signal.addEventListener("abort", abortCalls, { once: true });

  const start = (pending: Pending<Item>, lane: Lane) => {
    lane.inFlight += 1;
    const callController = new AbortController();
    callControllers.add(callController);
    const call = { requestId: pending.requestId, signal: callController.signal };
    const promise: Promise<void> = task
      .run(pending.item, call)
      .then(
        (value) => settle(pending, lane, { value }),
        (error: unknown) => settle(pending, lane, { error }),
      )
      .finally(() => {
        callControllers.delete(callController);
        running.delete(promise);
        settled = true;
        wake?.();
      });
    running.add(promise);
  };

  // Starts what may start now; returns how long until something else may (Infinity: wait for a call to end).
  const dispatch = (): number => {
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < queue.length && running.size < concurrency; ) {
      const pending = queue[i]!;
      const lane = lanes.get(task.customerOf(pending.item));
      const laneWait = lane.waitMs(now());
      if (laneWait > 0) {
        soonest = Math.min(soonest, laneWait);
        i += 1;
        continue;
      }
      const globalWait = global?.tryAcquire(now()) ?? 0;
      if (globalWait > 0) {
        lane.rate?.refund();
        return Math.min(soonest, globalWait);
      }
      queue.splice(i, 1);
      if (pending.throttles > 0) counts.retrying -= 1;
      start(pending, lane);
    }
    return soonest;
  };

  try {
    while (true) {
      while (!exhausted && !controller.signal.aborted && queue.length < lookahead) {
        const next = await iterator.next();
        if (next.done) exhausted = true;
        else queue.push({ index: nextIndex++, item: next.value, requestId: randomUUID(), throttles: 0 });
      }
      if (controller.signal.aborted) {
        for (const pending of queue.splice(0).filter((item) => item.throttles > 0)) {
          counts.failed += 1;
          counts.retrying -= 1;
          finished.push({
            ...pending,
            ok: false,
            error: new AbortedError("the bulk run was aborted before this item could be re-sent", { requestId: pending.requestId }),
          });
        }
      }
      settled = false;
      const waitMs = controller.signal.aborted ? Number.POSITIVE_INFINITY : dispatch();
      while (finished.length > 0) yield finished.shift()!;
      if (running.size === 0 && (queue.length === 0 || controller.signal.aborted) && (exhausted || controller.signal.aborted)) return;
      if (!settled) await sleepUntilWoken(waitMs, (resolve) => (wake = resolve), controller.signal);
      wake = undefined;
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    controller.abort();
    await Promise.allSettled(running);
    await iterator.return?.();
  }
}

function asLibraryError(error: unknown): PartnerCenterError {
  if (isPartnerCenterError(error)) return error;
  return new PartnerCenterError(
    `the item failed with an unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    {},
    { cause: error },
  );
}

function sleepUntilWoken(ms: number, onWake: (resolve: () => void) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener("abort", done, { once: true });
    onWake(done);
  });
}

function toAsyncIterator<Item>(source: Iterable<Item> | AsyncIterable<Item>): AsyncIterator<Item> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const sync = source[Symbol.iterator]();
  return {
    next: async () => sync.next(),
    return: async () => sync.return?.() ?? { done: true, value: undefined },
  };
}
