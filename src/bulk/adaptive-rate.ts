/**
 * An adaptive send rate after the AWS SDKs' "adaptive" retry mode (CUBIC congestion control over a token
 * bucket): a throttle cuts the rate to `beta` times what was being sent, and successes grow it back along a
 * cubic curve that flattens near the rate that was last throttled and then probes above it.
 *
 * Written here rather than taken from a package: the AWS implementation is internal to its SDK, and the
 * general rate-limit packages on npm are fixed-rate (no feedback from 429s).
 */

/** Tuning of {@link AdaptiveRate}; the defaults are the AWS SDK's. */
export interface AdaptiveRateOptions {
  /** Requests per second to start at; default 10. */
  initialPerSecond?: number;
  /** Floor of the rate after throttles; default 0.5 per second. */
  minPerSecond?: number;
  /** Ceiling of the rate; default unbounded. */
  maxPerSecond?: number;
  /** Share of the rate kept after a throttle; default 0.7. */
  beta?: number;
  /** How fast the cubic curve climbs; default 0.4. */
  scale?: number;
}

const THROTTLE_EVENT_MS = 1000;

const DEFAULTS = { initialPerSecond: 10, minPerSecond: 0.5, maxPerSecond: Number.POSITIVE_INFINITY, beta: 0.7, scale: 0.4 };

/** One adaptive token bucket. Times are in ms (pass `Date.now()` or a fake clock). */
export class AdaptiveRate {
  #options: Required<AdaptiveRateOptions>;
  #rate: number;
  #tokens = 1;
  #lastRefill: number;
  #lastMaxRate: number;
  #lastThrottle: number;
  #window = 0;
  #throttledOnce = false;
  #measured: { start: number; count: number; rate: number };

  constructor(now: number, options: AdaptiveRateOptions = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#rate = this.#options.initialPerSecond;
    this.#lastMaxRate = this.#rate;
    this.#lastThrottle = now;
    this.#lastRefill = now;
    this.#measured = { start: now, count: 0, rate: this.#rate };
  }

  /** The current send rate, requests per second. */
  get perSecond(): number {
    return this.#rate;
  }

  /** Takes a token if one is there and returns 0, or returns how many ms until one will be. */
  tryAcquire(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#measure(now);
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
  }

  /** Gives back a token taken by {@link tryAcquire} for a request that was not sent after all. */
  refund(): void {
    this.#tokens = Math.min(Math.max(1, this.#rate), this.#tokens + 1);
  }

  /**
   * A request was throttled: cut the rate (CUBIC's multiplicative decrease). Throttles within one second of
   * the last cut are the same congestion event seen by requests already in flight, so they cut only once.
   */
  onThrottle(now: number): void {
    this.#refill(now);
    this.#tokens = Math.min(this.#tokens, 0);
    if (now - this.#lastThrottle < THROTTLE_EVENT_MS && this.#throttledOnce) return;
    this.#throttledOnce = true;
    const sending = Math.min(this.#measured.rate, this.#rate);
    this.#lastMaxRate = Math.max(sending, this.#options.minPerSecond);
    this.#lastThrottle = now;
    this.#window = Math.cbrt((this.#lastMaxRate * (1 - this.#options.beta)) / this.#options.scale);
    this.#setRate(this.#lastMaxRate * this.#options.beta);
  }

  /** A request went through: grow the rate along the cubic curve. */
  onSuccess(now: number): void {
    this.#refill(now);
    const t = (now - this.#lastThrottle) / 1000 - this.#window;
    const cubic = this.#options.scale * t ** 3 + this.#lastMaxRate;
    // Never more than twice what is actually being sent: a burst after idling must not overshoot.
    this.#setRate(Math.min(cubic, 2 * Math.max(this.#measured.rate, this.#rate / 2)));
  }

  #setRate(perSecond: number): void {
    this.#rate = Math.min(this.#options.maxPerSecond, Math.max(this.#options.minPerSecond, perSecond));
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#lastRefill) / 1000;
    // A bucket holds at most one second of tokens (and at least one), so a pause does not turn into a burst.
    this.#tokens = Math.min(Math.max(1, this.#rate), this.#tokens + elapsed * this.#rate);
    this.#lastRefill = now;
  }

  // Sent rate over half-second windows, smoothed, as the AWS SDK measures it.
  #measure(now: number): void {
    this.#measured.count += 1;
    const elapsed = now - this.#measured.start;
    if (elapsed < 500) return;
    const current = (this.#measured.count * 1000) / elapsed;
    this.#measured = { start: now, count: 0, rate: 0.8 * current + 0.2 * this.#measured.rate };
  }
}
