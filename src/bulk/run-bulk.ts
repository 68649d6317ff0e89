import { AbortedError, isPartnerCenterError, isServiceError, PartnerCenterError } from "../errors.js";
import { AdaptiveRate, type AdaptiveRateOptions } from "./adaptive-rate.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { createCustomerLanes, type Lane } from "./lanes.js";

/** Options of the bulk operations. */
export interface BulkOptions {
  /**
   * The most calls in flight at once across all customers; default 256. Within it an adaptive limit starts at 64
   * and grows while it holds calls back, until a 429 or rising latency says stop: at a steady pace the calls in
   * flight are about the rate times the service's latency.
   */
  concurrency?: number;
  /** The most calls in flight at once for one customer; default 64. An adaptive limit, one for all customers, starts at 8. */
  perCustomerConcurrency?: number;
  /** Partner-wide adaptive rate (requests per second); `false` for none. */
  rate?: AdaptiveRateOptions | false;
  /** Adaptive rate of each customer (the service limits every customer alike: one rate, learned from all); `false` for none. */
  perCustomerRate?: AdaptiveRateOptions | false;
  /** How often one item is re-sent after 429s before it is reported as failed; default 20. */
  maxThrottleRetries?: number;
  /**
   * Items read ahead of the ones running, so a throttled customer does not hold up the others; default 5,000. The
   * more are read ahead, the closer each customer's share of them is to its share of the whole run, so the
   * customers are paced evenly and finish together instead of one running on alone at the end.
   */
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
  /** How many calls may be in flight now (the adaptive limit, at most `concurrency`). */
  inFlightLimit: number;
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
  /** The request id an item brings (one a failed run reported, so that sending it again is safe); else a new one. */
  requestIdOf?: (item: Item) => string | undefined;
  run: (item: Item, call: { requestId: string; signal: AbortSignal }) => Promise<Value>;
}

/** The caps of calls in flight, overall and per customer, when the options name none. */
const DEFAULT_CONCURRENCY = 256;
const DEFAULT_PER_CUSTOMER_CONCURRENCY = 64;
/** Where the overall limit on calls in flight starts (twice the fixed concurrency of earlier versions: at a second's latency, 64 a second from the first round trip). */
const INITIAL_CONCURRENCY = 64;

/**
 * The last this many seconds of a run (at the partner-wide rate), plus two round trips, no longer probe above the
 * limit found: a call refused then would end the run a round trip, a Retry-After and another round trip late.
 */
const END_SECONDS = 3;

interface Pending<Item> {
  index: number;
  item: Item;
  requestId: string;
  throttles: number;
  /** When its last attempt started. */
  sentAt: number;
}

/**
 * Runs `task` over every item of `source` (read lazily, so memory stays flat however long it is) and yields
 * each item's result as it completes. 429s are handled here, not by the client's retry loop: the item is
 * re-queued with the SAME request id (so the service applies it once) to go again after its Retry-After, before
 * its customer's other items, and the adaptive rates back off and climb again; the other items go on at the rate
 * cut (with `rate: false` and `perCustomerRate: false`, the customer pauses for the Retry-After instead).
 */
export async function* runBulk<Item, Value>(
  source: Iterable<Item> | AsyncIterable<Item>,
  task: BulkTask<Item, Value>,
  options: BulkOptions = {},
): AsyncGenerator<BulkResult<Item, Value>> {
  const now = () => Date.now();
  const iterator = toAsyncIterator(source);
  const lookahead = options.lookahead ?? 5000;
  const limit = new ConcurrencyLimit(now(), { initial: INITIAL_CONCURRENCY, max: options.concurrency ?? DEFAULT_CONCURRENCY });
  // Starts at AdaptiveRate's default until slow start finds the limit; per customer there is none until a throttle.
  const global = options.rate === false ? undefined : new AdaptiveRate(now(), options.rate, { steer: true });
  const lanes = createCustomerLanes<Pending<Item>>(
    options.perCustomerConcurrency ?? DEFAULT_PER_CUSTOMER_CONCURRENCY,
    options.perCustomerRate,
    () => global?.perSecond ?? Number.POSITIVE_INFINITY,
  );
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  // A signal aborted before the run starts stops it before anything is read or sent.
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  const finished: BulkResult<Item, Value>[] = [];
  const running = new Set<Promise<void>>();
  const counts = { done: 0, failed: 0, retrying: 0, throttled: 0 };
  let nextIndex = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  // Set when a call ends; a call that ends while the run is not asleep must not be missed.
  let settled = false;

  const progress = (event: BulkProgress["event"]) =>
    options.onProgress?.({
      event,
      ...counts,
      inFlight: running.size,
      inFlightLimit: limit.value,
      ratePerSecond: global?.perSecond ?? Number.POSITIVE_INFINITY,
    });

  const settle = (pending: Pending<Item>, lane: Lane<Pending<Item>>, outcome: { value: Value } | { error: unknown }) => {
    lane.inFlight -= 1;
    if ("value" in outcome) {
      lanes.succeeded(lane, now(), pending.sentAt);
      global?.onSuccess(now(), pending.sentAt);
      limit.onSuccess(now(), pending.sentAt);
      counts.done += 1;
      finished.push({ index: pending.index, item: pending.item, requestId: pending.requestId, ok: true, value: outcome.value });
      return progress("done");
    }
    const error = asLibraryError(outcome.error);
    // Also a 429 of another copy of this package (asLibraryError keeps those as they are).
    if (
      isServiceError(error) &&
      error.status === 429 &&
      !controller.signal.aborted &&
      pending.throttles < (options.maxThrottleRetries ?? 20)
    ) {
      counts.throttled += 1;
      // The item waits its Retry-After. A 429 from the customer's own limit cuts the per-customer rate, any other the
      // partner-wide one, and the customer's other items go on at it (with neither rate, the customer pauses).
      const { own, notBefore } = lanes.throttle(lane, now(), pending.sentAt, error.retryAfterMs, {
        partnerPaced: global !== undefined,
      });
      // The partner-wide rate answers the 429 when there is one (see ConcurrencyLimit); a lone burst it took for no
      // limit leaves the calls in flight growing.
      if (own) global?.onRefused(pending.sentAt);
      else if (global) {
        global.onThrottle(now(), { sentAt: pending.sentAt });
        if (global.throttled) limit.onPacedThrottle();
      } else limit.onThrottle(now(), { sentAt: pending.sentAt });
      pending.throttles += 1;
      counts.retrying += 1;
      lanes.requeue(lane.customerId, pending, now(), notBefore);
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

  const start = (pending: Pending<Item>, lane: Lane<Pending<Item>>) => {
    if (pending.throttles > 0) counts.retrying -= 1;
    lane.inFlight += 1;
    pending.sentAt = now();
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

  const hooks = {
    hasRoom: () => limit.allows(running.size, now()),
    partnerWaitMs: () => global?.tryAcquire(now()) ?? 0,
    refundPartner: () => global?.refund(now()),
    start,
  };

  try {
    while (true) {
      // Items read from the source and not started yet wait in their customers' lanes.
      while (!exhausted && !controller.signal.aborted && lanes.waiting < lookahead) {
        const next = await iterator.next();
        if (next.done) exhausted = true;
        else {
          const pending = {
            index: nextIndex++,
            item: next.value,
            requestId: task.requestIdOf?.(next.value) ?? crypto.randomUUID(),
            throttles: 0,
            sentAt: 0,
          };
          lanes.enqueue(task.customerOf(next.value), pending, now());
        }
      }
      if (controller.signal.aborted && lanes.waiting > 0) {
        for (const pending of lanes.drain().filter((item) => item.throttles > 0)) {
          counts.failed += 1;
          counts.retrying -= 1;
          finished.push({
            ...pending,
            ok: false,
            error: new AbortedError("the bulk run was aborted before this item could be re-sent", { requestId: pending.requestId }),
          });
        }
      }
      // The end of the run: what is left takes a few seconds at the rate found (see AdaptiveRate.hold; it holds
      // once told, so telling it again changes nothing).
      if (exhausted && global && lanes.waiting + running.size < (END_SECONDS + (2 * limit.latencyMs) / 1000) * global.perSecond)
        global.hold(now());
      settled = false;
      const waitMs = controller.signal.aborted ? Number.POSITIVE_INFINITY : lanes.dispatch(now(), hooks);
      for (const result of finished.splice(0)) yield result;
      // Items re-queued after a 429 while the consumer held a result: the next round reports them as aborted.
      if (controller.signal.aborted && lanes.waiting > 0) continue;
      // (Results of calls that ended while the consumer held one are yielded in the next round.)
      if (running.size === 0 && lanes.waiting === 0 && finished.length === 0 && (exhausted || controller.signal.aborted)) return;
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
