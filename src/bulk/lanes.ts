import { AdaptiveRate, type AdaptiveRateOptions } from "./adaptive-rate.js";

/** When a 429 names no Retry-After, the customer pauses this long. */
const DEFAULT_THROTTLE_PAUSE_MS = 1000;

/** One customer's share of a bulk run: its calls in flight, its pause after a 429, its adaptive rate. */
export interface Lane {
  inFlight: number;
  rate: AdaptiveRate | undefined;
  /** 0 when a call for this customer may start now (taking a rate token), else ms until one may. */
  waitMs(now: number): number;
  /** A 429 for this customer: pause it for the Retry-After and cut its rate. */
  throttle(now: number, retryAfterMs: number | undefined): void;
}

/** The lanes of a bulk run, one per customer, made on first use. */
export function createCustomerLanes(perCustomerConcurrency: number, rateOptions: AdaptiveRateOptions | false | undefined) {
  const lanes = new Map<string, Lane>();
  const create = (now: number): Lane => {
    let pausedUntil = 0;
    const lane: Lane = {
      inFlight: 0,
      rate: rateOptions === false ? undefined : new AdaptiveRate(now, { initialPerSecond: 5, ...rateOptions }),
      waitMs(at) {
        if (at < pausedUntil) return pausedUntil - at;
        // A full lane frees up when one of its calls ends, which wakes the run anyway.
        if (lane.inFlight >= perCustomerConcurrency) return Number.POSITIVE_INFINITY;
        return lane.rate?.tryAcquire(at) ?? 0;
      },
      throttle(at, retryAfterMs) {
        pausedUntil = Math.max(pausedUntil, at + (retryAfterMs ?? DEFAULT_THROTTLE_PAUSE_MS));
        lane.rate?.onThrottle(at);
      },
    };
    return lane;
  };
  return {
    get(customerId: string): Lane {
      let lane = lanes.get(customerId);
      if (!lane) lanes.set(customerId, (lane = create(Date.now())));
      return lane;
    },
  };
}
