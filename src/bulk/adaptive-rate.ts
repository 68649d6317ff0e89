/**
 * An adaptive send rate after the AWS SDKs' "adaptive" retry mode (CUBIC congestion control over a token
 * bucket): a throttle cuts the rate to `beta` times what was being sent, and successes grow it back along a
 * cubic curve that flattens near the rate that was last throttled and then probes above it.
 *
 * Two changes from the AWS algorithm, both measured with `npm run bench` (bench/results.md):
 * - Slow start. Until the first throttle the rate grows by SLOW_START_STEP per success, i.e. exponentially
 *   (like TCP's slow start), instead of either being unbounded (AWS: a burst, then a storm of 429s) or
 *   following the cubic curve from the initial rate (seconds to reach a limit of hundreds per second).
 * - The sent rate is measured over short windows without the AWS smoothing, so the first cut starts from what
 *   was really sent while the rate was still climbing, and the bucket holds 100 ms of tokens instead of one
 *   second's, so a pause does not end in a burst the service throttles.
 *
 * Written here rather than taken from a package: the AWS implementation is internal to its SDK, and the
 * general rate-limit packages on npm are fixed-rate (no feedback from 429s).
 */

/** Tuning of {@link AdaptiveRate}; the defaults are the AWS SDK's but for `beta`. */
export interface AdaptiveRateOptions {
  /** Requests per second to start at; default 10. */
  initialPerSecond?: number;
  /** Floor of the rate after throttles; default 0.5 per second. */
  minPerSecond?: number;
  /** Ceiling of the rate; default unbounded. */
  maxPerSecond?: number;
  /** Share of the rate kept after a throttle; default 0.8 (AWS: 0.7). */
  beta?: number;
  /** How fast the cubic curve climbs; default 0.4. */
  scale?: number;
}

const THROTTLE_EVENT_MS = 1000;
/** Added to the rate per success until the first throttle: e-fold growth per 1/3 s when every token is used. */
const SLOW_START_STEP = 3;
/** The bucket holds this many seconds of tokens (at least one). */
const BURST_SECONDS = 0.1;
/** The sent rate is counted over windows this long. */
const MEASURE_WINDOW_MS = 250;

// A service with a hard per-second limit (a token bucket) is found again quickly: 0.8 loses less than AWS's
// 0.7 while climbing back, and the climb (K = cbrt(rate * (1 - beta) / scale)) is shorter.
const DEFAULTS = { initialPerSecond: 10, minPerSecond: 0.5, maxPerSecond: Number.POSITIVE_INFINITY, beta: 0.8, scale: 0.4 };

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
  /** The sent rate over the last complete window; undefined until one has passed. */
  #measured: { start: number; count: number; rate: number | undefined };

  constructor(now: number, options: AdaptiveRateOptions = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#rate = this.#options.initialPerSecond;
    this.#lastMaxRate = this.#rate;
    this.#lastThrottle = now;
    this.#lastRefill = now;
    this.#measured = { start: now, count: 0, rate: undefined };
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
    this.#tokens = Math.min(this.#capacity(), this.#tokens + 1);
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
    const sending = Math.min(this.#measured.rate ?? this.#rate, this.#rate);
    this.#lastMaxRate = Math.max(sending, this.#options.minPerSecond);
    this.#lastThrottle = now;
    this.#window = Math.cbrt((this.#lastMaxRate * (1 - this.#options.beta)) / this.#options.scale);
    this.#setRate(this.#lastMaxRate * this.#options.beta);
  }

  /** A request went through: grow the rate, exponentially before the first throttle, then along the cubic curve. */
  onSuccess(now: number): void {
    this.#refill(now);
    const t = (now - this.#lastThrottle) / 1000 - this.#window;
    const next = this.#throttledOnce ? this.#options.scale * t ** 3 + this.#lastMaxRate : this.#rate + SLOW_START_STEP;
    // Never more than twice what is actually being sent: a burst after idling must not overshoot.
    this.#setRate(Math.min(next, 2 * Math.max(this.#measured.rate ?? this.#rate, this.#rate / 2)));
  }

  #setRate(perSecond: number): void {
    this.#rate = Math.min(this.#options.maxPerSecond, Math.max(this.#options.minPerSecond, perSecond));
  }

  // Enough tokens to ride out timer jitter, too few for a burst after a pause (AWS: a whole second's).
  #capacity(): number {
    return Math.max(1, this.#rate * BURST_SECONDS);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#lastRefill) / 1000;
    this.#tokens = Math.min(this.#capacity(), this.#tokens + elapsed * this.#rate);
    this.#lastRefill = now;
  }

  // Sent rate per window, unsmoothed: while the rate climbs, a smoothed figure lags far behind what was sent.
  #measure(now: number): void {
    this.#measured.count += 1;
    const elapsed = now - this.#measured.start;
    if (elapsed < MEASURE_WINDOW_MS) return;
    this.#measured = { start: now, count: 0, rate: (this.#measured.count * 1000) / elapsed };
  }
}
