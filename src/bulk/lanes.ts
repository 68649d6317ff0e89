import { AdaptiveRate, type AdaptiveRateOptions } from "./adaptive-rate.js";

/** When a 429 names no Retry-After, the customer pauses this long. */
const DEFAULT_THROTTLE_PAUSE_MS = 1000;

/**
 * Throttles of two different customers this close together are the partner-wide limit at work: a customer's own
 * limit throttles that customer alone while the others go through, whereas an exhausted partner budget refuses
 * whichever customers' calls come next, within a few ms of each other.
 */
const PARTNER_WIDE_WINDOW_MS = 100;

/** One customer's share of a bulk run: its calls in flight, its pause after a 429, its adaptive rate. */
export interface Lane {
  inFlight: number;
  rate: AdaptiveRate | undefined;
  /** 0 when a call for this customer may start now (taking a rate token), else ms until one may. */
  waitMs(now: number): number;
}

/** The lanes of a bulk run, one per customer, made on first use. */
export function createCustomerLanes(perCustomerConcurrency: number, rateOptions: AdaptiveRateOptions | false | undefined) {
  const lanes = new Map<string, Lane & { pausedUntil: number }>();
  let lastThrottle = { customerId: "", at: Number.NEGATIVE_INFINITY };
  const create = (now: number) => {
    const lane = {
      inFlight: 0,
      pausedUntil: 0,
      rate: rateOptions === false ? undefined : new AdaptiveRate(now, { initialPerSecond: 5, ...rateOptions }),
      waitMs(at: number) {
        if (at < lane.pausedUntil) return lane.pausedUntil - at;
        // A full lane frees up when one of its calls ends, which wakes the run anyway.
        if (lane.inFlight >= perCustomerConcurrency) return Number.POSITIVE_INFINITY;
        return lane.rate?.tryAcquire(at) ?? 0;
      },
    };
    return lane;
  };
  const get = (customerId: string) => {
    let lane = lanes.get(customerId);
    if (!lane) {
      lane = create(Date.now());
      lanes.set(customerId, lane);
    }
    return lane;
  };
  return {
    get: get as (customerId: string) => Lane,
    /**
     * A 429 for this customer: pause it for the Retry-After and cut its rate. Says whether the throttle looks
     * partner-wide (then the caller cuts the partner-wide rate too; a customer's own limit must not slow the others).
     */
    throttle(customerId: string, now: number, retryAfterMs: number | undefined): { partnerWide: boolean } {
      const lane = get(customerId);
      lane.pausedUntil = Math.max(lane.pausedUntil, now + (retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS));
      lane.rate?.onThrottle(now);
      const partnerWide = lastThrottle.customerId !== customerId && now - lastThrottle.at <= PARTNER_WIDE_WINDOW_MS;
      lastThrottle = { customerId, at: now };
      if (process.env.BULK_DEBUG)
        console.error(`429 ${customerId.slice(-2)} at ${now % 100000} partnerWide=${partnerWide} lane=${lane.rate?.perSecond.toFixed(1)}`);
      return { partnerWide };
    },
  };
}
