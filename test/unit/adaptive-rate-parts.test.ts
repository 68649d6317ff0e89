import { describe, expect, test } from "vitest";
import { AcceptedMeter, Pacer, SendLedger } from "../../src/bulk/adaptive-rate.js";

/**
 * The three parts of the adaptive rate, read directly at explicit times (no timers). Every expected value is worked
 * out by hand from the rules in the doc comments of src/bulk/adaptive-rate.ts:
 * - AcceptedMeter counts successes in 100 ms slots, ten of them at most (a second); a read over `windowMs` counts the
 *   whole slots that [now - windowMs, now] touches, and its span runs from the start of the oldest of them to `now`,
 *   or from when counting began if that is later.
 * - SendLedger counts calls by send time in 50 ms slots, 200 of them (ten seconds); `sum(from, to)` counts the whole
 *   slots from the one of `from` up to, not including, the one of `to`, and spans (their number) * 50 ms.
 * - Pacer is a token bucket that starts with one token and holds max(1, 0.1 s of tokens) at the rate it is asked at.
 * (Loops that take tokens stop at 20, so that a mutant which never takes one fails instead of hanging.)
 */

describe("AcceptedMeter", () => {
  test("read at the instant it was made, it measures nothing: 0 per second, not NaN or Infinity", () => {
    const meter = new AcceptedMeter(5000);
    expect(meter.measure(5000, 1000)).toEqual({ count: 0, spanMs: 0 });
    expect(meter.perSecond(5000)).toBe(0);

    // A success at that same instant is one success over no time: still no pace to read.
    meter.add(5000);
    expect(meter.measure(5000, 1000)).toEqual({ count: 1, spanMs: 0 });
    expect(meter.perSecond(5000)).toBe(0);
  });

  test("a young meter measures over its own age, not over a whole second", () => {
    const meter = new AcceptedMeter(1000);
    for (const at of [1000, 1100, 1200]) meter.add(at);
    // Made at 1000, read at 1300: three successes over 300 ms.
    expect(meter.measure(1300, 1000)).toEqual({ count: 3, spanMs: 300 });
    expect(meter.perSecond(1300)).toBe(10);
  });

  test("a meter made partway through a run with an earlier `since` reads a first few successes over the time since then", () => {
    const meter = new AcceptedMeter(1000, 800);
    for (const at of [1000, 1050, 1099]) meter.add(at);
    // Counting began at 800: three successes over the 300 ms to 1100, 10 per second (not 30, as over 100 ms).
    expect(meter.measure(1100, 1000)).toEqual({ count: 3, spanMs: 300 });
    expect(meter.perSecond(1100)).toBe(10);
  });

  test("a `since` after `now` counts from `now`", () => {
    const meter = new AcceptedMeter(1000, 1500);
    meter.add(1000);
    // One success over the 100 ms from 1000 to 1100.
    expect(meter.measure(1100, 1000)).toEqual({ count: 1, spanMs: 100 });
    expect(meter.perSecond(1100)).toBe(10);
  });

  test("a window shorter than a second counts the whole 100 ms slots it touches, back from the current one", () => {
    const meter = new AcceptedMeter(0);
    for (const at of [750, 820, 1040]) meter.add(at);
    // [850, 1050] touches the slots 800-899, 900-999 and 1000-1099: 820 and 1040, over 800 to 1050.
    expect(meter.measure(1050, 200)).toEqual({ count: 2, spanMs: 250 });
    // [990, 1050] touches 900-999 and 1000-1099: 1040 alone, over 900 to 1050.
    expect(meter.measure(1050, 60)).toEqual({ count: 1, spanMs: 150 });
    // [1000, 1050] and [1050, 1050] touch the current slot alone.
    expect(meter.measure(1050, 50)).toEqual({ count: 1, spanMs: 50 });
    expect(meter.measure(1050, 0)).toEqual({ count: 1, spanMs: 50 });
    // [650, 1050] touches 600-699 to 1000-1099: all three, over 600 to 1050.
    expect(meter.measure(1050, 400)).toEqual({ count: 3, spanMs: 450 });
    // 3 successes over that 450 ms.
    expect(meter.perSecond(1050, 400)).toBeCloseTo(3000 / 450, 10);
  });

  test("at a slot's start a window of whole slots counts just as many slots as it spans, plus the current one", () => {
    const meter = new AcceptedMeter(0);
    for (const at of [799, 800, 950, 1000]) meter.add(at);
    // [800, 1000] touches 800-899, 900-999 and 1000-1099 (1000 is in it): 800, 950 and 1000, over 800 to 1000.
    expect(meter.measure(1000, 200)).toEqual({ count: 3, spanMs: 200 });
  });

  test("a window never reaches back more than ten slots, whatever is asked", () => {
    const meter = new AcceptedMeter(0);
    for (const at of [50, 150, 1050]) meter.add(at);
    // Ten slots back from 1000-1099 start at 100: 50 is out even for a window of five seconds.
    expect(meter.measure(1050, 5000)).toEqual({ count: 2, spanMs: 950 });
  });

  test("successes older than a second drop out exactly as their slot leaves the ten", () => {
    const meter = new AcceptedMeter(0);
    meter.add(50); // slot 0-99
    meter.add(150); // slot 100-199
    // At 1000 the ten slots are 100-199 to 1000-1099: 50 has gone, 150 is in, over 100 to 1000.
    expect(meter.measure(1000, 1000)).toEqual({ count: 1, spanMs: 900 });
    // Still in at the last instant of that slot...
    expect(meter.measure(1099, 1000)).toEqual({ count: 1, spanMs: 999 });
    // ...and gone at the next one.
    expect(meter.measure(1100, 1000)).toEqual({ count: 0, spanMs: 900 });
    expect(meter.perSecond(1100)).toBe(0);
  });

  test("counts of a slot are gone when it comes round again, after a gap of a little or a long time", () => {
    const meter = new AcceptedMeter(0);
    for (const at of [0, 10, 20]) meter.add(at);
    // 1000-1099 comes ten slots after 0-99: a success there is counted alone.
    meter.add(1010);
    expect(meter.measure(1010, 1000)).toEqual({ count: 1, spanMs: 910 });

    // A gap of 25 slots (more than ten): nothing is left of before it.
    meter.add(3500);
    expect(meter.measure(3550, 1000)).toEqual({ count: 1, spanMs: 950 });

    // A gap of 11 and of 12 slots.
    const eleven = new AcceptedMeter(0);
    for (const at of [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]) eleven.add(at);
    eleven.add(2000);
    expect(eleven.measure(2000, 1000)).toEqual({ count: 1, spanMs: 900 });
    const twelve = new AcceptedMeter(0);
    for (const at of [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]) twelve.add(at);
    twelve.add(2100);
    expect(twelve.measure(2100, 1000)).toEqual({ count: 1, spanMs: 900 });
  });

  test("a success reported at a time before the last one loses no count (a clock that steps back)", () => {
    const meter = new AcceptedMeter(0);
    meter.add(550);
    meter.add(320);
    // Both are within the last second at 600.
    expect(meter.measure(600, 1000).count).toBe(2);
    meter.add(700);
    expect(meter.measure(700, 1000).count).toBe(3);
  });
});

describe("SendLedger", () => {
  /** 1 call in the slot 0-49, 2 in 50-99, 4 in 100-149, 8 in 150-199. */
  function ledgerOf(): SendLedger {
    const ledger = new SendLedger();
    for (const at of [0, 50, 99, 100, 120, 130, 149, 150, 151, 160, 170, 180, 190, 198, 199]) ledger.sent(at);
    return ledger;
  }

  test("sum counts the whole 50 ms slots from the one of `from` up to, not including, the one of `to`", () => {
    const ledger = ledgerOf();
    expect(ledger.sum(0, 200)).toEqual({ sent: 15, ok: 0, refused: 0, spanMs: 200 });
    // From 0-49 up to 150-199, not including it.
    expect(ledger.sum(49, 151)).toEqual({ sent: 7, ok: 0, refused: 0, spanMs: 150 });
    expect(ledger.sum(50, 150)).toEqual({ sent: 6, ok: 0, refused: 0, spanMs: 100 });
    expect(ledger.sum(149, 150)).toEqual({ sent: 4, ok: 0, refused: 0, spanMs: 50 });
    expect(ledger.sum(0, 50)).toEqual({ sent: 1, ok: 0, refused: 0, spanMs: 50 });
    // One slot to itself: nothing, over no time.
    expect(ledger.sum(120, 149)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 0 });
    // Slots never sent in count nothing but still span their time.
    expect(ledger.sum(200, 1000)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 800 });
  });

  test("a fresh ledger holds nothing", () => {
    const ledger = new SendLedger();
    expect(ledger.sum(0, 10_000)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 10_000 });
  });

  test("answers are counted by the time their calls were sent, accepted and refused apart", () => {
    const ledger = new SendLedger();
    ledger.sent(10);
    ledger.sent(20);
    ledger.sent(60);
    ledger.answered(20, false);
    ledger.answered(10, true);
    ledger.answered(60, true);
    expect(ledger.sum(0, 50)).toEqual({ sent: 2, ok: 1, refused: 1, spanMs: 50 });
    expect(ledger.sum(50, 100)).toEqual({ sent: 1, ok: 1, refused: 0, spanMs: 50 });
    expect(ledger.sum(0, 100)).toEqual({ sent: 3, ok: 2, refused: 1, spanMs: 100 });
  });

  test("sent(at, -1) takes one call back", () => {
    const ledger = new SendLedger();
    ledger.sent(100);
    ledger.sent(110);
    ledger.sent(120, -1);
    expect(ledger.sum(100, 150).sent).toBe(1);
    ledger.sent(140, -1);
    expect(ledger.sum(100, 150).sent).toBe(0);
  });

  test("a call at time 0 is counted in the slot 0-49", () => {
    const ledger = new SendLedger();
    ledger.sent(0);
    ledger.answered(0, true);
    expect(ledger.sum(0, 50)).toEqual({ sent: 1, ok: 1, refused: 0, spanMs: 50 });
  });

  test("a sum over times before 0 (a fake clock's `now - 4 s` early in a run) counts nothing and spans its time", () => {
    const ledger = new SendLedger();
    expect(ledger.sum(-100, 0)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 100 });
    ledger.sent(0);
    expect(ledger.sum(-100, 50)).toEqual({ sent: 1, ok: 0, refused: 0, spanMs: 150 });
  });

  test("a slot reused ten seconds later does not count the old slot's calls", () => {
    const ledger = new SendLedger();
    ledger.sent(0);
    ledger.sent(20);
    ledger.answered(0, true);
    ledger.answered(20, false);
    // 10 000-10 049 is 200 slots after 0-49: nothing was sent in it.
    expect(ledger.sum(10_000, 10_050)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 50 });
    ledger.sent(10_010);
    expect(ledger.sum(10_000, 10_050)).toEqual({ sent: 1, ok: 0, refused: 0, spanMs: 50 });
    // The older slot is gone for good, once, not twice, in a sum over both.
    expect(ledger.sum(0, 50)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 50 });
    expect(ledger.sum(0, 10_050)).toEqual({ sent: 1, ok: 0, refused: 0, spanMs: 10_050 });
  });

  test("a call sent more than ten seconds before the newest slot is too old to keep: its answer is dropped", () => {
    const ledger = new SendLedger();
    ledger.sent(0);
    ledger.sent(10_000);
    // The answer of the call of 0 comes after one of 10 000 took its slot's place.
    ledger.answered(0, true);
    ledger.sent(30);
    ledger.answered(10_000, false);
    expect(ledger.sum(10_000, 10_050)).toEqual({ sent: 1, ok: 0, refused: 1, spanMs: 50 });
    expect(ledger.sum(0, 50)).toEqual({ sent: 0, ok: 0, refused: 0, spanMs: 50 });
    // 9 950-9 999 (199 slots after 0-49) is still kept alongside.
    ledger.sent(9_999);
    ledger.answered(9_999, true);
    expect(ledger.sum(9_950, 10_050)).toEqual({ sent: 2, ok: 1, refused: 1, spanMs: 100 });
  });
});

describe("Pacer", () => {
  test("a fresh bucket holds one token: no wait, then a whole token's time", () => {
    const pacer = new Pacer(0);
    expect(pacer.tryAcquire(0, 10)).toBe(0);
    // At 10 per second a token takes 100 ms.
    expect(pacer.waitMs(0, 10)).toBe(100);
    expect(pacer.waitMs(60, 10)).toBe(40);
    expect(pacer.tryAcquire(100, 10)).toBe(0);
  });

  test("with exactly one token there is no wait, at any rate", () => {
    // A token is there now: 0, even at a rate of 0, where a missing token would never come.
    expect(new Pacer(0).waitMs(0, 0)).toBe(0);
    expect(new Pacer(0).waitMs(500, 0)).toBe(0);
    expect(new Pacer(0).waitMs(0, 10)).toBe(0);
  });

  test("half a token at 10 per second is 50 ms away", () => {
    const pacer = new Pacer(0);
    pacer.tryAcquire(0, 10);
    // 50 ms at 10 per second refill half a token; the other half takes 50 ms more.
    expect(pacer.waitMs(50, 10)).toBe(50);
    // At 4 per second, 125 ms after taking the token, half a token is 125 ms away.
    const slow = new Pacer(0);
    slow.tryAcquire(0, 4);
    expect(slow.waitMs(125, 4)).toBe(125);
  });

  test("the bucket holds 0.1 s of tokens at most (at least one): ten at 100 per second after a pause", () => {
    const pacer = new Pacer(0);
    let taken = 0;
    while (taken < 20 && pacer.tryAcquire(1000, 100) === 0) taken += 1;
    expect(taken).toBe(10);
    // The next is 1/100 s away.
    expect(pacer.waitMs(1000, 100)).toBe(10);
    // At 5 per second it holds one (0.5 rounds up to one).
    const slow = new Pacer(0);
    expect(slow.tryAcquire(5000, 5)).toBe(0);
    expect(slow.waitMs(5000, 5)).toBe(200);
  });

  test("a clock that steps back takes no tokens away", () => {
    const pacer = new Pacer(1000);
    pacer.tryAcquire(1000, 10);
    expect(pacer.waitMs(900, 10)).toBe(100);
    // From 900 on, 100 ms bring the token.
    expect(pacer.waitMs(1000, 10)).toBe(0);
  });

  test("with no limit there is never a wait, and calls then take no tokens", () => {
    const pacer = new Pacer(0);
    for (let i = 0; i < 5; i += 1) expect(pacer.tryAcquire(0, Number.POSITIVE_INFINITY)).toBe(0);
    // The bucket still has its one token when a limit is set.
    expect(pacer.tryAcquire(0, 10)).toBe(0);
    expect(pacer.waitMs(0, 10)).toBe(100);
  });

  test("full: the bucket held its capacity at the last waitMs; never with no limit", () => {
    const pacer = new Pacer(0);
    pacer.waitMs(0, 10);
    // One token, capacity one at 10 per second.
    expect(pacer.full).toBe(true);
    pacer.take();
    expect(pacer.full).toBe(false);
    pacer.waitMs(50, 10);
    expect(pacer.full).toBe(false);
    pacer.waitMs(100, 10);
    expect(pacer.full).toBe(true);

    // At 100 per second the capacity is ten: one token is not full, ten are.
    const fast = new Pacer(0);
    fast.waitMs(0, 100);
    expect(fast.full).toBe(false);
    fast.waitMs(1000, 100);
    expect(fast.full).toBe(true);

    // No limit: never full, with or without tokens.
    const unlimited = new Pacer(0);
    unlimited.waitMs(0, Number.POSITIVE_INFINITY);
    expect(unlimited.full).toBe(false);
    unlimited.waitMs(10_000, Number.POSITIVE_INFINITY);
    expect(unlimited.full).toBe(false);
  });

  test("refund gives a token back, never over the bucket's capacity", () => {
    const pacer = new Pacer(0);
    expect(pacer.tryAcquire(0, 10)).toBe(0);
    pacer.refund(10);
    expect(pacer.tryAcquire(0, 10)).toBe(0);
    expect(pacer.waitMs(0, 10)).toBe(100);

    // Full at 10 per second (capacity one): a refund leaves one token, not two.
    const full = new Pacer(0);
    full.waitMs(0, 10);
    full.refund(10);
    expect(full.tryAcquire(0, 10)).toBe(0);
    expect(full.waitMs(0, 10)).toBe(100);

    // Full at 100 per second (capacity ten): still ten.
    const fast = new Pacer(0);
    fast.waitMs(1000, 100);
    fast.refund(100);
    let taken = 0;
    while (taken < 20 && fast.tryAcquire(1000, 100) === 0) taken += 1;
    expect(taken).toBe(10);

    // At 100 per second a bucket emptied by one call gets that one token back, not a full bucket.
    const emptied = new Pacer(0);
    expect(emptied.tryAcquire(0, 100)).toBe(0);
    emptied.refund(100);
    expect(emptied.tryAcquire(0, 100)).toBe(0);
    expect(emptied.waitMs(0, 100)).toBe(10);

    // A refund to a full bucket at 10 per second stays at its capacity then, one token, when the rate goes up.
    const raised = new Pacer(0);
    raised.waitMs(0, 10);
    raised.refund(10);
    expect(raised.tryAcquire(0, 100)).toBe(0);
    expect(raised.waitMs(0, 100)).toBe(10);
  });

  test("after empty() a call waits a whole token's time, even if the bucket was full", () => {
    const pacer = new Pacer(0);
    expect(pacer.waitMs(0, 10)).toBe(0);
    pacer.empty();
    expect(pacer.waitMs(0, 10)).toBe(100);

    const fast = new Pacer(0);
    fast.waitMs(1000, 100);
    expect(fast.full).toBe(true);
    fast.empty();
    // 1/100 s for the next token.
    expect(fast.waitMs(1000, 100)).toBe(10);

    // A rate that started with no limit and is throttled at 1000: the saved-up time is dropped as well.
    const unlimited = new Pacer(0);
    expect(unlimited.tryAcquire(1000, Number.POSITIVE_INFINITY)).toBe(0);
    unlimited.empty();
    expect(unlimited.waitMs(1000, 10)).toBe(100);
  });
});
