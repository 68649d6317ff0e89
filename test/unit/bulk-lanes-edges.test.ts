import { describe, expect, test } from "vitest";
import type { AdaptiveRateOptions } from "../../src/bulk/adaptive-rate.js";
import { createCustomerLanes, type DispatchHooks, type Lane } from "../../src/bulk/lanes.js";

/**
 * The edges of the customer lanes' rules (src/bulk/lanes.ts): exact boundaries, the wait a dispatch reports, the
 * order of re-queued items, the sweep of idle lanes. Times are explicit, as in bulk-lanes.test.ts: no clock, no timers.
 */

type Lanes = ReturnType<typeof createCustomerLanes<number>>;

/**
 * Lanes for one customer per entry of `paces`, each with `queued` items waiting from 0, and each customer's
 * successes from 0 until `untilMs`, at its own pace (per second). `latencyMs`: each success is of a call sent that
 * long before it (undefined: sent at no known time, as the existing tests do).
 */
function lanesWithPaces(
  paces: number[],
  { rateOptions, untilMs = 2_000, latencyMs }: { rateOptions?: AdaptiveRateOptions | false; untilMs?: number; latencyMs?: number } = {},
) {
  const lanes = createCustomerLanes<number>(4, rateOptions);
  const byCustomer: Array<Lane<number>> = paces.map((_, c) => {
    let lane: Lane<number> | undefined;
    for (let i = 0; i < 50; i += 1) lane = lanes.enqueue(`c${c}`, i, 0);
    return lane!;
  });
  paces.forEach((pace, c) => {
    for (let at = 0; at < untilMs; at += 1000 / pace) succeed(lanes, byCustomer[c]!, at, latencyMs);
  });
  return { lanes, byCustomer };
}

function succeed(lanes: Lanes, lane: Lane<number>, at: number, latencyMs: number | undefined) {
  lanes.succeeded(lane, at, latencyMs === undefined ? undefined : at - latencyMs);
}

/**
 * Hooks with no partner-wide limit; each start is recorded as `customer:item`, and counted in flight if
 * `countInFlight`. Room for 100 starts in all (no test starts more), so that a dispatch that would never stop fails
 * instead of hanging.
 */
function recorder({ countInFlight = false } = {}) {
  const started: string[] = [];
  const hooks: DispatchHooks<number> = {
    hasRoom: () => started.length < 100,
    partnerWaitMs: () => 0,
    refundPartner: () => {},
    start: (item, lane) => {
      started.push(`${lane.customerId}:${item}`);
      if (countInFlight) lane.inFlight += 1;
    },
  };
  return { started, hooks };
}

describe("customer lanes: telling a customer's own limit from the partner's", () => {
  test("with no per-customer rate (rateOptions false), a throttle is never the customer's own: it pauses the customer", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5], { rateOptions: false });
    // c0 gets four times what the others get, which with a rate would be its own limit; with none there is no rate to cut.
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000)).toEqual({ own: false, notBefore: 3_000 });
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
    expect(byCustomer[0]!.pausedUntil).toBe(3_000);
  });

  test("with only one customer getting through, a throttle is not its own even if other customers have lanes", () => {
    const lanes = createCustomerLanes<number>(4, undefined);
    let c0 = lanes.enqueue("c0", 0, 0);
    for (let i = 1; i < 50; i += 1) c0 = lanes.enqueue("c0", i, 0);
    // c1 has work waiting but no success yet: it is not getting through, and does not lower the average.
    lanes.enqueue("c1", 0, 0);
    for (let at = 0; at < 2_000; at += 50) lanes.succeeded(c0, at);
    expect(lanes.throttle(c0, 2_000, 1_990, 1_000).own).toBe(false);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  test("at exactly 1.3 times the average of the customers getting through, a customer is not clearly ahead: the throttle is the partner's", () => {
    // Over the first 500 ms: c0 13 successes (26 a second), c1 7 (14 a second). The average is 20 a second, and
    // 1.3 times it is 26: c0 is at the threshold, not over it.
    const lanes = createCustomerLanes<number>(4, undefined);
    const c0 = lanes.enqueue("c0", 0, 0);
    const c1 = lanes.enqueue("c1", 0, 0);
    for (let i = 0; i < 13; i += 1) lanes.succeeded(c0, i * 37);
    for (let i = 0; i < 7; i += 1) lanes.succeeded(c1, i * 70);
    expect(lanes.throttle(c0, 500, 490, 1_000).own).toBe(false);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  test("one success more than the threshold (14 against 7: 28 a second over 1.3 times 21) is the customer's own limit", () => {
    const lanes = createCustomerLanes<number>(4, undefined);
    const c0 = lanes.enqueue("c0", 0, 0);
    const c1 = lanes.enqueue("c1", 0, 0);
    for (let i = 0; i < 14; i += 1) lanes.succeeded(c0, i * 34);
    for (let i = 0; i < 7; i += 1) lanes.succeeded(c1, i * 70);
    expect(lanes.throttle(c0, 500, 490, 1_000).own).toBe(true);
  });

  test("two throttles of the same customer within a round trip are no sign of the partner's limit", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000).own).toBe(true);
    // 50 ms later, c0 again: no other customer was refused, so it is still c0's own limit.
    expect(lanes.throttle(byCustomer[0]!, 2_050, 2_040, 1_000).own).toBe(true);
  });

  test("another customer's throttle counts as the partner's limit for less than 100 ms, not at 100 ms", () => {
    const within = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(within.lanes.throttle(within.byCustomer[3]!, 2_000, 1_990, 1_000).own).toBe(false);
    expect(within.lanes.throttle(within.byCustomer[0]!, 2_099, 2_090, 1_000).own).toBe(false);

    const at = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(at.lanes.throttle(at.byCustomer[3]!, 2_000, 1_990, 1_000).own).toBe(false);
    // 100 ms after c3's: no longer within the round trip, and c0 at four times the others' pace is throttled by its own limit.
    expect(at.lanes.throttle(at.byCustomer[0]!, 2_100, 2_090, 1_000).own).toBe(true);
  });

  test("after a pause a customer's pace counts from a latency after the pause ended: its first calls' answers", () => {
    // Ten customers at 10 a second, each answer 400 ms after its call. c0 is paused from 2 s to 3 s (a throttle
    // at the common pace is the partner's); the others go on at 10 a second.
    const { lanes, byCustomer } = lanesWithPaces([10, 10, 10, 10, 10, 10, 10, 10, 10, 10], { latencyMs: 400 });
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000)).toEqual({ own: false, notBefore: 3_000 });
    for (let at = 2_000; at <= 3_600; at += 100) for (const lane of byCustomer.slice(1)) succeed(lanes, lane, at, 400);
    // c0's calls sent from 3 s come back from 3.4 s: five answers by 3.6 s.
    for (const at of [3_400, 3_440, 3_480, 3_520, 3_560]) succeed(lanes, byCustomer[0]!, at, 400);
    // Its pace is read over the 200 ms since its first answers could come: 25 a second, far over 1.3 times the
    // average of the customers (under 11 a second: 1.3 times it is under 14). Read over the 600 ms since the pause
    // ended it would be about 8 a second, under it.
    expect(lanes.throttle(byCustomer[0]!, 3_600, 3_590, 1_000).own).toBe(true);
  });

  test("with no latency known, the same burst is read over the whole time since the pause ended: not the customer's own limit", () => {
    const { lanes, byCustomer } = lanesWithPaces([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000).own).toBe(false);
    for (let at = 2_000; at <= 3_600; at += 100) for (const lane of byCustomer.slice(1)) lanes.succeeded(lane, at);
    for (const at of [3_400, 3_440, 3_480, 3_520, 3_560]) lanes.succeeded(byCustomer[0]!, at);
    // Five in the 600 ms since 3 s: about 8 a second, under 1.3 times the average.
    expect(lanes.throttle(byCustomer[0]!, 3_600, 3_590, 1_000).own).toBe(false);
  });
});

describe("customer lanes: pauses and waits", () => {
  test("a 429 of a call sent at the very moment the last pause began extends the pause (only calls sent before it do not)", () => {
    const lanes = createCustomerLanes<number>(4, false);
    const c0 = lanes.enqueue("c0", 0, 0);
    lanes.throttle(c0, 1_000, 990, 500);
    expect(c0.pausedUntil).toBe(1_500);
    lanes.throttle(c0, 1_300, 1_000, 500);
    expect(c0.pausedUntil).toBe(1_800);
    // The dispatch says how long until the pause ends, and starts nothing.
    const { started, hooks } = recorder();
    expect(lanes.dispatch(1_300, hooks)).toBe(500);
    expect(started).toEqual([]);
  });

  test("a dispatch while the only customer is paused returns the time left of the pause", () => {
    const lanes = createCustomerLanes<number>(4, false);
    const c0 = lanes.enqueue("c0", 0, 0);
    lanes.throttle(c0, 1_000, 990, 500);
    const { started, hooks } = recorder();
    expect(lanes.dispatch(1_200, hooks)).toBe(300);
    expect(started).toEqual([]);
    expect(lanes.dispatch(1_500, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(started).toEqual(["c0:0"]);
  });

  test("a customer with only a refused item waiting, not due yet, waits until its Retry-After allows", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.requeue("c0", 7, 0, 300);
    const { started, hooks } = recorder();
    expect(lanes.dispatch(100, hooks)).toBe(200);
    expect(started).toEqual([]);
    expect(lanes.dispatch(300, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(started).toEqual(["c0:7"]);
  });

  test("a refused item that is due still waits for room in its customer's calls in flight, from the moment it is due", () => {
    // One call in flight per customer.
    const lanes = createCustomerLanes<number>(1, false);
    const c0 = lanes.enqueue("c0", 1, 0);
    const { started, hooks } = recorder({ countInFlight: true });
    lanes.dispatch(0, hooks);
    expect(started).toEqual(["c0:1"]);
    lanes.requeue("c0", 2, 50, 100);
    // Due at exactly 100, and later, but c0's one call is still out: nothing starts until it ends.
    expect(lanes.dispatch(100, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(lanes.dispatch(150, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(started).toEqual(["c0:1"]);
    c0.inFlight = 0;
    lanes.dispatch(160, hooks);
    expect(started).toEqual(["c0:1", "c0:2"]);
  });

  test("a customer's refused items count among its waiting ones: queued and refused items all start", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.enqueue("c0", 1, 0);
    lanes.requeue("c0", 2, 0, 0);
    expect(lanes.waiting).toBe(2);
    const { started, hooks } = recorder();
    lanes.dispatch(0, hooks);
    // The refused one first.
    expect(started).toEqual(["c0:2", "c0:1"]);
    expect(lanes.waiting).toBe(0);
  });

  test("with nothing waiting, a dispatch takes no partner-wide token and waits for a call to end", () => {
    const lanes = createCustomerLanes<number>(4, false);
    let asked = 0;
    let refunded = 0;
    const hooks: DispatchHooks<number> = {
      hasRoom: () => true,
      partnerWaitMs: () => {
        asked += 1;
        return 50;
      },
      refundPartner: () => {
        refunded += 1;
      },
      start: () => {},
    };
    expect(lanes.dispatch(0, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(asked).toBe(0);
    expect(refunded).toBe(0);
  });
});

describe("customer lanes: the per-customer rate's slow start", () => {
  // A per-customer rate starting at 10 a second: one token in the bucket (100 ms of tokens, at least one).

  test("a success grows the rate only if a call waited for it: with one item, none did", () => {
    const lanes = createCustomerLanes<number>(4, { initialPerSecond: 10 });
    const c0 = lanes.enqueue("c0", 1, 0);
    const { started, hooks } = recorder();
    expect(lanes.dispatch(0, hooks)).toBe(Number.POSITIVE_INFINITY);
    expect(started).toEqual(["c0:1"]);
    lanes.succeeded(c0, 50);
    expect(lanes.customerPerSecond).toBe(10);
  });

  test("a success after a call waited for the rate adds 3 a second to it (slow start)", () => {
    const lanes = createCustomerLanes<number>(4, { initialPerSecond: 10 });
    lanes.enqueue("c0", 1, 0);
    const c0 = lanes.enqueue("c0", 2, 0);
    const { started, hooks } = recorder();
    // The second item waits 100 ms for the next token at 10 a second.
    expect(lanes.dispatch(0, hooks)).toBe(100);
    expect(started).toEqual(["c0:1"]);
    // Within twice what was accepted (one success in 50 ms: 20 a second), so the step is not capped.
    lanes.succeeded(c0, 50);
    expect(lanes.customerPerSecond).toBe(13);
  });
});

describe("customer lanes: re-queued items' order", () => {
  test("a refused item due later goes after those due sooner", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.requeue("c0", 1, 0, 200);
    lanes.requeue("c0", 2, 0, 300);
    lanes.requeue("c0", 3, 0, 400);
    expect(lanes.drain()).toEqual([1, 2, 3]);
  });

  test("a refused item due at the same time as others goes after them", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.requeue("c0", 1, 0, 200);
    lanes.requeue("c0", 2, 0, 200);
    lanes.requeue("c0", 3, 0, 100);
    lanes.requeue("c0", 4, 0, 200);
    expect(lanes.drain()).toEqual([3, 1, 2, 4]);
  });

  test("each refused item starts once it is due, in the order of their Retry-Afters", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.requeue("c0", 1, 0, 200);
    lanes.requeue("c0", 2, 0, 300);
    const { started, hooks } = recorder();
    expect(lanes.dispatch(200, hooks)).toBe(100);
    expect(started).toEqual(["c0:1"]);
    lanes.dispatch(300, hooks);
    expect(started).toEqual(["c0:1", "c0:2"]);
  });

  test("after a drain, a customer's new items are dispatched again", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.enqueue("c0", 1, 0);
    lanes.requeue("c0", 2, 0, 500);
    expect(lanes.drain()).toEqual([2, 1]);
    expect(lanes.waiting).toBe(0);
    lanes.enqueue("c0", 3, 10);
    const { started, hooks } = recorder();
    lanes.dispatch(10, hooks);
    expect(started).toEqual(["c0:3"]);
  });
});

describe("customer lanes: dropping idle lanes", () => {
  test("idle lanes are looked for once a second: not 700 ms after the last look, and again at exactly a second", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.enqueue("c0", 1, 0);
    const { started, hooks } = recorder();
    // Looks at 500 (c0 has work then) and starts the item. From then on c0 has nothing waiting, nothing in flight
    // (these hooks count none), no pause and no success: idle by the rule, so dropped at the first look after.
    lanes.dispatch(500, hooks);
    expect(started).toEqual(["c0:1"]);
    lanes.dispatch(1_200, hooks);
    expect(lanes.size).toBe(1);
    lanes.dispatch(1_499, hooks);
    expect(lanes.size).toBe(1);
    lanes.dispatch(1_500, hooks);
    expect(lanes.size).toBe(0);
  });

  test("a lane with a call in flight is kept however long the call takes", () => {
    const lanes = createCustomerLanes<number>(4, false);
    const c0 = lanes.enqueue("c0", 1, 0);
    const { hooks } = recorder({ countInFlight: true });
    lanes.dispatch(0, hooks);
    lanes.dispatch(2_000, hooks);
    expect(lanes.size).toBe(1);
    // The call ends (no success): idle since 0, the lane goes at the next look.
    c0.inFlight = 0;
    lanes.dispatch(3_000, hooks);
    expect(lanes.size).toBe(0);
  });

  test("a paused lane is kept while paused and for a second after, and goes at exactly a second after the pause", () => {
    const lanes = createCustomerLanes<number>(4, false);
    const c0 = lanes.enqueue("c0", 1, 0);
    const { hooks } = recorder();
    lanes.dispatch(0, hooks);
    lanes.throttle(c0, 100, 50, 2_000);
    expect(c0.pausedUntil).toBe(2_100);
    lanes.dispatch(1_500, hooks);
    expect(lanes.size).toBe(1);
    lanes.dispatch(3_100, hooks);
    expect(lanes.size).toBe(0);
  });

  test("a lane whose refused item waits for its Retry-After is kept", () => {
    const lanes = createCustomerLanes<number>(4, false);
    lanes.requeue("c0", 1, 0, 5_000);
    const { started, hooks } = recorder();
    expect(lanes.dispatch(2_000, hooks)).toBe(3_000);
    expect(lanes.size).toBe(1);
    expect(started).toEqual([]);
  });

  test("a lane with a success within the last second is kept; once that success is over a second old, it goes", () => {
    const lanes = createCustomerLanes<number>(4, false);
    const c0 = lanes.enqueue("c0", 1, 0);
    const { hooks } = recorder();
    lanes.dispatch(0, hooks);
    lanes.succeeded(c0, 1_500);
    lanes.dispatch(2_000, hooks);
    expect(lanes.size).toBe(1);
    lanes.dispatch(3_000, hooks);
    expect(lanes.size).toBe(0);
  });
});

describe("customer lanes: what they tell the run", () => {
  test("calls in flight per customer before any lane: 8, or the cap if lower", () => {
    expect(createCustomerLanes<number>(4, undefined).perCustomerConcurrency).toBe(4);
    expect(createCustomerLanes<number>(20, undefined).perCustomerConcurrency).toBe(8);
  });

  test("the per-customer concurrency limit grows by one for each success of a call sent while the limit held calls back", () => {
    const lanes = createCustomerLanes<number>(20, undefined);
    let c0 = lanes.enqueue("c0", 0, 0);
    for (let i = 1; i < 10; i += 1) c0 = lanes.enqueue("c0", i, 0);
    const { started, hooks } = recorder({ countInFlight: true });
    lanes.dispatch(0, hooks);
    // 8 in flight, the limit; two wait.
    expect(started).toHaveLength(8);
    expect(lanes.perCustomerConcurrency).toBe(8);
    c0.inFlight -= 1;
    lanes.succeeded(c0, 100, 0);
    expect(lanes.perCustomerConcurrency).toBe(9);
  });

  test("with no per-customer rate, the customer rate is Infinity", () => {
    const lanes = createCustomerLanes<number>(4, false);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
    lanes.enqueue("c0", 1, 0);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });
});
