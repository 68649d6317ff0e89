import { describe, expect, test } from "vitest";
import { ConcurrencyLimit } from "../../src/bulk/concurrency-limit.js";

/**
 * The rules of the concurrency limit one by one, on explicit fake times (no timers, no driver loop), with the
 * expected values worked out from the rule. The latencies are chosen so that the means are exact in floating point:
 * after 200 successes at `A` ms both means are `A`; one more at `A + d` moves the long-term mean (over 200 calls)
 * by d/200 and the recent one (over 20) by d/20.
 */

/** A limit whose long-term and recent mean latency are both `latencyMs`: 200 successes sent 1 ms apart, no call held back. */
function settled(latencyMs: number, { initial = 100, max = 256 }: { initial?: number; max?: number } = {}) {
  const limit = new ConcurrencyLimit(0, { initial, max });
  for (let sentAt = 0; sentAt < 200; sentAt += 1) limit.onSuccess(sentAt + latencyMs, sentAt);
  expect(limit.latencyMs).toBe(latencyMs);
  expect(limit.value).toBe(initial);
  return limit;
}

describe("concurrency limit: latency", () => {
  test("the long-term mean latency is 0 before the first success, then the mean of the latencies", () => {
    const limit = new ConcurrencyLimit(0, { initial: 8, max: 64 });
    expect(limit.latencyMs).toBe(0);
    limit.onSuccess(100, 0);
    expect(limit.latencyMs).toBe(100);
    limit.onSuccess(400, 200);
    expect(limit.latencyMs).toBe(150);
  });

  test("recent latency 1.5 times the long-term mean but less than 50 ms above it is no rise", () => {
    // Long-term 20 + 400/200 = 22 ms, recent 20 + 400/20 = 40 ms: over 1.5 x 22 = 33, under 22 + 50 = 72.
    const limit = settled(20);
    limit.onSuccess(1_000, 580);
    expect(limit.latencyMs).toBe(22);
    // No cut (a cut would take 33/40 of it: 82).
    expect(limit.value).toBe(100);
  });

  test("recent latency 50 ms above the long-term mean but less than 1.5 times it is no rise", () => {
    // Long-term 200 + 1200/200 = 206 ms, recent 200 + 1200/20 = 260 ms: over 206 + 50 = 256, under 1.5 x 206 = 309.
    const limit = settled(200);
    limit.onSuccess(2_000, 600);
    expect(limit.latencyMs).toBe(206);
    expect(limit.value).toBe(100);
  });

  test("recent latency exactly at the threshold is no rise yet: the limit still grows, in slow start", () => {
    // Long-term 170 + 2000/200 = 180 ms, recent 170 + 2000/20 = 270 ms = 1.5 x 180 exactly (and over 180 + 50).
    const limit = settled(170, { initial: 4, max: 64 });
    // A call held back while this one was out: the limit grows by one (slow start) unless it sees a rise.
    expect(limit.allows(4, 900)).toBe(false);
    limit.onSuccess(3_000, 830);
    expect(limit.latencyMs).toBe(180);
    expect(limit.value).toBe(5);
  });

  test("a rise cuts the limit by the gradient: 1.5 times the long-term mean over the recent one", () => {
    // Long-term 100 + 2000/200 = 110 ms, recent 100 + 2000/20 = 200 ms: over 165 and 160, a rise.
    const limit = settled(100);
    limit.onSuccess(2_400, 300);
    expect(limit.latencyMs).toBe(110);
    // 100 x 165/200 = 82.5.
    expect(limit.value).toBe(82);
  });

  test("a rise cuts at most to half the limit", () => {
    // Long-term 100 + 10000/200 = 150 ms, recent 100 + 10000/20 = 600 ms: 225/600 = 0.375, floored at 0.5.
    const limit = settled(100);
    limit.onSuccess(10_400, 300);
    expect(limit.value).toBe(50);
  });

  test("a rise cuts once per round trip: a call sent before the cut does not cut again, one sent at its instant does", () => {
    const limit = settled(100);
    limit.onSuccess(2_400, 300);
    expect(limit.value).toBe(82);
    // Sent before the cut at 2,400: it saw the old limit. Its latency (2,100 ms again) still counts: long-term
    // mean 110 + 1990/200 = 119.95, recent 200 + 1900/20 = 295.
    limit.onSuccess(4_499, 2_399);
    expect(limit.latencyMs).toBeCloseTo(119.95, 9);
    expect(limit.value).toBe(82);
    // Sent at 2,400, the instant of the cut: it saw the new limit, and its latency still rises. Long-term mean
    // 119.95 + 1980.05/200 = 129.85, recent 295 + 1805/20 = 385.25: the limit (82.5) is cut to
    // 1.5 x 129.85 / 385.25 = 0.506 of it, 41.7.
    limit.onSuccess(4_500, 2_400);
    expect(limit.latencyMs).toBeCloseTo(129.85025, 9);
    expect(limit.value).toBe(41);
  });
});

describe("concurrency limit: growth", () => {
  test("a call held back at the instant this one was sent counts as held back while it was out", () => {
    const limit = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    // At 10 the fourth call starts and fills the limit; the fifth, at 10 too, is held back.
    expect(limit.allows(3, 10)).toBe(true);
    expect(limit.allows(4, 10)).toBe(false);
    limit.onSuccess(110, 10);
    expect(limit.value).toBe(5);
  });

  test("a call held back before this one was sent does not grow the limit", () => {
    const limit = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    expect(limit.allows(4, 9)).toBe(false);
    limit.onSuccess(110, 10);
    expect(limit.value).toBe(4);
  });

  test("a paced 429 ends slow start but keeps the limit: it then grows by 1/sqrt(limit) a success", () => {
    const paced = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    paced.onPacedThrottle();
    expect(paced.value).toBe(4);
    expect(paced.allows(4, 0)).toBe(false);
    // 4 + 1/2 = 4.5, + 1/sqrt(4.5) = 4.97, + 1/sqrt(4.97) = 5.42.
    paced.onSuccess(100, 0);
    expect(paced.value).toBe(4);
    paced.onSuccess(100, 0);
    expect(paced.value).toBe(4);
    paced.onSuccess(100, 0);
    expect(paced.value).toBe(5);

    // The same successes in slow start: one each.
    const unpaced = new ConcurrencyLimit(0, { initial: 4, max: 64 });
    expect(unpaced.allows(4, 0)).toBe(false);
    for (let i = 0; i < 3; i += 1) unpaced.onSuccess(100, 0);
    expect(unpaced.value).toBe(7);
  });
});

describe("concurrency limit: throttles", () => {
  test("a 429 for a call sent at the instant of the last cut cuts again", () => {
    const limit = new ConcurrencyLimit(0, { initial: 40, max: 256 });
    limit.onThrottle(1_000, { sentAt: 900, acceptedPerSecond: 0 });
    expect(limit.value).toBe(36);
    // Sent at 1,000, when the limit was cut: it saw the new limit. 40 x 0.9 x 0.9 = 32.4.
    limit.onThrottle(1_100, { sentAt: 1_000, acceptedPerSecond: 0 });
    expect(limit.value).toBe(32);
  });
});
