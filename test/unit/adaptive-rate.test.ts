import { describe, expect, test } from "vitest";
import { AdaptiveRate } from "../../src/bulk/adaptive-rate.js";

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

describe("AdaptiveRate", () => {
  test("hands out tokens at its rate and says how long until the next", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 10 });
    expect(rate.tryAcquire(0)).toBe(0);
    expect(rate.tryAcquire(0)).toBe(100);
    expect(rate.tryAcquire(100)).toBe(0);
  });

  test("cuts once for a burst of throttles seen by requests already in flight", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    rate.onThrottle(5_000);
    const cut = rate.perSecond;
    rate.onThrottle(5_100);
    rate.onThrottle(5_900);
    expect(rate.perSecond).toBe(cut);
    rate.onThrottle(6_100);
    expect(rate.perSecond).toBeLessThan(cut);
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

  test("gives back a token that was not used", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 1 });
    expect(rate.tryAcquire(0)).toBe(0);
    rate.refund();
    expect(rate.tryAcquire(0)).toBe(0);
  });
});
