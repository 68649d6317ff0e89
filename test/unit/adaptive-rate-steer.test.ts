import { describe, expect, test } from "vitest";
import { AdaptiveRate } from "../../src/bulk/adaptive-rate.js";

// The steered rate (the bulk runner's partner-wide one), step by step, with explicit times. The rules, from the
// file's comment: cut once at the first throttle; then each success of a call sent since that cut adds 0.02 per
// second of quiet (2 % a second at the rate's pace: as many successes a second as the rate), up to four times that
// after three quiet seconds; a refusal of a call sent since the last step down steps it down 3 %.

/**
 * A steered rate of 50 a second cut at 1000 ms, after a second of 100 successes a second (of calls it did not
 * pace): never above the rate itself, so 0.97 of 50, 48.5.
 */
function cutAt1000(): AdaptiveRate {
  const rate = new AdaptiveRate(0, { initialPerSecond: 50 }, { steer: true });
  for (let at = 0; at < 1000; at += 10) rate.onSuccess(at);
  rate.onThrottle(1000, { sentAt: 1000 });
  return rate;
}

/** Successes of calls sent at `from`, `from + stepMs`, ... until `to`, each answered as it is sent. */
function succeed(rate: AdaptiveRate, from: number, to: number, stepMs = 10): void {
  for (let at = from; at < to; at += stepMs) rate.onSuccess(at, at);
}

describe("a steered rate", () => {
  test("is cut once at its first throttle, as an unsteered rate is", () => {
    expect(cutAt1000().perSecond).toBeCloseTo(50 * 0.97, 10);
  });

  test("grows by 0.02 a success, times one plus the quiet seconds, at most four times", () => {
    const rate = cutAt1000();
    // 100 successes a second from the cut: the service accepts more than the rate, so nothing caps the growth.
    succeed(rate, 1000, 4000);
    // Success k (k = 0..299) comes k / 100 s after the cut: 0.02 (1 + k / 100) each.
    const firstThree = 0.02 * (300 + (299 * 300) / 2 / 100);
    expect(rate.perSecond).toBeCloseTo(48.5 + firstThree, 6);
    succeed(rate, 4000, 5000);
    // Three quiet seconds on: four times 0.02 for each of the next 100.
    expect(rate.perSecond).toBeCloseTo(48.5 + firstThree + 100 * 0.08, 6);
  });

  test("a refusal starts the quiet seconds again", () => {
    const rate = cutAt1000();
    succeed(rate, 1000, 5000);
    rate.onThrottle(5000, { sentAt: 5000 });
    const after = rate.perSecond;
    rate.onSuccess(5010, 5010);
    expect(rate.perSecond - after).toBeCloseTo(0.02 * 1.01, 10);
  });

  test("grows only for successes of calls sent since the cut, the one sent at its instant included", () => {
    const rate = cutAt1000();
    succeed(rate, 1000, 2000);
    const before = rate.perSecond;
    rate.onSuccess(2000, 999);
    rate.onSuccess(2000);
    expect(rate.perSecond).toBe(before);
    const cut = cutAt1000();
    cut.onSuccess(1000, 1000);
    expect(cut.perSecond).toBeCloseTo(48.5 + 0.02, 10);
  });

  test("grows no faster than a tenth over what the service accepts", () => {
    const rate = cutAt1000();
    // One success a second once the second before the cut is past: far under the rate, which does not grow.
    succeed(rate, 2500, 8500, 1000);
    expect(rate.perSecond).toBeCloseTo(48.5, 10);
  });

  test("steps down 3 % at a refusal of a call sent since the cut, the one sent at its instant included, once a round trip", () => {
    const rate = cutAt1000();
    rate.onThrottle(1100, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(48.5 * 0.97, 10);
    // Sent before that step: the same congestion.
    rate.onThrottle(1200, { sentAt: 1099 });
    expect(rate.perSecond).toBeCloseTo(48.5 * 0.97, 10);
    // Sent at the step's instant: the rate after it was refused too.
    rate.onThrottle(1300, { sentAt: 1100 });
    expect(rate.perSecond).toBeCloseTo(48.5 * 0.97 * 0.97, 10);
    // Sent before the cut: nothing, not even the quiet seconds start again.
    rate.onThrottle(1400, { sentAt: 999 });
    expect(rate.perSecond).toBeCloseTo(48.5 * 0.97 * 0.97, 10);
  });

  test("a refusal of a call sent before the cut does not start the quiet seconds again", () => {
    const rate = cutAt1000();
    succeed(rate, 1000, 5000);
    rate.onThrottle(5000, { sentAt: 999 });
    const after = rate.perSecond;
    rate.onSuccess(5010, 5010);
    expect(rate.perSecond - after).toBeCloseTo(0.08, 10);
  });

  test("holds at 0.97 of what the service accepted of the calls sent two to four seconds before, and then neither grows nor steps down", () => {
    const rate = cutAt1000();
    // 100 calls a second accepted; the rate grows past 100 meanwhile (to 110 at most).
    succeed(rate, 1000, 9000);
    expect(rate.perSecond).toBeGreaterThan(100);
    rate.hold(9000);
    expect(rate.perSecond).toBeCloseTo(100 * 0.97, 6);
    succeed(rate, 9000, 10_000);
    rate.onThrottle(10_000, { sentAt: 10_000 });
    expect(rate.perSecond).toBeCloseTo(100 * 0.97, 6);
    // Once: holding again changes nothing.
    rate.hold(20_000);
    expect(rate.perSecond).toBeCloseTo(100 * 0.97, 6);
  });

  test("holds from one whole second of calls, and from its own rate with less", () => {
    // Cut at 1000: four seconds back from 5000 reach before the cut, so the window is the one second from the cut.
    const rate = cutAt1000();
    succeed(rate, 1000, 5000, 20);
    expect(rate.perSecond).toBeGreaterThan(50);
    rate.hold(4000);
    // 50 calls a second accepted in [1000, 2000).
    expect(rate.perSecond).toBeCloseTo(50 * 0.97, 6);
    const early = cutAt1000();
    succeed(early, 1000, 3000, 20);
    const before = early.perSecond;
    // Under a second from the cut to two seconds ago: it steps down from its own rate.
    early.hold(3500);
    expect(early.perSecond).toBeCloseTo(before * 0.97, 6);
  });

  test("an unsteered rate holds at beta times the rate last throttled", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 50 });
    rate.onThrottle(1000, { sentAt: 1000 });
    // Along the cubic, past the rate throttled (35: 0.7 of 50, with no success before) after a few seconds at 100
    // successes a second.
    for (let at = 1000; at < 8000; at += 10) rate.onSuccess(at);
    expect(rate.perSecond).toBeGreaterThan(35);
    rate.hold(8000);
    expect(rate.perSecond).toBeCloseTo(0.97 * 35, 6);
    for (let at = 8000; at < 9000; at += 10) rate.onSuccess(at);
    expect(rate.perSecond).toBeCloseTo(0.97 * 35, 6);
  });
});

/**
 * A steered rate of 44 a second that sent 40 calls a second (over nine tenths of it: no lone burst) from 0 to 2000 ms (one every 25 ms) and heard back only
 * of the first ten by 2000 ms, as successes in its last 200 ms: a latency of answers that read, by answer time,
 * half the pace the calls went at.
 */
function sentAtForty(): { rate: AdaptiveRate; sent: number[] } {
  const rate = new AdaptiveRate(0, { initialPerSecond: 44 }, { steer: true });
  const sent: number[] = [];
  for (let at = 0; at < 2000; at += 25) {
    let when = at;
    // The bucket holds four tokens and starts with one: a call may wait a millisecond for float rounding.
    while (rate.tryAcquire(when) > 0) when += 1;
    sent.push(when);
  }
  sent.slice(0, 10).forEach((sentAt, i) => rate.onSuccess(1800 + 20 * i, sentAt));
  return { rate, sent };
}

describe("a steered rate's first cut", () => {
  test("reads what the service accepted by send time in the second before the refused call", () => {
    const { rate } = sentAtForty();
    // Refused: the call sent at 1000 ms, heard of at 2000. By answer time, 10 successes over the last 500 ms
    // (20 a second); by send time, the 40 calls of [0, 1000) went, and all ten of them answered were accepted.
    rate.onThrottle(2000, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
  });

  test("an unsteered rate reads answers only", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 40 });
    for (let at = 0; at < 2000; at += 25) while (rate.tryAcquire(at) > 0) at += 1;
    for (let i = 0; i < 10; i += 1) rate.onSuccess(1800 + 20 * i, 25 * i);
    rate.onThrottle(2000, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 20, 6);
  });

  test("then goes to just under what the service accepted of the calls sent until the refusal was heard of, as their answers come", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    // Of the 40 calls sent from 1000 to 2000 ms, the service took 30: ten refusals (the one at 1000 ms heard of
    // already; the others refused by a limit this rate does not answer for, which count the same), then thirty
    // successes.
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    expect(episode).toHaveLength(40);
    episode.slice(1, 10).forEach((sentAt) => rate.onRefused(sentAt));
    // Refusals of calls sent before the cut do not step the rate down.
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
    // Half answered (10 refused, 10 accepted): 40 * 10 / 20 = 20 a second.
    episode.slice(10, 20).forEach((sentAt, i) => rate.onSuccess(2200 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 20, 6);
    // All answered: 40 * 30 / 40 = 30 a second.
    episode.slice(20).forEach((sentAt, i) => rate.onSuccess(2300 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 30, 6);
  });

  test("a measure of fewer than ten accepted calls, or of fewer than half the calls, changes nothing", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    // 16 refused (the one at 1000 ms and 15 more), then 4 accepted: 20 of 40 answered, 40 * 4 / 20 = 8 calls.
    episode.slice(1, 16).forEach((sentAt, i) => rate.onThrottle(2100 + i, { sentAt }));
    episode.slice(16, 20).forEach((sentAt, i) => rate.onSuccess(2200 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
    // 40 * 5 / 21: 9.5 calls.
    rate.onSuccess(2300, episode[20]!);
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
    // 40 * 6 / 22: 10.9 calls, over a second.
    rate.onSuccess(2301, episode[21]!);
    expect(rate.perSecond).toBeCloseTo((0.97 * 40 * 6) / 22, 6);
  });

  test("a measure waits for half the calls to be answered", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    // 19 answered, all accepted but the first: fewer than half of the 40.
    episode.slice(1, 19).forEach((sentAt, i) => rate.onSuccess(2100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
    // The 20th: 40 * 19 / 20 = 38 a second, under the rate: it goes to 0.97 of that.
    rate.onSuccess(2200, episode[19]!);
    expect(rate.perSecond).toBeCloseTo(0.97 * 38, 6);
  });
});

describe("a first throttle", () => {
  /** A rate of 100 a second that sent a call every 50 ms from 0 to 450 ms: 20 a second, a fifth of what it allowed. */
  function sentAtTwenty(options: { steer?: boolean } = {}): AdaptiveRate {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 }, options);
    for (let at = 0; at <= 450; at += 50) expect(rate.tryAcquire(at)).toBe(0);
    return rate;
  }

  test("of a call sent while far fewer went than the rate allowed is a lone burst: down to twice what went, still in slow start", () => {
    for (const steer of [false, true]) {
      const rate = sentAtTwenty({ steer });
      // The call sent at 450 ms, heard of at 600: 9 calls over the 450 ms before it.
      rate.onThrottle(600, { sentAt: 450 });
      expect(rate.perSecond).toBeCloseTo(2 * 20, 6);
      expect(rate.throttled).toBe(false);
      // Its other refusals (calls sent before it was heard of) are the same event.
      rate.onThrottle(650, { sentAt: 599 });
      expect(rate.perSecond).toBeCloseTo(40, 6);
      // A refusal of a call sent at the instant the burst was heard of or later is the limit: a cut (AWS's, with
      // nothing accepted to measure).
      rate.onThrottle(700, { sentAt: 600 });
      expect(rate.throttled).toBe(true);
      expect(rate.perSecond).toBeCloseTo(40 * 0.7 * 0.97, 6);
    }
  });

  test("is a lone burst once only", () => {
    const rate = sentAtTwenty();
    rate.onThrottle(600, { sentAt: 450 });
    for (let at = 600; at <= 1500; at += 50) rate.tryAcquire(at);
    rate.onThrottle(1700, { sentAt: 1500 });
    expect(rate.throttled).toBe(true);
  });

  test("heard of within 50 ms of its call, or of a call in the run's first 50 ms, is the limit", () => {
    const soon = sentAtTwenty();
    soon.onThrottle(499, { sentAt: 450 });
    expect(soon.throttled).toBe(true);
    const at50 = sentAtTwenty();
    at50.onThrottle(500, { sentAt: 450 });
    expect(at50.throttled).toBe(false);
    const first = new AdaptiveRate(0, { initialPerSecond: 100 });
    expect(first.tryAcquire(0)).toBe(0);
    first.onThrottle(200, { sentAt: 30 });
    expect(first.throttled).toBe(true);
    expect(first.perSecond).toBeCloseTo(100 * 0.7 * 0.97, 6);
  });

  test("counts a token given back as a call not sent", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    // 20 calls a second went; thirty more tokens were taken and given back (no call was ready after all).
    for (let at = 0; at <= 450; at += 50) {
      expect(rate.tryAcquire(at)).toBe(0);
      for (const extra of [at + 10, at + 20, at + 30]) if (rate.tryAcquire(extra) === 0) rate.refund(extra);
    }
    rate.onThrottle(600, { sentAt: 450 });
    expect(rate.throttled).toBe(false);
    expect(rate.perSecond).toBeCloseTo(40, 6);
  });

  test("measures nothing from successes over less than 200 ms", () => {
    const young = new AdaptiveRate(0, { initialPerSecond: 100 });
    for (let at = 0; at < 150; at += 10) young.onSuccess(at);
    young.onThrottle(150, { sentAt: 150 });
    expect(young.perSecond).toBeCloseTo(0.97 * 0.7 * 100, 6);
    const older = new AdaptiveRate(0, { initialPerSecond: 100 });
    for (let at = 0; at < 200; at += 20) older.onSuccess(at);
    older.onThrottle(200, { sentAt: 200 });
    // Ten successes over 200 ms: 50 a second.
    expect(older.perSecond).toBeCloseTo(0.97 * 50, 6);
  });

  test("of a call sent while calls went at nine tenths of the rate or more is the limit", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    // 90 a second over the second before the refused call (its first 50 ms slot has the first call only).
    for (let at = 0; at < 1000; at += 100 / 9) rate.tryAcquire(at);
    rate.onThrottle(1100, { sentAt: 1000 });
    expect(rate.throttled).toBe(true);
  });
});

describe("an unsteered rate's cuts", () => {
  /** An unsteered rate of 100 a second cut at 1000 ms with no success before it: AWS's cut, to 0.97 of 70. */
  function cutAt1000(): AdaptiveRate {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    rate.onThrottle(1000, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 70, 6);
    return rate;
  }

  test("the first measures the successes of the last half second, or of the last second when fewer than ten came", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    // 20 a second: ten in the last half second.
    for (let at = 0; at < 1000; at += 50) rate.onSuccess(at);
    rate.onThrottle(1000, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 20, 6);
    const slower = new AdaptiveRate(0, { initialPerSecond: 100 });
    // 16 a second: eight in the last half second; the meter's whole second is its ten 100 ms slots back from the
    // current one, [100, 1000] here: 14 successes over 900 ms.
    for (let at = 0; at < 1000; at += 62.5) slower.onSuccess(at);
    slower.onThrottle(1000, { sentAt: 1000 });
    expect(slower.perSecond).toBeCloseTo((0.97 * 14) / 0.9, 6);
  });

  test("a throttle within 200 ms of a cut, or of a call sent before it, is the same event", () => {
    const rate = cutAt1000();
    rate.onThrottle(1199, { sentAt: 1100 });
    rate.onThrottle(1300, { sentAt: 999 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 70, 6);
    // 200 ms after the cut, of a call sent at its instant: a new cut (nothing accepted since: AWS's again).
    rate.onThrottle(1200, { sentAt: 1000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 0.97 * 70, 6);
  });

  test("with too few calls to measure because fewer went than the rate allowed, steps down from the last cut", () => {
    const climbed = cutAt1000();
    // Back along the cubic past the rate throttled (70), then idle: the step is from the cut, not from the rate now.
    for (let at = 1000; at < 5000; at += 5) climbed.onSuccess(at);
    expect(climbed.perSecond).toBeGreaterThan(70);
    climbed.refund(5100);
    climbed.onThrottle(7000, { sentAt: 6900 });
    expect(climbed.perSecond).toBeCloseTo(0.97 * 0.97 * 70, 6);
    const idle = cutAt1000();
    // A token given back: fewer calls were ready than the rate allowed.
    idle.refund(1100);
    idle.onThrottle(1400, { sentAt: 1300 });
    expect(idle.perSecond).toBeCloseTo(0.97 * 0.97 * 70, 6);
    // Given back at the cut's instant: not since it, so the calls went and hardly any got through: AWS's cut.
    const busy = cutAt1000();
    busy.refund(1000);
    busy.onThrottle(1400, { sentAt: 1300 });
    expect(busy.perSecond).toBeCloseTo(0.7 * 0.97 * 0.97 * 70, 6);
  });
});

/**
 * A steered rate of 100 a second sending 40 a second (every 25 ms) from 0 until `untilMs`, a fifth of what it
 * allowed: the refusal heard at 1100 ms of the call sent at 1000 is a lone burst, which takes it down to twice the
 * 40 that went, 80. Returns when each call went.
 */
function afterLoneBurst(untilMs: number): { rate: AdaptiveRate; sent: number[] } {
  const rate = new AdaptiveRate(0, { initialPerSecond: 100 }, { steer: true });
  const sent: number[] = [];
  for (let at = 0; at < untilMs; at += 25) {
    if (at === 1100) rate.onThrottle(1100, { sentAt: 1000 });
    expect(rate.tryAcquire(at)).toBe(0);
    sent.push(at);
  }
  expect(rate.perSecond).toBe(80);
  return { rate, sent };
}

/**
 * {@link afterLoneBurst} until 3000 ms, then the limit at 3000 ms, of the call sent at 2000 (nothing measured: 0.97
 * of 0.7 of 80). The episode: the 40 calls of [2000, 3000), sent at half the rate of 80.
 */
function episodeUnderTheRate(): { rate: AdaptiveRate; episode: number[] } {
  const { rate, sent } = afterLoneBurst(3000);
  rate.onThrottle(3000, { sentAt: 2000 });
  expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 80, 6);
  return { rate, episode: sent.filter((at) => at >= 2000) };
}

describe("a steered rate's episode", () => {
  test("of calls sent well under the rate, with one refused, measures nothing: the limit may be higher", () => {
    const { rate, episode } = episodeUnderTheRate();
    episode.slice(1).forEach((sentAt, i) => rate.onSuccess(3100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 80, 6);
  });

  test("of calls sent well under the rate, a tenth of them refused and at least two, measures what was accepted", () => {
    const { rate, episode } = episodeUnderTheRate();
    // Four refused of 40 (the one at 2000 and three more): 40 * 36 / 40 = 36 a second.
    episode.slice(1, 4).forEach((sentAt, i) => rate.onThrottle(3050 + i, { sentAt }));
    episode.slice(4).forEach((sentAt, i) => rate.onSuccess(3100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 36, 6);
  });

  test("of calls sent well under the rate, two refused but under a tenth, measures nothing", () => {
    const { rate, episode } = episodeUnderTheRate();
    // 18 accepted, then the second refusal (20 answered, the first measure), then 20 more accepted: 2 of 21
    // refused and fewer after.
    episode.slice(2, 20).forEach((sentAt, i) => rate.onSuccess(3100 + i, sentAt));
    rate.onThrottle(3200, { sentAt: episode[1]! });
    episode.slice(20).forEach((sentAt, i) => rate.onSuccess(3300 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 80, 6);
  });
});

describe("an unsteered rate's cubic", () => {
  test("is back at the rate throttled the cube root of (1 - beta) / scale seconds after the cut", () => {
    // Defaults: beta 0.97, scale 0.002: the cube root of 15, 2.466 s.
    const rate = new AdaptiveRate(0, { initialPerSecond: 50 });
    rate.onThrottle(1000, { sentAt: 1000 });
    const back = 1000 + 1000 * Math.cbrt(15);
    // Successes at 100 a second keep the tenth of headroom over what is accepted above the rate.
    let at = 1000;
    for (; at < back - 50; at += 10) rate.onSuccess(at);
    expect(rate.perSecond).toBeLessThan(35);
    expect(rate.perSecond).toBeGreaterThan(0.99 * 35);
    for (; at < back + 1000; at += 10) rate.onSuccess(at);
    expect(rate.perSecond).toBeGreaterThan(35);
    expect(rate.perSecond).toBeLessThan(1.01 * 35);
  });
});

describe("a steered rate's first cut with the accepted rate given", () => {
  test("takes it, not its own measure", () => {
    const { rate } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000, acceptedPerSecond: 30 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 30, 6);
  });
});

describe("a steered rate's episode, further", () => {
  test("measures at two refused of twenty answered: a tenth, and two", () => {
    const { rate, episode } = episodeUnderTheRate();
    rate.onThrottle(3050, { sentAt: episode[1]! });
    // 18 accepted: at 20 answered, 40 * 18 / 20 = 36 a second.
    episode.slice(2, 20).forEach((sentAt, i) => rate.onSuccess(3100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 36, 6);
  });

  test("leaves a rate that is already between 0.97 of the measure and the measure", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    // 8 more refused (9 in all), 29 accepted: 40 * 29 / 38 = 30.53 a second, the rate 0.97 of it.
    episode.slice(1, 9).forEach((sentAt) => rate.onRefused(sentAt));
    episode.slice(9, 38).forEach((sentAt, i) => rate.onSuccess(2100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo((0.97 * 40 * 29) / 38, 6);
    // A tenth refused, then one more accepted: 40 * 30 / 40 = 30 a second, and the rate, 29.61, is between 29.1 and 30.
    rate.onRefused(episode[38]!);
    rate.onSuccess(2200, episode[39]!);
    expect(rate.perSecond).toBeCloseTo((0.97 * 40 * 29) / 38, 6);
  });
});

describe("a steered rate's first cut in the run's first second", () => {
  test("reads the calls sent since the run began, not a whole second before it", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 44 }, { steer: true });
    const sent: number[] = [];
    for (let at = 0; at < 1000; at += 25) {
      let when = at;
      while (rate.tryAcquire(when) > 0) when += 1;
      sent.push(when);
    }
    // The call sent at 600 ms refused, heard of at 900: of the 24 calls of [0, 600), the first ten answered, all
    // accepted: 24 over 600 ms, 40 a second (not 24 over a second).
    sent.slice(0, 10).forEach((sentAt, i) => rate.onSuccess(700 + 20 * i, sentAt));
    rate.onThrottle(900, { sentAt: 600 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 40, 6);
  });
});

describe("the adaptive rate's boundaries", () => {
  test("a first throttle of a call sent at exactly nine tenths of the rate is the limit, not a lone burst", () => {
    const rate = new AdaptiveRate(0, { initialPerSecond: 100 });
    // 45 calls in the 500 ms before the refused one: 90 a second.
    for (let i = 0; i < 45; i += 1) expect(rate.tryAcquire((500 * i) / 45)).toBe(0);
    rate.onThrottle(600, { sentAt: 500 });
    expect(rate.throttled).toBe(true);
  });

  test("a steered first cut counts the refused calls among those answered", () => {
    const { rate, sent } = sentAtForty();
    const another = new AdaptiveRate(0, { initialPerSecond: 44 }, { steer: true });
    for (const at of sent) another.tryAcquire(at);
    // Of the calls of [0, 1000): 8 accepted, 2 refused by another limit: 40 * 8 / 10 = 32 a second.
    sent.slice(0, 8).forEach((sentAt, i) => another.onSuccess(1800 + 20 * i, sentAt));
    sent.slice(8, 10).forEach((sentAt) => another.onRefused(sentAt));
    another.onThrottle(2000, { sentAt: 1000 });
    expect(another.perSecond).toBeCloseTo(0.97 * 32, 6);
    expect(rate.perSecond).toBe(44);
  });

  test("an episode measure of exactly ten accepted calls counts", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    // 15 refused, 5 accepted: 40 * 5 / 20 = 10 calls, 10 a second.
    episode.slice(1, 15).forEach((sentAt) => rate.onRefused(sentAt));
    episode.slice(15, 20).forEach((sentAt, i) => rate.onSuccess(2200 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 10, 6);
  });

  test("only answers of the episode's calls measure it", () => {
    const { rate, sent } = sentAtForty();
    rate.onThrottle(2000, { sentAt: 1000 });
    const episode = sent.filter((at) => at >= 1000 && at < 2000);
    // 10 refused, 30 accepted: 30 a second.
    episode.slice(1, 10).forEach((sentAt) => rate.onRefused(sentAt));
    episode.slice(10).forEach((sentAt, i) => rate.onSuccess(2100 + i, sentAt));
    const measured = rate.perSecond;
    expect(measured).toBeCloseTo(0.97 * 30, 6);
    // Five refusals more filed under the episode's send times (the ledger counts them; 40 * 30 / 45 would be 26.7
    // a second), then the answer of a call sent before the episode: no measure runs, the rate stays.
    for (const sentAt of episode.slice(20, 25)) rate.onRefused(sentAt);
    rate.onSuccess(2300, 999);
    expect(rate.perSecond).toBe(measured);
  });
});

describe("a steered rate's episode at 400 calls a second", () => {
  /**
   * A steered rate of 440 a second sending 400 a second (every 2.5 ms, twice at 1000 ms) from 0 to 1100 ms; the
   * first cut, with nothing answered before it, is AWS's: 0.97 of 0.7 of 440.
   */
  function sending(refusedAt: number, heardAt: number): { rate: AdaptiveRate; sent: number[] } {
    const rate = new AdaptiveRate(0, { initialPerSecond: 440 }, { steer: true });
    const sent: number[] = [];
    for (let i = 0; i < 440; i += 1) {
      const at = i * 2.5;
      expect(rate.tryAcquire(at)).toBe(0);
      sent.push(at);
      if (at === 1000) {
        expect(rate.tryAcquire(at)).toBe(0);
        sent.push(at);
      }
    }
    rate.onThrottle(heardAt, { sentAt: refusedAt });
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 440, 6);
    return { rate, sent };
  }

  test("heard of exactly 50 ms after its call, makes an episode that its answers measure", () => {
    const { rate, sent } = sending(1000, 1050);
    // The 21 calls of [1000, 1050): the refused one, 4 more refused, 16 accepted: 21 * 16 / 21 = 16 calls in 50 ms.
    const episode = sent.filter((at) => at >= 1000 && at < 1050);
    expect(episode).toHaveLength(21);
    episode.slice(1, 5).forEach((sentAt) => rate.onRefused(sentAt));
    episode.slice(5).forEach((sentAt, i) => rate.onSuccess(1100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 320, 6);
  });

  test("heard of within 50 ms of its call, makes none, even across a slot's edge", () => {
    const { rate, sent } = sending(1010, 1050);
    sent.filter((at) => at >= 1000 && at < 1050).forEach((sentAt, i) => rate.onSuccess(1100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 440, 6);
  });

  test("is measured by the answers of calls sent from the refused one's instant, not of one sent at the cut's", () => {
    const { rate, sent } = sending(1000, 1050);
    const episode = sent.filter((at) => at >= 1000 && at < 1050);
    // 14 accepted answers first (not the twin sent at 1000 ms with the refused one): 21 * 14 / 15 = 19.6 calls in
    // 50 ms, 392 a second.
    episode.slice(2, 16).forEach((sentAt, i) => rate.onSuccess(1100 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 392, 6);
    // 4 refused more (5 in all), then the twin accepted: 21 * 15 / 20 = 15.75 calls in 50 ms, 315 a second.
    episode.slice(16, 20).forEach((sentAt) => rate.onRefused(sentAt));
    rate.onSuccess(1200, episode[1]!);
    expect(rate.perSecond).toBeCloseTo(0.97 * 315, 6);
    // A call sent at the cut's instant, accepted: no measure (the refusal of the last one would give 21 * 15 / 21).
    rate.onRefused(episode[20]!);
    rate.onSuccess(1300, 1050);
    expect(rate.perSecond).toBeCloseTo(0.97 * 315, 6);
  });
});

describe("a steered rate's short episode of calls sent under the rate", () => {
  test("with one refusal of ten answered measures nothing: two are needed", () => {
    const { rate, sent } = afterLoneBurst(2300);
    // The lone burst took it to 80; the limit, heard of at 2300 for the call of 2000: 12 calls in the episode.
    rate.onThrottle(2300, { sentAt: 2000 });
    const episode = sent.filter((at) => at >= 2000 && at < 2300);
    expect(episode).toHaveLength(12);
    // 9 accepted with the one refused: a tenth refused, 12 * 9 / 10 = 10.8 calls; but one refusal only.
    episode.slice(1, 10).forEach((sentAt, i) => rate.onSuccess(2400 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 80, 6);
  });
});

describe("a steered rate's episode paced at exactly nine tenths of the rate", () => {
  test("is saturated: its one refusal is enough to measure it", () => {
    const { rate } = afterLoneBurst(2000);
    // From 2000 ms, 72 a second (nine tenths of 80): 18 calls in the 250 ms until the refusal of the first is heard.
    const episode = Array.from({ length: 18 }, (_, k) => 2000 + (k * 1000) / 72);
    for (const at of episode) expect(rate.tryAcquire(at)).toBe(0);
    rate.onThrottle(2250, { sentAt: 2000 });
    expect(rate.perSecond).toBeCloseTo(0.97 * 0.7 * 80, 6);
    // The other 17 accepted: 18 * 17 / 18 = 17 calls in 250 ms, 68 a second.
    episode.slice(1).forEach((sentAt, i) => rate.onSuccess(2300 + i, sentAt));
    expect(rate.perSecond).toBeCloseTo(0.97 * 68, 6);
  });
});
