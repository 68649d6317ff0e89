/**
 * An adaptive limit on calls in flight, after Netflix's concurrency-limits (its gradient limits) and TCP Vegas:
 * the limit grows while it is what holds calls back, and shrinks when latency rises or the service throttles.
 * In the steady state the calls in flight are about the rate times the latency (Little's law), so a service that
 * answers in a second needs twenty calls in flight to take twenty a second.
 *
 * It works beside the adaptive rate (adaptive-rate.ts), not instead of it: the rate answers 429s (it measures what
 * the service accepts), the limit makes room for that rate at the latency the service has. Changes from Netflix's:
 * - Slow start (TCP's): until the first throttle or rise in latency, each success while a call waits for the
 *   limit adds one, doubling it every round trip; a service answering in a second is at its pace in seconds.
 * - Latency is compared to its own long-term mean, not to the least seen: the least of log-normal latencies is far
 *   below their median, and Vegas would then see a queue where there is none.
 * - Where an adaptive rate paces the calls, a 429 only ends slow start: the rate, not the limit, keeps below the
 *   service's limit, and cutting both would starve the rate of the calls in flight it needs. Without one, a 429 cuts the
 *   limit, but never below what the accepted rate needs at the latency measured (with some headroom).
 *
 * Times are in ms (pass `Date.now()` or a fake clock). Written here: the npm packages that limit concurrency hold
 * a fixed number (p-limit) or adapt to a server's own load, not to a remote throttle's 429s.
 */

import { AcceptedMeter } from "./adaptive-rate.js";

/** The limits of one {@link ConcurrencyLimit}. */
export interface ConcurrencyLimitOptions {
  /** Where the limit starts. */
  initial: number;
  /** The cap: the limit never grows past it. */
  max: number;
  /** The floor; default 1. */
  min?: number;
}

/** Latency is averaged over about this many calls for the long-term mean... */
const LONG_SAMPLES = 200;
/** ...and this many for the recent one. */
const SHORT_SAMPLES = 20;
/** Recent latency this many times the long-term mean is rising (Netflix's Gradient2 tolerance). */
const TOLERANCE = 1.5;
/** ...and at least this many ms above it: a loopback's jitter of a few ms (a pause to collect garbage) is no queue. */
const MIN_RISE_MS = 50;
/** A rise in latency cuts the limit to no less than this share of it (Gradient2's floor). */
const MIN_GRADIENT = 0.5;
/** A 429 keeps this share of the limit... */
const THROTTLE_BETA = 0.9;
/** ...but no less than this many times the accepted rate times the latency (Little's law, with room for spread). */
const LITTLE_HEADROOM = 1.25;

/** An adaptive limit on calls in flight; see the file's comment. */
export class ConcurrencyLimit {
  #limit: number;
  readonly #min: number;
  readonly #max: number;
  #slowStart = true;
  /** Means of latency, ms: long-term and recent (exponentially weighted). */
  #longMs = 0;
  #shortMs = 0;
  #samples = 0;
  /** When the limit was last cut: calls sent before then saw the old limit. */
  #lastCut = Number.NEGATIVE_INFINITY;
  /** When a call last waited for this limit. */
  #waitedAt = Number.NEGATIVE_INFINITY;
  /** The successes, to tell the rate the service accepts when a 429 names none. */
  #accepted: AcceptedMeter;

  constructor(now: number, { initial, max, min = 1 }: ConcurrencyLimitOptions) {
    this.#accepted = new AcceptedMeter(now);
    this.#min = Math.min(min, max);
    this.#max = max;
    this.#limit = Math.max(this.#min, Math.min(initial, max));
  }

  /** How many calls may be in flight now. */
  get value(): number {
    return Math.floor(this.#limit);
  }

  /** The long-term mean latency, ms (0 before the first success). */
  get latencyMs(): number {
    return this.#longMs;
  }

  /** Whether a call may start at `now` with `inFlight` calls running; one that may not is noted as held back by the limit. */
  allows(inFlight: number, now: number): boolean {
    if (inFlight < this.value) return true;
    this.#waitedAt = now;
    return false;
  }

  /** A call sent at `sentAt` went through at `now`: learn its latency, and grow if the limit held calls back. */
  onSuccess(now: number, sentAt: number): void {
    this.#accepted.add(now);
    const latencyMs = Math.max(0, now - sentAt);
    this.#samples += 1;
    this.#longMs += (latencyMs - this.#longMs) / Math.min(this.#samples, LONG_SAMPLES);
    this.#shortMs += (latencyMs - this.#shortMs) / Math.min(this.#samples, SHORT_SAMPLES);
    if (this.#samples >= SHORT_SAMPLES && this.#shortMs > Math.max(TOLERANCE * this.#longMs, this.#longMs + MIN_RISE_MS)) {
      // Latency rising: a queue builds somewhere. Cut by the gradient, once per round trip (calls sent before the
      // last cut saw the old limit); the long-term mean follows, so a new normal stops cutting.
      if (sentAt >= this.#lastCut) this.#cut(now, Math.max(MIN_GRADIENT, (TOLERANCE * this.#longMs) / this.#shortMs));
      return;
    }
    // Grows only when the limit held calls back while this call was out: a limit no call reached says nothing.
    if (this.#waitedAt < sentAt) return;
    // Doubles every round trip in slow start; then about the square root of the limit per round trip (Gradient2's queue allowance).
    this.#set(this.#limit + (this.#slowStart ? 1 : 1 / Math.sqrt(this.#limit)));
  }

  /**
   * A call sent at `sentAt` was throttled while the service accepted `acceptedPerSecond` (default: the successes
   * of this limit over the last second): cut the limit, once per round trip, to {@link THROTTLE_BETA} of it, but
   * not below what that rate needs at the latency measured.
   */
  onThrottle(now: number, { sentAt = now, acceptedPerSecond }: { sentAt?: number; acceptedPerSecond?: number } = {}): void {
    if (sentAt < this.#lastCut) return;
    acceptedPerSecond ??= this.#accepted.perSecond(now);
    const needed = (LITTLE_HEADROOM * acceptedPerSecond * this.#longMs) / 1000;
    this.#cut(now, Math.max(THROTTLE_BETA, Math.min(1, needed / this.#limit)));
  }

  /**
   * A 429 that an adaptive rate answers (it keeps below the service's limit): the limit stops doubling but keeps
   * its value, since cutting both would leave the rate without the calls in flight it needs.
   */
  onPacedThrottle(): void {
    this.#slowStart = false;
  }

  #cut(now: number, share: number): void {
    this.#slowStart = false;
    this.#lastCut = now;
    this.#set(this.#limit * share);
  }

  #set(limit: number): void {
    this.#limit = Math.max(this.#min, Math.min(this.#max, limit));
  }
}
