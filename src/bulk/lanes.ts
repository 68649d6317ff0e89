import { AcceptedMeter, AdaptiveRate, type AdaptiveRateOptions, Pacer } from "./adaptive-rate.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";

/** When a 429 names no Retry-After, the customer pauses this long. */
const DEFAULT_THROTTLE_PAUSE_MS = 1000;

/** A customer getting more than this many times the average of the customers served lately is throttled by its own limit. */
const OWN_LIMIT_SHARE = 1.3;
/**
 * A throttle this soon after another customer's is the partner's limit: an exhausted partner budget refuses
 * whichever customers' calls come next, several within a round trip.
 */
const PARTNER_WIDE_MS = 100;
/** A customer gets at most this many times its share of the partner-wide rate (its share of the items waiting). */
const SHARE_CAP = 2;
/** Throttles of customers' own limits this close together cut the per-customer rate once (AdaptiveRate's same event). */
const OWN_EVENT_MS = 1000;
/** A customer's pace is measured over the last second, from the end of its last pause, but at least this long. */
const MIN_PACE_WINDOW_MS = 200;

/** Calls in flight per customer at the start (the adaptive limit grows from here up to the cap). */
export const INITIAL_PER_CUSTOMER_CONCURRENCY = 8;
/**
 * A customer idle this long (nothing waiting or in flight, no pause, no success within the pace window) loses its
 * lane, so that a run over many thousands of customers holds lanes only for those it is working on. What a lane
 * learned is kept where it is shared: one per-customer rate and one per-customer concurrency limit serve every
 * customer. A lane made again counts its successes from the run's start (there were none in the last second),
 * so a first few do not read as a fast pace.
 */
const IDLE_LANE_MS = 1000;

/**
 * The per-customer rate. Until its own limit refuses it, a customer's calls all go through (its bucket is not
 * empty yet), so what it got through says only that it was sent too fast: the rate is cut from that pace, as AWS
 * cuts from the sent rate but less deeply. Its lower `beta` (a deeper cut than the partner-wide rate's 0.97) also
 * makes it climb back more slowly along the same cubic (4.2 s back to the rate throttled rather than 2.5 s), since
 * each throttle costs the customer a whole Retry-After.
 */
const CUSTOMER_RATE = { initialPerSecond: Number.POSITIVE_INFINITY, beta: 0.85 } as const;

/** One customer's share of a bulk run: its waiting items, its calls in flight, its pause after a 429. */
export interface Lane<Pending> {
  customerId: string;
  queue: Pending[];
  /** Items refused with a 429, each to be re-sent no sooner than its Retry-After allows, in that order; they go before the queue. */
  retries: Array<{ pending: Pending; notBefore: number }>;
  inFlight: number;
  pausedUntil: number;
  /** When the last pause began: a 429 of a call sent before then was on its way already, and pauses the customer no longer. */
  pausedAt: number;
  /** Paces the customer's calls: the per-customer rate, and at most SHARE_CAP times its share of the partner-wide one. */
  pacer: Pacer;
  /** The customer's successes, to tell its pace. */
  accepted: AcceptedMeter;
  inRotation: boolean;
  /** Smooth weighted round robin: grows by the lane's weight at every pick it is ready for, drops by the total when picked. */
  credit: number;
}

/** What {@link createCustomerLanes}' dispatch needs from the run. */
export interface DispatchHooks<Pending> {
  /** Whether the run may start another call (overall concurrency). */
  hasRoom(): boolean;
  /** 0 when the partner-wide rate allows a call now (a token is taken), else ms until it will. */
  partnerWaitMs(): number;
  /** Gives back a partner-wide token that found no customer ready. */
  refundPartner(): void;
  start(pending: Pending, lane: Lane<Pending>): void;
}

/**
 * The lanes of a bulk run, one per customer, made on first use and dropped once idle, each with its own queue. Each call goes to the
 * customer picked by smooth weighted round robin (nginx's), weighted by how many items each has waiting: every
 * customer is served in proportion to its share of the work, so that all of them finish together instead of the
 * busiest one running on alone at its own limit at the end, and its calls are spread evenly however the input
 * bunches them (a customer's own limit refuses bursts). `partnerPerSecond` is the partner-wide rate now, of
 * which no customer gets more than twice its share. `perCustomerConcurrency` caps one adaptive limit on each
 * customer's calls in flight, learned from all of them (the service limits every customer alike).
 */
export function createCustomerLanes<Pending>(
  perCustomerConcurrency: number,
  rateOptions: AdaptiveRateOptions | false | undefined,
  partnerPerSecond: () => number = () => Number.POSITIVE_INFINITY,
) {
  const lanes = new Map<string, Lane<Pending>>();
  // The lanes with items waiting, and how many items wait in all.
  const rotation: Array<Lane<Pending>> = [];
  let waiting = 0;
  // The service limits every customer alike, so one rate serves them all, and what one customer's throttle
  // teaches spares the others the same 429. No limit until the first throttle (as in the AWS SDKs), unless the
  // caller gave a starting rate.
  let rate: AdaptiveRate | undefined;
  let lastThrottle = { customerId: "", at: Number.NEGATIVE_INFINITY };
  let limit: ConcurrencyLimit | undefined;
  let startedAt: number | undefined;
  let lastSweep = Number.NEGATIVE_INFINITY;

  const waitingIn = (lane: Lane<Pending>) => lane.queue.length + lane.retries.length;
  // Whether the lane's first refused item may go again at `now`.
  const retryDue = (lane: Lane<Pending>, now: number) => lane.retries.length > 0 && lane.retries[0]!.notBefore <= now;
  const get = (customerId: string, now: number): Lane<Pending> => {
    let lane = lanes.get(customerId);
    if (!lane) {
      startedAt ??= now;
      limit ??= new ConcurrencyLimit(now, { initial: INITIAL_PER_CUSTOMER_CONCURRENCY, max: perCustomerConcurrency });
      rate ??=
        rateOptions === false ? undefined : new AdaptiveRate(now, { ...CUSTOMER_RATE, ...rateOptions }, { sameEventMs: OWN_EVENT_MS });
      lane = {
        customerId,
        queue: [],
        retries: [],
        inFlight: 0,
        pausedUntil: 0,
        pausedAt: Number.NEGATIVE_INFINITY,
        pacer: new Pacer(now),
        accepted: new AcceptedMeter(now, startedAt),
        inRotation: false,
        credit: 0,
      };
      lanes.set(customerId, lane);
    }
    return lane;
  };
  // Successes per second, over the time the customer was not paused. The first calls sent after a pause come back
  // a latency later: until then, the customer was not getting through for want of calls, not for its limit.
  const pace = (lane: Lane<Pending>, now: number) =>
    lane.accepted.perSecond(now, Math.max(MIN_PACE_WINDOW_MS, now - lane.pausedUntil - (limit?.latencyMs ?? 0)));
  // The pace of this customer's calls: the per-customer rate, and at most SHARE_CAP times its share of the
  // partner-wide rate. The round robin would give a customer whose turn comes while most others are paused (after
  // a burst of 429s) all of the partner-wide rate at once, which its own limit refuses.
  const perSecond = (lane: Lane<Pending>) =>
    Math.min(rate?.perSecond ?? Number.POSITIVE_INFINITY, (SHARE_CAP * partnerPerSecond() * waitingIn(lane)) / Math.max(1, waiting));
  // Whether a 429 of this customer at `now`, getting `lanePace` a second, is its own limit's (see throttle).
  const isOwnLimit = (lane: Lane<Pending>, now: number, lanePace: number): boolean => {
    const othersToo = lastThrottle.customerId !== lane.customerId && now - lastThrottle.at < PARTNER_WIDE_MS;
    lastThrottle = { customerId: lane.customerId, at: now };
    if (othersToo) return false;
    let total = 0;
    let busy = 0;
    for (const other of lanes.values()) {
      const accepted = other.accepted.perSecond(now);
      total += accepted;
      if (accepted > 0) busy += 1;
    }
    // With one customer getting through there is no telling the limits apart: the partner-wide rate paces it.
    return busy > 1 && lanePace > (OWN_LIMIT_SHARE * total) / busy;
  };
  // 0 when a call for this customer may start now, else ms until one may.
  const waitMs = (lane: Lane<Pending>, now: number): number => {
    if (now < lane.pausedUntil) return lane.pausedUntil - now;
    // Only items refused lately wait, each for its Retry-After.
    if (lane.queue.length === 0 && !retryDue(lane, now)) return lane.retries[0]!.notBefore - now;
    // A full lane frees up when one of its calls ends, which wakes the run anyway.
    if (!limit!.allows(lane.inFlight, now)) return Number.POSITIVE_INFINITY;
    const wait = lane.pacer.waitMs(now, perSecond(lane));
    if (wait > 0) rate?.onWait();
    return wait;
  };
  // Drops the lanes of customers idle for IDLE_LANE_MS, once per IDLE_LANE_MS. Only lanes no call holds go: a
  // customer never has two.
  const sweep = (now: number) => {
    if (now - lastSweep < IDLE_LANE_MS) return;
    lastSweep = now;
    for (const [customerId, lane] of lanes) {
      const idle = !lane.inRotation && lane.inFlight === 0 && now >= lane.pausedUntil + IDLE_LANE_MS;
      if (idle && lane.accepted.perSecond(now, IDLE_LANE_MS) === 0) lanes.delete(customerId);
    }
  };
  // The ready lane whose turn it is, or how long until one is ready.
  const pick = (now: number): Lane<Pending> | number => {
    let best: Lane<Pending> | undefined;
    let total = 0;
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = rotation.length - 1; i >= 0; i -= 1) {
      const lane = rotation[i]!;
      if (waitingIn(lane) === 0) {
        // Out of the rotation until it has work again (swap-remove: the order does not matter).
        rotation[i] = rotation[rotation.length - 1]!;
        rotation.pop();
        lane.inRotation = false;
        lane.credit = 0;
        continue;
      }
      const wait = waitMs(lane, now);
      if (wait > 0) {
        soonest = Math.min(soonest, wait);
        continue;
      }
      lane.credit += waitingIn(lane);
      total += waitingIn(lane);
      if (!best || lane.credit > best.credit) best = lane;
    }
    if (!best) return soonest;
    best.credit -= total;
    return best;
  };

  const queued = (lane: Lane<Pending>) => {
    if (!lane.inRotation) rotation.push(lane);
    lane.inRotation = true;
    waiting += 1;
    return lane;
  };

  return {
    /** Queues an item for its customer, at the back. */
    enqueue(customerId: string, pending: Pending, now: number): Lane<Pending> {
      const lane = get(customerId, now);
      lane.queue.push(pending);
      return queued(lane);
    },
    /**
     * Queues a refused item to be re-sent at `notBefore` or later (its Retry-After), before the customer's other
     * items: each customer's items still start in the order they came, its refused ones first.
     */
    requeue(customerId: string, pending: Pending, now: number, notBefore: number): Lane<Pending> {
      const lane = get(customerId, now);
      // Retry-Afters are mostly alike: the new one goes last, or before the first that may go later.
      const at = lane.retries.findIndex((retry) => retry.notBefore > notBefore);
      lane.retries.splice(at === -1 ? lane.retries.length : at, 0, { pending, notBefore });
      return queued(lane);
    },
    /** Takes every queued item out (when the run stops). */
    drain(): Pending[] {
      const all = rotation.flatMap((lane) => [...lane.retries.splice(0).map((retry) => retry.pending), ...lane.queue.splice(0)]);
      for (const lane of rotation.splice(0)) lane.inRotation = false;
      waiting = 0;
      return all;
    },
    /** Starts what may start now, each call for the customer whose turn it is; returns ms until something else may (Infinity: when a call ends). */
    dispatch(now: number, hooks: DispatchHooks<Pending>): number {
      sweep(now);
      while (rotation.length > 0 && hooks.hasRoom()) {
        const partnerWait = hooks.partnerWaitMs();
        if (partnerWait > 0) return partnerWait;
        const lane = pick(now);
        if (typeof lane === "number") {
          hooks.refundPartner();
          return lane;
        }
        // pick found its token, at this customer's pace now.
        lane.pacer.take();
        waiting -= 1;
        hooks.start(retryDue(lane, now) ? lane.retries.shift()!.pending : lane.queue.shift()!, lane);
      }
      return Number.POSITIVE_INFINITY;
    },
    /** A call of this customer, sent at `sentAt` (its latency teaches the concurrency limit), went through. */
    succeeded(lane: Lane<Pending>, now: number, sentAt?: number): void {
      lane.accepted.add(now);
      rate?.onSuccess(now);
      if (sentAt !== undefined) limit?.onSuccess(now, sentAt);
    },
    /**
     * A 429 for this customer, of a call sent at `sentAt`. The refused item waits its Retry-After (`notBefore`).
     * Says whether the throttle was the customer's own limit: the customer was getting clearly more than the others
     * (the service's per-customer limit refuses the customer the round robin favours, the partner's limit
     * whichever customers' calls come next). The per-customer rate is then cut from the pace this customer was
     * sent at. The customer's other items go on at the rate cut (`partnerPaced`: the partner-wide rate answers a
     * throttle that is not the customer's own), which keeps them under the limit the service showed; with no rate
     * to cut, the customer pauses for the Retry-After, unless the call was sent before its last pause began (on its
     * way already when the service said to wait: the same congestion).
     */
    throttle(
      lane: Lane<Pending>,
      now: number,
      sentAt: number,
      retryAfterMs: number | undefined,
      { partnerPaced = false } = {},
    ): { own: boolean; notBefore: number } {
      const notBefore = now + (retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS);
      const lanePace = pace(lane, now);
      const own = rate !== undefined && isOwnLimit(lane, now, lanePace);
      // Customers refused one after the other learn the same lesson: one cut (OWN_EVENT_MS).
      if (own) {
        rate!.onThrottle(now, { sentAt, acceptedPerSecond: lanePace });
        limit?.onPacedThrottle();
      }
      if (!(own || partnerPaced) && sentAt >= lane.pausedAt) {
        lane.pausedAt = now;
        lane.pausedUntil = Math.max(lane.pausedUntil, notBefore);
      }
      return { own, notBefore };
    },
    /** How many customers have a lane now. */
    get size(): number {
      return lanes.size;
    },
    /** Calls each customer may have in flight now (the adaptive limit). */
    get perCustomerConcurrency(): number {
      return limit?.value ?? Math.min(INITIAL_PER_CUSTOMER_CONCURRENCY, perCustomerConcurrency);
    },
    /** Items waiting in the lanes (read or re-queued, not started yet). */
    get waiting(): number {
      return waiting;
    },
    /** The per-customer rate now (Infinity: none yet). */
    get customerPerSecond(): number {
      return rate?.perSecond ?? Number.POSITIVE_INFINITY;
    },
  };
}
