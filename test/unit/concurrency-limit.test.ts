import { describe, expect, test } from "vitest";
import { ConcurrencyLimit } from "../../src/bulk/concurrency-limit.js";

/**
 * Drives a limit as a run does, on a fake clock in steps of 1 ms: calls start while the limit allows (and `more`
 * says there is work), each answered `latencyMs(n)` after it started (n: the call's number). Returns the limit
 * and the calls in flight at the end.
 */
function drive(
  limit: ConcurrencyLimit,
  { from = 0, untilMs, latencyMs }: { from?: number; untilMs: number; latencyMs: (n: number) => number },
) {
  const inFlight: number[] = [];
  let started = 0;
  for (let now = from; now < untilMs; now += 1) {
    for (let i = inFlight.length - 1; i >= 0; i -= 1) {
      if (inFlight[i]! + latencyMs(i) > now) continue;
      limit.onSuccess(now, inFlight[i]!);
      inFlight.splice(i, 1);
    }
    while (limit.allows(inFlight.length, now)) {
      inFlight.push(now);
      started += 1;
    }
  }
  return { inFlight: inFlight.length, started };
}

describe("concurrency limit", () => {
  test("starts at its initial value, within its cap", () => {
    expect(new ConcurrencyLimit(0, { initial: 32, max: 256 }).value).toBe(32);
    expect(new ConcurrencyLimit(0, { initial: 32, max: 8 }).value).toBe(8);
  });

  test("grows while it holds calls back, up to its cap", () => {
    const limit = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    drive(limit, { untilMs: 2_000, latencyMs: () => 100 });
    // Slow start doubles every round trip: far past 4 in 20 round trips, and never past the cap.
    expect(limit.value).toBe(64);
  });

  test("does not grow while calls do not reach it", () => {
    const limit = new ConcurrencyLimit(0, { initial: 8, max: 64 });
    for (let now = 0; now < 5_000; now += 100) {
      expect(limit.allows(2, now)).toBe(true);
      limit.onSuccess(now, now - 100);
    }
    expect(limit.value).toBe(8);
  });

  test("the calls in flight grow with latency: the same rate of successes takes more at a longer latency (Little's law)", () => {
    // A service that takes 20 calls a second: the limit grows until a 429 says stop, each at the rate accepted.
    const inFlightAt = (latencyMs: number) => {
      const limit = new ConcurrencyLimit(0, { initial: 1, max: 256 });
      let now = 0;
      // Grow until the calls in flight carry more than 20 a second, then a throttle at 20 accepted a second.
      while (limit.value / (latencyMs / 1000) <= 20) {
        now += latencyMs;
        // A round trip at the limit: every call out, the next one held back, then all answered.
        const calls = limit.value;
        limit.allows(calls, now - 1);
        for (let i = 0; i < calls; i += 1) limit.onSuccess(now, now - latencyMs);
      }
      limit.onThrottle(now, { sentAt: now - 1, acceptedPerSecond: 20 });
      return limit.value;
    };
    const at100 = inFlightAt(100);
    const at1000 = inFlightAt(1000);
    expect(at100).toBeGreaterThanOrEqual(2);
    expect(at100).toBeLessThanOrEqual(4);
    // 20 a second at a second each: at least 20 in flight (1.25 times that, the cut's floor, at most).
    expect(at1000).toBeGreaterThanOrEqual(20);
    expect(at1000).toBeLessThanOrEqual(30);
  });

  test("shrinks on a 429, once per round trip", () => {
    const limit = new ConcurrencyLimit(0, { initial: 40, max: 256 });
    limit.onThrottle(1_000, { sentAt: 900, acceptedPerSecond: 0 });
    expect(limit.value).toBe(36);
    // Sent before that cut: the same congestion.
    limit.onThrottle(1_010, { sentAt: 950, acceptedPerSecond: 0 });
    expect(limit.value).toBe(36);
    limit.onThrottle(1_200, { sentAt: 1_100, acceptedPerSecond: 0 });
    expect(limit.value).toBe(32);
  });

  test("a 429 never cuts below what the accepted rate needs at the latency measured", () => {
    const limit = new ConcurrencyLimit(0, { initial: 40, max: 256 });
    for (let now = 1_000; now < 1_200; now += 1) limit.onSuccess(now, now - 1_000);
    // 30 a second at a second each: 30 in flight, and a quarter more for the spread.
    limit.onThrottle(2_000, { sentAt: 1_500, acceptedPerSecond: 30 });
    expect(limit.value).toBe(37);
  });

  test("shrinks when latency rises, and grows again once it holds calls back at the new latency", () => {
    const limit = new ConcurrencyLimit(0, { initial: 4, max: 256 });
    drive(limit, { untilMs: 1_000, latencyMs: () => 100 });
    const grown = limit.value;
    expect(grown).toBeGreaterThan(50);
    // The service slows to four times its latency: a queue builds, the limit is cut.
    drive(limit, { from: 1_000, untilMs: 1_500, latencyMs: () => 400 });
    expect(limit.value).toBeLessThan(grown);
    expect(limit.value).toBeGreaterThanOrEqual(grown / 8);
  });

  test("jitter of a few ms at a short latency is no rise", () => {
    const limit = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    drive(limit, { untilMs: 1_000, latencyMs: (n) => (n % 10 === 0 ? 40 : 2) });
    expect(limit.value).toBe(64);
  });
});
