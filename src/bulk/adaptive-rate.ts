/**
 * An adaptive send rate after the AWS SDKs' "adaptive" retry mode (CUBIC congestion control over a token
 * bucket): a throttle cuts the rate, and successes grow it back along a cubic curve that flattens near the rate
 * that was last throttled and then probes above it.
 *
 * Changes from the AWS algorithm (with all of them, the bulk benchmark, bench/bulk.ts, gets 97.5 to 99.8 % of its
 * server's limit: bench/results.md):
 * - The cut starts from the rate of calls the service *accepted* since the last cut, not from what was sent. A
 *   service that limits with a token bucket admits exactly its rate while it is saturated, and its bucket is
 *   empty at both throttles, so what it accepted in between is a direct measure of the limit, its burst left
 *   out: the cut goes to just under it (`beta` 0.97) instead of far below (AWS: 0.7 of what was sent, a sawtooth
 *   that leaves part of the limit unused and costs a 429 at every tooth).
 * - Slow start: until the first throttle the rate grows exponentially (TCP's slow start) instead of being
 *   unbounded (a burst, then a storm of 429s) or following the cubic curve from the initial rate (seconds to
 *   reach a limit of hundreds per second); it grows only while calls wait for it and stays within twice what
 *   the service accepts, so a client slower than the rate does not let it run away.
 * - Throttles of calls sent before a cut, or soon after it (200 ms unless the owner says otherwise), are the same
 *   congestion and cut only once.
 * - The cubic curve is scaled to the throttled rate, so it takes as long to climb back at 400/s as at 4/s (AWS's
 *   absolute scale takes seconds at 4/s and minutes at 400/s).
 * - The bucket holds 100 ms of tokens rather than a second's, so a pause does not end in a burst.
 * - {@link AdaptiveRate.hold} stops probing for the end of a run.
 * - At a latency (answers a round trip after their calls), a throttle's episode is measured by send time: the
 *   calls sent from the first refused one until its answer came met an empty bucket, so what the service accepted
 *   of them is its rate: the rate goes just under it as their answers come. A first throttle while far fewer calls went than the rate allowed is a lone burst, not the
 *   limit: the rate comes down to twice what went, and slow start goes on.
 * - A steered rate (the bulk runner's partner-wide one, whose calls do not pause after a 429: only the refused
 *   call waits its Retry-After) is cut once, at its first throttle, and from then on is steered by refusals: each
 *   success grows it (2 % a second, up to 8 % the longer no call is refused), and a refusal of a call sent since
 *   the last step down steps it down 3 %, once a round trip. A token bucket admits its rate whatever more is
 *   offered, so a rate a little over the limit loses nothing but a few refused calls, each re-sent after its
 *   Retry-After; the cubic's cuts, at a latency of a second, each lost a round trip of calls to refusals. The
 *   first cut also reads, by send time, what the service accepted of the calls of the second before the refused
 *   one: at a latency, the answers of that moment are of calls a round trip older, sent at half the pace in slow
 *   start.
 *
 * Written here rather than taken from a package: the AWS implementation is internal to its SDK, and the
 * general rate-limit packages on npm are fixed-rate (no feedback from 429s).
 */

/** Tuning of an adaptive rate (the bulk options `rate` and `perCustomerRate`). */
export interface AdaptiveRateOptions {
  /**
   * Requests per second to start at (Infinity: no limit until the first throttle); default 50. `perCustomerRate`
   * starts unlimited until its first throttle unless given a rate here.
   */
  initialPerSecond?: number;
  /** Floor of the rate after throttles; default 0.5 per second. */
  minPerSecond?: number;
  /** Ceiling of the rate; default unbounded. */
  maxPerSecond?: number;
  /** Share of the accepted rate kept after a throttle; default 0.97 (AWS: 0.7 of the sent rate). */
  beta?: number;
  /**
   * How fast the rate climbs back after a cut, relative to the rate throttled (the cubic's coefficient, per
   * second cubed); default 0.002: back to that rate 2.5 s after a cut, 1.6 % above it 2 s later.
   */
  scale?: number;
}

/** Before the first throttle, each success while calls wait for tokens adds this to the rate (e-fold every third of a second). */
const SLOW_START_STEP = 3;
/** ...but to no more than this many times the rate accepted over the last half second. */
const SLOW_START_CEILING = 2;
/**
 * Past the first throttle, never more than this many times the accepted rate: a rate that calls do not use (the
 * work or the client's own speed holds them back) must not grow on, to end in a burst when they catch up.
 */
const HEADROOM = 1.1;
/** The bucket holds this many seconds of tokens (at least one). */
const BURST_SECONDS = 0.1;
/** Successes are counted in slots this long, over at most WINDOW_SLOTS of them. */
const SLOT_MS = 100;
const WINDOW_SLOTS = 10;
/** The first cut measures the last half second: while slow start climbs, a whole second would lag far behind. */
const FIRST_WINDOW_MS = 500;
/** Fewer successes than this (or over less than MIN_WINDOW_MS) measure nothing. A cut is never deeper than AWS's. */
const MIN_MEASURED = 10;
const UNMEASURED_BETA = 0.7;
/** An episode measures the limit only if calls went at this share of the rate or more. */
const SATURATED = 0.9;
/** ...or if this share of them or more was refused. */
const SATURATED_REFUSED = 0.1;
/** A later cut measures since the one before, at least this long after it (by default, throttles sooner are the same event). */
const MIN_WINDOW_MS = 200;

/** A steered rate grows by this share a second while no call is refused... */
const STEER_UP = 0.02;
/** ...up to this many times faster the longer none is (one more time a second). */
const STEER_ACCEL = 4;
/** A refusal of a call sent since the last step down steps the steered rate down by this share. */
const STEER_DOWN = 0.03;
/** A steered rate holds (the end of a run) at what the service accepted of the calls sent this long ago. */
const HOLD_FROM_MS = 4000;
const HOLD_TO_MS = 2000;

const DEFAULTS = {
  initialPerSecond: 50,
  minPerSecond: 0.5,
  maxPerSecond: Number.POSITIVE_INFINITY,
  beta: 0.97,
  scale: 0.002,
};

/** Successes counted in slots of SLOT_MS: cheap per call, exact enough for a few per second as for hundreds. */
export class AcceptedMeter {
  #slots = new Array<number>(WINDOW_SLOTS).fill(0);
  #slot: number;
  #since: number;

  /**
   * `since`: when counting began, if before `now` (no successes since then): a meter made for a customer partway
   * through a run knows the customer had none before, and so does not read a first few as a fast pace.
   */
  constructor(now: number, since = now) {
    this.#since = Math.min(since, now);
    this.#slot = Math.floor(now / SLOT_MS);
  }

  add(now: number): void {
    this.#advance(now);
    this.#slots[this.#slot % WINDOW_SLOTS]! += 1;
  }

  /** Successes per second over the last `windowMs` (at most a second; less when the meter is younger). */
  perSecond(now: number, windowMs = WINDOW_SLOTS * SLOT_MS): number {
    const { count, spanMs } = this.measure(now, windowMs);
    return spanMs > 0 ? (count * 1000) / spanMs : 0;
  }

  /**
   * Successes counted over the last `windowMs` or a little more (whole slots back from the current one; at most a
   * second), and the time they were counted over.
   */
  measure(now: number, windowMs: number): { count: number; spanMs: number } {
    this.#advance(now);
    const intoSlot = now - this.#slot * SLOT_MS;
    const slots = Math.min(WINDOW_SLOTS, 1 + Math.max(0, Math.ceil((windowMs - intoSlot) / SLOT_MS)));
    let count = 0;
    for (let i = 0; i < slots; i += 1) count += this.#slots[(((this.#slot - i) % WINDOW_SLOTS) + WINDOW_SLOTS) % WINDOW_SLOTS]!;
    return { count, spanMs: Math.min((slots - 1) * SLOT_MS + intoSlot, now - this.#since) };
  }

  #advance(now: number): void {
    const slot = Math.floor(now / SLOT_MS);
    if (slot <= this.#slot) return;
    for (let i = Math.max(this.#slot + 1, slot - WINDOW_SLOTS + 1); i <= slot; i += 1) this.#slots[i % WINDOW_SLOTS] = 0;
    this.#slot = slot;
  }
}

/** Calls are counted by the time they were sent, in slots this long, over SEND_SLOTS of them (ten seconds). */
const SEND_SLOT_MS = 50;
const SEND_SLOTS = 200;
/** Where a slot is kept: its number modulo SEND_SLOTS, negative numbers (times before 0) included. */
const indexOf = (slot: number) => ((slot % SEND_SLOTS) + SEND_SLOTS) % SEND_SLOTS;

/**
 * Calls counted by the time they were sent: how many went, and of those answered, how many the service accepted
 * and how many it refused. Answers come a latency after their calls, so a pace read from answers lags and bunches;
 * one read by send time is what the service's throttle saw.
 */
export class SendLedger {
  #ids = new Array<number>(SEND_SLOTS).fill(-1);
  #sent = new Array<number>(SEND_SLOTS).fill(0);
  #ok = new Array<number>(SEND_SLOTS).fill(0);
  #refused = new Array<number>(SEND_SLOTS).fill(0);

  /** Counts one call sent (`by` 1) or one taken back (-1) at `at`. */
  sent(at: number, by = 1): void {
    const i = this.#slot(at);
    if (i !== undefined) this.#sent[i]! += by;
  }

  /** The answer of a call sent at `sentAt`: accepted or refused. */
  answered(sentAt: number, ok: boolean): void {
    const i = this.#slot(sentAt);
    if (i === undefined) return;
    if (ok) this.#ok[i]! += 1;
    else this.#refused[i]! += 1;
  }

  /** Calls sent in the whole slots from `from` to `to`, their answers so far, and the time those slots span. */
  sum(from: number, to: number): { sent: number; ok: number; refused: number; spanMs: number } {
    const first = Math.floor(from / SEND_SLOT_MS);
    const last = Math.floor(to / SEND_SLOT_MS);
    const totals = { sent: 0, ok: 0, refused: 0, spanMs: (last - first) * SEND_SLOT_MS };
    for (let slot = first; slot < last; slot += 1) {
      const i = indexOf(slot);
      if (this.#ids[i] !== slot) continue;
      totals.sent += this.#sent[i]!;
      totals.ok += this.#ok[i]!;
      totals.refused += this.#refused[i]!;
    }
    return totals;
  }

  /** The index of the slot of `at`, made fresh if it held an older one; undefined if it is too old to keep. */
  #slot(at: number): number | undefined {
    const slot = Math.floor(at / SEND_SLOT_MS);
    const i = indexOf(slot);
    if (this.#ids[i]! > slot) return undefined;
    if (this.#ids[i] !== slot) {
      this.#ids[i] = slot;
      this.#sent[i] = 0;
      this.#ok[i] = 0;
      this.#refused[i] = 0;
    }
    return i;
  }
}

/** How many tokens a bucket holds at `perSecond`. */
const capacity = (perSecond: number) => Math.max(1, perSecond * BURST_SECONDS);

/**
 * A token bucket that paces calls at a rate given at each use. It holds 100 ms of tokens rather than a second's
 * (AWS), enough to ride out timer jitter, too few for a burst after a pause.
 */
export class Pacer {
  #tokens = 1;
  #lastRefill: number;
  /** The rate of the last refill ({@link take} and {@link full} go by it). */
  #perSecond = Number.POSITIVE_INFINITY;

  constructor(now: number) {
    this.#lastRefill = now;
  }

  /** How many ms until a token will be there at `perSecond` (0: there is one now), without taking it. */
  waitMs(now: number, perSecond: number): number {
    this.#perSecond = perSecond;
    if (perSecond === Number.POSITIVE_INFINITY) {
      this.#lastRefill = now;
      return 0;
    }
    this.#tokens = Math.min(capacity(perSecond), this.#tokens + (Math.max(0, now - this.#lastRefill) / 1000) * perSecond);
    this.#lastRefill = now;
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / perSecond) * 1000);
  }

  /** Takes the token that {@link waitMs} just found there (0), at the rate it was asked at. */
  take(): void {
    // No limit, no count: tokens taken then would be owed once a limit is set.
    if (this.#perSecond !== Number.POSITIVE_INFINITY) this.#tokens -= 1;
  }

  /** Takes a token if one is there and returns 0, or returns how many ms until one will be. */
  tryAcquire(now: number, perSecond: number): number {
    const waitMs = this.waitMs(now, perSecond);
    if (waitMs === 0) this.take();
    return waitMs;
  }

  /** Whether the bucket was full at the last {@link waitMs}: fewer calls went than the rate allowed. */
  get full(): boolean {
    return this.#perSecond !== Number.POSITIVE_INFINITY && this.#tokens >= capacity(this.#perSecond);
  }

  /** Gives back a token taken for a call that was not sent after all. */
  refund(perSecond: number): void {
    this.#tokens = Math.min(capacity(perSecond), this.#tokens + 1);
  }

  /** Drops saved-up tokens: after a throttle the service's bucket is empty, and they would go out in a burst it refuses. */
  empty(): void {
    this.#tokens = Math.min(this.#tokens, 0);
  }
}

/**
 * One adaptive rate (with its own token bucket, for the partner-wide rate; the per-customer rate paces each
 * customer's calls with a {@link Pacer} of their own). Times are in ms (pass `Date.now()` or a fake clock).
 */
export class AdaptiveRate {
  #options: Required<AdaptiveRateOptions>;
  #rate: number;
  #pacer: Pacer;
  /** The accepted rate measured at the last cut: where the cubic curve flattens. */
  #lastMaxRate = 0;
  #lastCut = Number.NEGATIVE_INFINITY;
  /** Seconds after a cut until the cubic curve is back at the rate throttled. */
  readonly #window: number;
  /** Throttles this soon after a cut are the same event as the one that made it. */
  readonly #sameEventMs: number;
  #holding = false;
  /** When the bucket was last found full, or a token found no call ready: fewer calls went than the rate allowed. */
  #idleAt = Number.NEGATIVE_INFINITY;
  /** A call waited for a token since the last success. */
  #waited = false;
  #accepted: AcceptedMeter;
  #ledger = new SendLedger();
  /**
   * The calls of the last throttle's episode: sent from the first refused one until its answer came. The service's
   * bucket was empty all that while, so what it accepted of them, by send time, is its rate.
   */
  #episode: { from: number; to: number; perSecond: number } | undefined;
  /** When a lone burst was last refused before the first throttle: its other refusals are the same event. */
  #burstAt = Number.NEGATIVE_INFINITY;
  #steer: boolean;
  #startedAt: number;
  /** A steered rate: when a call was last refused, and when the rate last stepped down for it. */
  #refusedAt = Number.NEGATIVE_INFINITY;
  #steppedDownAt = Number.NEGATIVE_INFINITY;

  /**
   * `sameEventMs`: how long after a cut further throttles are the same event and cut no further (default
   * MIN_WINDOW_MS; the per-customer rate of the bulk lanes takes longer, see lanes.ts). `steer`: past the first
   * throttle, the rate is steered by refusals rather than cut and grown along the cubic (see the file's comment);
   * for a rate whose calls do not pause after a 429.
   */
  constructor(now: number, options: AdaptiveRateOptions = {}, { sameEventMs = MIN_WINDOW_MS, steer = false } = {}) {
    this.#steer = steer;
    this.#startedAt = now;
    this.#options = { ...DEFAULTS, ...options };
    this.#rate = this.#options.initialPerSecond;
    this.#window = Math.cbrt((1 - this.#options.beta) / this.#options.scale);
    this.#sameEventMs = sameEventMs;
    this.#pacer = new Pacer(now);
    this.#accepted = new AcceptedMeter(now);
  }

  /** The current send rate, requests per second (Infinity: no limit yet). */
  get perSecond(): number {
    return this.#rate;
  }

  /** Whether a throttle has cut the rate yet. */
  get throttled(): boolean {
    return this.#lastCut > Number.NEGATIVE_INFINITY;
  }

  /** Takes a token if one is there and returns 0, or returns how many ms until one will be. */
  tryAcquire(now: number): number {
    const waitMs = this.#pacer.waitMs(now, this.#rate);
    if (this.#pacer.full) this.#idleAt = now;
    if (waitMs === 0) {
      this.#pacer.take();
      this.#ledger.sent(now);
    } else this.onWait();
    return waitMs;
  }

  /** A call waited for a token at this rate (also on a pacer of its own, as each customer's): the rate holds calls back. */
  onWait(): void {
    this.#waited = true;
  }

  /**
   * Gives back a token taken by {@link tryAcquire} for a request that was not sent after all: at `now`, fewer
   * calls were ready than the rate allowed.
   */
  refund(now: number): void {
    this.#pacer.refund(this.#rate);
    this.#ledger.sent(now, -1);
    this.#idleAt = now;
  }

  /**
   * A request sent at `sentAt` was throttled: cut the rate to `beta` times the rate the service accepted lately
   * (`acceptedPerSecond` when the caller measured it, else this rate's own successes since the last cut). A
   * request sent before the last cut was on its way already: the same congestion, which cuts only once.
   *
   * The measure runs from the last cut: a token bucket is empty when it throttles, so what it accepted between
   * two throttles is exactly its rate times the time, its burst left out.
   */
  onThrottle(now: number, { sentAt = now, acceptedPerSecond }: { sentAt?: number; acceptedPerSecond?: number } = {}): void {
    this.#ledger.answered(sentAt, false);
    if (this.#steer && this.throttled) {
      this.#steerDown(now, sentAt);
      return;
    }
    // Also too soon after the cut to measure what the service accepts at the new rate: calls bunched up on their
    // way can be refused for a while yet, and each step down would be taken from a rate not measured.
    if (sentAt < this.#lastCut || now - this.#lastCut < this.#sameEventMs) return;
    // A first throttle (the first of them) a latency after its call, while calls went well under the rate (too few in flight yet):
    // a lone burst the service's bucket could not take, not its limit. The rate comes down to a little over what
    // went, and slow start goes on from there to find the limit.
    // Refusals of the burst's calls are the same event.
    if (sentAt < this.#burstAt) return;
    if (!this.throttled && now - sentAt >= SEND_SLOT_MS) {
      const before = this.#ledger.sum(Math.max(this.#startedAt, sentAt - FIRST_WINDOW_MS * 2), sentAt);
      const sentPerSecond = (before.sent * 1000) / before.spanMs;
      // Once: a throttle after it is the limit. (A call in the run's first slot has no pace before it to read.)
      if (this.#burstAt === Number.NEGATIVE_INFINITY && before.spanMs > 0 && sentPerSecond < SATURATED * this.#rate) {
        this.#burstAt = now;
        this.#setRate(Math.min(this.#rate, Math.max(this.#options.minPerSecond, SLOW_START_CEILING * sentPerSecond)));
        this.#pacer.empty();
        return;
      }
    }
    // What the service accepted while calls kept up with the rate: since the last cut, or since the rate last
    // had tokens to spare (customers paused, the client busy), when fewer calls went than it allowed.
    const from = this.throttled ? Math.max(this.#lastCut, this.#idleAt) : now - FIRST_WINDOW_MS;
    let { count, spanMs } = this.#accepted.measure(now, now - from);
    // A first throttle with too few successes in half a second (a low limit, or answers that take longer): the
    // whole second the meter holds.
    if (!this.throttled && count < MIN_MEASURED) ({ count, spanMs } = this.#accepted.measure(now, WINDOW_SLOTS * SLOT_MS));
    const measured = count >= MIN_MEASURED && spanMs >= MIN_WINDOW_MS ? (count * 1000) / spanMs : undefined;
    let accepted = acceptedPerSecond ?? measured;
    // At a latency, answers read the calls of a round trip ago, sent at half the pace in slow start. The calls sent
    // in the second before the refused one drained the service's bucket: what it accepted of them, by send time, is
    // its rate (a little over: its burst).
    if (this.#steer && !this.throttled && acceptedPerSecond === undefined) {
      const before = this.#ledger.sum(Math.max(this.#startedAt, sentAt - 1000), sentAt);
      const answered = before.ok + before.refused;
      // (Ten answered means slots were summed: the span is not 0.)
      if (answered >= MIN_MEASURED) accepted = Math.max(accepted ?? 0, (before.sent * before.ok * 1000) / answered / before.spanMs);
    }
    let reference: number;
    // Never above the rate itself: the burst a full bucket lets through inflates what a short measure sees; and
    // never a deeper cut than AWS's.
    if (accepted !== undefined) reference = Math.min(Math.max(accepted, UNMEASURED_BETA * this.#lastMaxRate), this.#rate);
    // Too little to measure because too few calls went: a step down from the last cut.
    // (Before the first throttle there is no step to take: below.)
    else if (this.throttled && this.#idleAt > this.#lastCut) reference = Math.min(this.#options.beta * this.#lastMaxRate, this.#rate);
    // Calls went but hardly any got through, or a first throttle with hardly any before: AWS's cut.
    else reference = UNMEASURED_BETA * this.#rate;
    this.#lastMaxRate = Math.max(reference, this.#options.minPerSecond);
    const rateBefore = this.#rate;
    this.#lastCut = now;
    this.#steppedDownAt = now;
    this.#episode = now - sentAt >= SEND_SLOT_MS ? { from: sentAt, to: now, perSecond: rateBefore } : undefined;
    this.#setRate(this.#lastMaxRate * this.#options.beta);
    this.#pacer.empty();
  }

  /** A request sent at `sentAt` was refused by a limit this rate does not answer for (a customer's own): counted, as sent and not accepted. */
  onRefused(sentAt: number): void {
    this.#ledger.answered(sentAt, false);
  }

  /**
   * Stops probing above the limit found: from now on the rate stays just under the rate last throttled. For the
   * end of a run, where a probe can only cost: the call it gets refused waits a whole Retry-After that may be
   * longer than what is left of the run.
   */
  hold(now: number): void {
    if (this.#holding) return;
    this.#holding = true;
    if (!this.throttled) return;
    if (!this.#steer) {
      this.#setRate(Math.min(this.#rate, this.#options.beta * this.#lastMaxRate));
      return;
    }
    // A steered rate is a little over the limit (some calls refused): it comes down to just under what the
    // service accepted of the calls sent two to four seconds ago (answered by now at latencies up to a second).
    const { ok, spanMs } = this.#ledger.sum(Math.max(this.#lastCut, now - HOLD_FROM_MS), now - HOLD_TO_MS);
    const accepted = spanMs >= 1000 ? (ok * 1000) / spanMs : this.#rate;
    this.#setRate(Math.min(this.#rate, accepted) * (1 - STEER_DOWN));
  }

  /** A request went through: grow the rate, exponentially before the first throttle, then along the cubic curve. */
  onSuccess(now: number, sentAt?: number): void {
    this.#accepted.add(now);
    if (sentAt !== undefined) {
      this.#ledger.answered(sentAt, true);
      if (this.#episode && sentAt >= this.#episode.from && sentAt < this.#episode.to) this.#measureEpisode(this.#episode);
    }
    if (this.#rate === Number.POSITIVE_INFINITY) return;
    if (!this.throttled) {
      // Only while the rate is what holds calls back: a rate that no call tested says nothing.
      // Nor far above what the service accepts: a client slower than the rate (starting up, busy) must not let it
      // run away, to send in a burst when it catches up.
      const ceiling = Math.max(this.#options.initialPerSecond, SLOW_START_CEILING * this.#accepted.perSecond(now, FIRST_WINDOW_MS));
      if (this.#waited) this.#setRate(Math.max(this.#rate, Math.min(this.#rate + SLOW_START_STEP, ceiling)));
      this.#waited = false;
      return;
    }
    if (this.#steer) {
      this.#steerUp(now, sentAt);
      return;
    }
    const t = (now - this.#lastCut) / 1000 - this.#window;
    const floor = this.#options.beta * this.#lastMaxRate;
    const cubic = this.#holding ? floor : this.#lastMaxRate * (1 + this.#options.scale * t ** 3);
    const ceiling = HEADROOM * this.#accepted.perSecond(now);
    this.#setRate(Math.min(cubic, Math.max(ceiling, this.#rate)));
  }

  /**
   * A steered rate: a refusal of a call sent since the last step down (or the cut) steps the rate down, once per
   * round trip: the calls sent before were sent at the rate before it.
   */
  #steerDown(now: number, sentAt: number): void {
    if (sentAt < this.#lastCut) return;
    this.#refusedAt = now;
    if (this.#holding || sentAt < this.#steppedDownAt) return;
    this.#steppedDownAt = now;
    this.#setRate(this.#rate * (1 - STEER_DOWN));
  }

  /**
   * A steered rate: a success grows the rate by its share of STEER_UP a second (a second brings about the rate's
   * worth of them), faster the longer no call is refused, and no further than HEADROOM over what the service
   * accepts.
   */
  #steerUp(now: number, sentAt: number | undefined): void {
    if (sentAt === undefined || sentAt < this.#lastCut || this.#holding) return;
    const quietSeconds = (now - Math.max(this.#refusedAt, this.#lastCut)) / 1000;
    const grown = this.#rate + STEER_UP * Math.min(STEER_ACCEL, 1 + quietSeconds);
    this.#setRate(Math.min(grown, Math.max(HEADROOM * this.#accepted.perSecond(now), this.#rate)));
  }

  /**
   * Measures the rate the service accepts from the calls of the last throttle's episode, as their answers come:
   * the calls sent then times the share of those answered that went through. A measure from answers alone would
   * read the calls of a latency ago, and a burst where a pause ended.
   */
  #measureEpisode({ from, to, perSecond }: { from: number; to: number; perSecond: number }): void {
    const { sent, ok, refused, spanMs } = this.#ledger.sum(from, to);
    const answered = ok + refused;
    // Only while calls went faster than the service took them (a share of them refused, or the rate held them
    // back): fewer calls (too few in flight yet, a lone burst at the start) leave the service's bucket tokens to
    // spare, and what it accepted of them says only that the limit is higher.
    const saturated = (refused >= 2 && refused >= SATURATED_REFUSED * answered) || (sent * 1000) / spanMs >= SATURATED * perSecond;
    // (An episode spans a slot or more: it is made only when its 429 came 50 ms or more after its call.)
    if (answered < sent / 2 || !saturated) return;
    const acceptedCalls = (sent * ok) / answered;
    if (acceptedCalls < MIN_MEASURED) return;
    const accepted = Math.max(this.#options.minPerSecond, (acceptedCalls * 1000) / spanMs);
    this.#lastMaxRate = accepted;
    // The rate goes just under the better measure, unless it is there already.
    const floor = this.#options.beta * accepted;
    if (this.#rate < floor || this.#rate > accepted) this.#setRate(floor);
  }

  #setRate(perSecond: number): void {
    this.#rate = Math.min(this.#options.maxPerSecond, Math.max(this.#options.minPerSecond, perSecond));
  }
}
