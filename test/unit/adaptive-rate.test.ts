import { describe, expect, test } from "vitest";
import { AcceptedMeter, AdaptiveRate, Pacer } from "../../src/bulk/adaptive-rate.js";

/** Sends as fast as the bucket allows for `seconds`, reporting a throttle whenever `limit` per second is passed. */
function simulate(rate: AdaptiveRate, limitPerSecond: number, seconds: number) {
  let sent = 0;
  let throttles = 0;
  let windowStart = 0;
  let inWindow = 0;
  for (let now = 0; now < seconds * 1000; now += 1) {
    if (now - windowStart >= 1000) [windowStart, inWindow] = [now, 0];
    while (rate.tryAcquire(now) === 0) {
      if (inWindow >= limitPerSecond) {
        throttles += 1;
        rate.onThrottle(now);
        break;
      }
      inWindow += 1;
      sent += 1;
      rate.onSuccess(now);
    }
  }
  return { perSecond: sent / seconds, throttles };
}

/**
 * The service's limit as a token bucket (`perSecond`, holding `burst`), as Partner Center and the bench server
 * apply it; calls answer after `latencyMs`. Returns what the service accepted per second after `warmUpSeconds`,
 * and the 429s.
 */
function simulateBucket(
  rate: AdaptiveRate,
  limit: { perSecond: number; burst: number },
  seconds: number,
  latencyMs = 20,
  warmUpSeconds = 5,
) {
  let tokens = limit.burst;
  let last = 0;
  let accepted = 0;
  let throttles = 0;
  const answers: Array<{ at: number; sentAt: number; ok: boolean }> = [];
  for (let now = 0; now < seconds * 1000; now += 1) {
    while (answers.length > 0 && answers[0]!.at <= now) {
      const answer = answers.shift()!;
      if (answer.ok) rate.onSuccess(now);
      else rate.onThrottle(now, { sentAt: answer.sentAt });
    }
    tokens = Math.min(limit.burst, tokens + ((now - last) / 1000) * limit.perSecond);
    last = now;
    while (rate.tryAcquire(now) === 0) {
      const ok = tokens >= 1;
      if (ok) tokens -= 1;
      if (ok && now >= warmUpSeconds * 1000) accepted += 1;
      if (!ok && now >= warmUpSeconds * 1000) throttles += 1;
      answers.push({ at: now + latencyMs, sentAt: now, ok });
    }
  }
  return { acceptedPerSecond: accepted / (seconds - warmUpSeconds), throttlesPerSecond: throttles / (seconds - warmUpSeconds) };
}

/**
 * A token-bucket service (a bucket of 4, refilled at `limitAt(now)` a second) answering every call a second after
 * it. As in the bulk runner, a refused call does not pause the others (it would be re-sent later: left out here).
 * Returns when each accepted call was sent.
 */
function simulateAtLatency(rate: AdaptiveRate, limitAt: (now: number) => number, untilMs: number): number[] {
  let tokens = 4;
  let last = 0;
  const answers: Array<{ at: number; sentAt: number; ok: boolean }> = [];
  const accepted: number[] = [];
  for (let now = 0; now < untilMs; now += 5) {
    for (const answer of answers.filter((a) => a.at <= now)) {
      answers.splice(answers.indexOf(answer), 1);
      if (answer.ok) rate.onSuccess(now, answer.sentAt);
      else rate.onThrottle(now, { sentAt: answer.sentAt });
    }
    while (rate.tryAcquire(now) === 0) {
      tokens = Math.min(4, tokens + ((now - last) / 1000) * limitAt(now));
      last = now;
      const ok = tokens >= 1;
      if (ok) {
        tokens -= 1;
        accepted.push(now);
      }
      answers.push({ at: now + 1000, sentAt: now, ok });
    }
  }
  return accepted;
}

describe("AdaptiveRate", () => {
  test("hands out tokens at its rate and says how long until the next", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 10 });
    expect(rate.tryAcquire(0)).toBe(0);
    expect(rate.tryAcquire(0)).toBe(100);
    expect(rate.tryAcquire(100)).toBe(0);
  });

  test("cuts once for throttles of requests sent before the cut, or just after it", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    for (let now = 0; now < 5_000; now += 10) rate.onSuccess(now);
    rate.onThrottle(5_000);
    const cut = rate.perSecond;
    expect(cut).toBeCloseTo(97, 0);
    rate.onThrottle(5_100, { sentAt: 5_050 });
    rate.onThrottle(5_900, { sentAt: 4_990 });
    expect(rate.perSecond).toBe(cut);
    rate.onThrottle(6_100, { sentAt: 6_050 });
    expect(rate.perSecond).toBeLessThan(cut);
  });

  test("cuts to just under the rate the service accepted, not a fixed share of what was sent", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 200, maxPerSecond: 200 });
    // 200 sent per second, 100 of them accepted, for two seconds: a throttle then measures 100, not 200.
    for (let now = 0; now < 2_000; now += 5) {
      rate.tryAcquire(now);
      if (now % 10 === 0) rate.onSuccess(now);
    }
    rate.onThrottle(2_000);
    expect(rate.perSecond).toBeGreaterThan(85);
    expect(rate.perSecond).toBeLessThan(100);
  });

  test.each([5, 20, 50])("settles just under a token-bucket limit with few throttles (answers after %i ms)", (latencyMs) => {
    const { acceptedPerSecond, throttlesPerSecond } = simulateBucket(
      new AdaptiveRate(0, { initialPerSecond: 50 }),
      { perSecond: 400, burst: 40 },
      60,
      latencyMs,
    );
    expect(acceptedPerSecond).toBeGreaterThan(0.96 * 400);
    // (The bucket's burst, saved up while the rate was under the limit, can add a little over the minute.)
    expect(acceptedPerSecond).toBeLessThanOrEqual(400 + 40 / 55);
    expect(throttlesPerSecond).toBeLessThan(1);
  });

  test("slow start finds the limit within a couple of seconds from a rate far below it", () => {
    const { acceptedPerSecond } = simulateBucket(new AdaptiveRate(0, { initialPerSecond: 50 }), { perSecond: 400, burst: 40 }, 3, 20, 1.5);
    expect(acceptedPerSecond).toBeGreaterThan(0.9 * 400);
  });

  test("leaves out of its measure a lull when fewer calls were ready than the rate allowed", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100, maxPerSecond: 100 });
    for (let now = 0; now < 1000; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    rate.onThrottle(1000);
    const cut = rate.perSecond;
    // Customers paused: for 400 ms no call is ready for the tokens; then calls go at the rate again.
    for (let now = 1400; now < 1800; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    rate.onThrottle(1800, { sentAt: 1790 });
    // Measured over the 400 ms after the lull (about the rate), not the 800 ms since the cut (half of it).
    expect(rate.perSecond).toBeGreaterThan(0.9 * cut);
    // Half the calls for 600 ms, and a token that found no call ready at the end of it.
    for (let now = 2000; now < 2600; now += 20) rate.onSuccess(now);
    rate.refund(2600);
    for (let now = 2600; now < 2900; now += 10) rate.onSuccess(now);
    const before = rate.perSecond;
    rate.onThrottle(2900, { sentAt: 2890 });
    expect(rate.perSecond).toBeGreaterThan(0.9 * before);
  });

  test("cuts the rate on a throttle and grows it back after successes", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    for (let now = 0; now < 1000; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    const before = rate.perSecond;
    rate.onThrottle(1000);
    expect(rate.perSecond).toBeLessThan(before);
    const cut = rate.perSecond;
    for (let now = 1000; now < 6000; now += 5) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    expect(rate.perSecond).toBeGreaterThan(cut);
  });

  test("grows in slow start only while calls wait for it, and not far above what is accepted", () => {
    const idle = new AdaptiveRate(0, { initialPerSecond: 50 });
    // Successes at 20 per second never wait for a token: the rate has nothing to learn from them.
    for (let now = 0; now < 3_000; now += 50) if (idle.tryAcquire(now) === 0) idle.onSuccess(now);
    expect(idle.perSecond).toBe(50);

    const slowClient = new AdaptiveRate(0, { initialPerSecond: 50 });
    // Calls wait, but only 100 a second are accepted (the client is slower than the rate): at most twice that.
    for (let now = 0; now < 3_000; now += 10) {
      slowClient.onWait();
      slowClient.onSuccess(now);
    }
    expect(slowClient.perSecond).toBeGreaterThan(150);
    expect(slowClient.perSecond).toBeLessThanOrEqual(210);
  });

  test("holds just under the limit found once told the run is ending", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100, maxPerSecond: 100 });
    for (let now = 0; now < 1000; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    rate.onThrottle(1000);
    const limit = rate.perSecond;
    rate.hold(0);
    for (let now = 1000; now < 20_000; now += 5) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    expect(rate.perSecond).toBeLessThanOrEqual(limit);
  });

  test("cuts as AWS does when too few calls went through to measure", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    rate.onThrottle(10);
    expect(rate.perSecond).toBeCloseTo(100 * 0.7 * 0.97, 5);
  });

  test("never goes under its floor or over its ceiling", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 4, minPerSecond: 1, maxPerSecond: 8 });
    for (let i = 0; i < 20; i += 1) rate.onThrottle(i * 1000);
    expect(rate.perSecond).toBe(1);
    for (let now = 20_000; now < 80_000; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now);
    expect(rate.perSecond).toBe(8);
  });

  test("settles near a hidden limit it only learns about from throttles", () => {
    const { perSecond } = simulate(new AdaptiveRate(0, { initialPerSecond: 5 }), 50, 120);
    expect(perSecond).toBeGreaterThan(40);
    expect(perSecond).toBeLessThanOrEqual(50);
  });

  test("has no limit with an infinite starting rate until its first throttle", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 1000; i += 1) expect(rate.tryAcquire(0)).toBe(0);
    rate.onThrottle(1000, { acceptedPerSecond: 10 });
    // Just under the ten a second measured, and no debt from the thousand calls before.
    expect(rate.perSecond).toBeCloseTo(9.7, 0);
    expect(rate.tryAcquire(1200)).toBe(0);
  });

  test("gives back a token that was not used", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 1 });
    expect(rate.tryAcquire(0)).toBe(0);
    rate.refund(0);
    expect(rate.tryAcquire(0)).toBe(0);
  });
});

describe("AcceptedMeter and Pacer", () => {
  test("the meter counts successes over the last second, or a shorter window", () => {
    const meter = new AcceptedMeter(0);
    for (let now = 0; now < 3_000; now += 10) meter.add(now);
    expect(meter.perSecond(3_000)).toBeCloseTo(100, -1);
    for (let now = 3_000; now < 3_500; now += 5) meter.add(now);
    expect(meter.perSecond(3_500, 500)).toBeCloseTo(200, -1);
    expect(meter.perSecond(10_000)).toBe(0);
  });

  test("the pacer holds 100 ms of tokens, so a pause does not end in a burst", () => {
    const pacer = new Pacer(0);
    let sent = 0;
    while (pacer.tryAcquire(10_000, 100) === 0) sent += 1;
    expect(sent).toBe(10);
    pacer.empty();
    expect(pacer.waitMs(10_000, 100)).toBe(10);
  });

  test("steered, at a second's latency, finds the limit by send time and stays at it", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 30 }, { steer: true });
    const accepted = simulateAtLatency(rate, () => 20, 20_000);
    // Past the first seconds the service's whole limit is used: 15 s at 20 a second.
    expect(accepted.filter((at) => at >= 5_000).length).toBeGreaterThan(0.97 * 15 * 20);
    // Around the limit, neither the 30 a second sent nor far over it.
    expect(rate.perSecond).toBeGreaterThan(19);
    expect(rate.perSecond).toBeLessThan(23);
  });

  test("steered, follows a limit that rises within seconds, and holds under the limit at the end of a run", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 30 }, { steer: true });
    const accepted = simulateAtLatency(rate, (now) => (now < 8_000 ? 20 : 30), 20_000);
    expect(accepted.filter((at) => at >= 14_000).length).toBeGreaterThan(0.95 * 6 * 30);
    // Told the run is ending, it comes down under what was accepted of late, and stays there.
    rate.hold(20_000);
    const held = rate.perSecond;
    expect(held).toBeLessThan(30);
    expect(held).toBeGreaterThan(0.9 * 30);
    for (let now = 20_000; now < 22_000; now += 10) if (rate.tryAcquire(now) === 0) rate.onSuccess(now, now - 1000);
    expect(rate.perSecond).toBe(held);
  });
});
