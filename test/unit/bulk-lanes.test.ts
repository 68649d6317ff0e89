import { describe, expect, test } from "vitest";
import { createCustomerLanes, type DispatchHooks, type Lane } from "../../src/bulk/lanes.js";

/**
 * Lanes for `customers` customers, each with `queued` items waiting, and each customer's successes over the
 * first `untilMs` at its own pace (per second). Times are explicit: no clock, no timers.
 */
function lanesWithPaces(paces: number[], untilMs = 2_000, queued = 50) {
  const lanes = createCustomerLanes<number>(4, undefined);
  const byCustomer: Array<Lane<number>> = [];
  paces.forEach((_, c) => {
    for (let i = 0; i < queued; i += 1) byCustomer[c] = lanes.enqueue(`c${c}`, i, 0);
  });
  paces.forEach((pace, c) => {
    for (let at = 0; at < untilMs; at += 1000 / pace) lanes.succeeded(byCustomer[c]!, at);
  });
  return { lanes, byCustomer };
}

/** Hooks with no partner-wide limit: room while `hasRoom` says so, each start handed to `start`. */
function hooksOf(start: DispatchHooks<number>["start"], hasRoom = () => true): DispatchHooks<number> {
  return { hasRoom, partnerWaitMs: () => 0, refundPartner: () => {}, start };
}

/** Dispatches every millisecond from `from` to `to` with room always, recording which customers started. */
function dispatchBetween(lanes: ReturnType<typeof createCustomerLanes<number>>, from: number, to: number) {
  const started: string[] = [];
  // Calls are not counted in flight here, so per-customer concurrency never binds: only the rate does.
  const hooks = hooksOf((_, lane) => started.push(lane.customerId));
  for (let now = from; now < to; now += 1) lanes.dispatch(now, hooks);
  return started;
}

describe("customer lanes", () => {
  test("a customer sent clearly faster than the others is throttled by its own limit: one rate for every customer", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000)).toEqual({ own: true, notBefore: 3_000 });
    // Cut from the 20 a second it was getting, not from what the others got.
    expect(lanes.customerPerSecond).toBeGreaterThan(15);
    expect(lanes.customerPerSecond).toBeLessThan(20);
    // Every customer is paced at that rate now: one second gives each at most about that many calls.
    const started = dispatchBetween(lanes, 2_000, 3_000);
    expect(started.filter((id) => id === "c1").length).toBeLessThanOrEqual(lanes.customerPerSecond + 2);
    expect(started.filter((id) => id === "c1").length).toBeGreaterThan(10);
    // The throttled customer goes on at that rate too: only its refused item waits.
    expect(started.filter((id) => id === "c0").length).toBeLessThanOrEqual(lanes.customerPerSecond + 2);
    expect(started.filter((id) => id === "c0").length).toBeGreaterThan(10);
  });

  test("with no rate to cut, a 429 pauses its customer for the Retry-After; a 429 of a call sent before the pause began does not extend it", () => {
    const lanes = createCustomerLanes<number>(4, false);
    for (let i = 0; i < 50; i += 1) lanes.enqueue("c0", i, 0);
    const c1 = lanes.enqueue("c1", 0, 0);
    const c0 = lanes.enqueue("c0", 50, 0);
    expect(lanes.throttle(c0, 1_000, 990, 500)).toEqual({ own: false, notBefore: 1_500 });
    // Sent before the pause began (on its way already): the same congestion.
    expect(lanes.throttle(c0, 1_200, 980, 500)).toEqual({ own: false, notBefore: 1_700 });
    const started: string[] = [];
    const hooks = hooksOf((_, lane) => started.push(`${lane.customerId}@${now}`));
    let now = 1_000;
    for (; now < 1_600; now += 1) lanes.dispatch(now, hooks);
    expect(started[0]).toBe("c1@1000");
    expect(started[1]).toBe("c0@1500");
    expect(c1.queue).toHaveLength(0);
  });

  test("a refused item goes again once its Retry-After has passed, before the customer's other items, and not sooner", () => {
    const lanes = createCustomerLanes<number>(1, undefined);
    let c0 = lanes.enqueue("c0", 0, 0);
    for (let i = 1; i < 1000; i += 1) c0 = lanes.enqueue("c0", i, 0);
    lanes.requeue("c0", 1099, 0, 300);
    lanes.requeue("c0", 1098, 0, 200);
    const sent = new Map<number, number>();
    let now = 0;
    // One call a millisecond: each ends before the next tick.
    const hooks = hooksOf((item, lane) => {
      sent.set(item, now);
      lane.inFlight += 1;
    });
    for (; now < 400; now += 1) {
      lanes.dispatch(now, hooks);
      c0.inFlight = 0;
    }
    expect(sent.get(1098)).toBe(200);
    expect(sent.get(1099)).toBe(300);
    // The queue waited a tick for each: item 199 at 199, item 200 at 201 (after 1098), 299 at 301 (after 1099).
    expect(sent.get(199)).toBe(199);
    expect(sent.get(200)).toBe(201);
    expect(sent.get(298)).toBe(299);
    expect(sent.get(299)).toBe(301);
  });

  test("a throttle of a customer at the common pace is the partner's and leaves the per-customer rate alone", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(lanes.throttle(byCustomer[3]!, 2_000, 1_990, 1_000)).toEqual({ own: false, notBefore: 3_000 });
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  test("throttles of several customers within a round trip are the partner's, even of a customer sent faster", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(lanes.throttle(byCustomer[3]!, 2_000, 1_990, 1_000)).toEqual({ own: false, notBefore: 3_000 });
    expect(lanes.throttle(byCustomer[0]!, 2_030, 1_995, 1_000)).toEqual({ own: false, notBefore: 3_030 });
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  test("customers refused one after the other cut the per-customer rate once", () => {
    const { lanes, byCustomer } = lanesWithPaces([20, 20, 5, 5, 5, 5, 5, 5, 5, 5]);
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000).own).toBe(true);
    const cut = lanes.customerPerSecond;
    expect(lanes.throttle(byCustomer[1]!, 2_500, 2_490, 1_000).own).toBe(true);
    expect(lanes.customerPerSecond).toBe(cut);
  });

  test("with one customer getting through, a throttle is the partner-wide rate's: its pace after a pause is no own limit", () => {
    const { lanes, byCustomer } = lanesWithPaces([20]);
    // Paused for a second, then its calls come back in a bunch (answers a latency after the pause): a pace over
    // the short window since the pause far above its average over the second.
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000).own).toBe(false);
    for (let at = 3_000; at < 3_250; at += 10) lanes.succeeded(byCustomer[0]!, at);
    expect(lanes.throttle(byCustomer[0]!, 3_250, 3_240, 1_000).own).toBe(false);
    expect(lanes.customerPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  test("a customer's pace leaves out its pause", () => {
    const { lanes, byCustomer } = lanesWithPaces([5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    // c0 paused for a second (a partner-wide throttle), then sent at 20 a second for 300 ms.
    expect(lanes.throttle(byCustomer[0]!, 2_000, 1_990, 1_000).own).toBe(false);
    const others = byCustomer.slice(1);
    for (let at = 2_000; at < 3_300; at += 200) for (const lane of others) lanes.succeeded(lane, at);
    for (let at = 3_000; at < 3_300; at += 50) lanes.succeeded(byCustomer[0]!, at);
    expect(lanes.throttle(byCustomer[0]!, 3_300, 3_290, 1_000).own).toBe(true);
  });

  test("a customer whose turn comes while the others are paused gets at most twice its share of the partner-wide rate", () => {
    const lanes = createCustomerLanes<number>(4, undefined, () => 100);
    const small = lanes.enqueue("small", 0, 0);
    for (let i = 1; i < 10; i += 1) lanes.enqueue("small", i, 0);
    const big = lanes.enqueue("big", 0, 0);
    for (let i = 1; i < 90; i += 1) lanes.enqueue("big", i, 0);
    lanes.throttle(big, 0, 0, 5_000);
    // 10 of the 100 items waiting: 20 a second at first (twice 10 % of 100), less as they go; no burst at the start.
    const first = dispatchBetween(lanes, 0, 100);
    expect(first.length).toBeLessThanOrEqual(3);
    const started = [...first, ...dispatchBetween(lanes, 100, 500)];
    expect(started.every((id) => id === "small")).toBe(true);
    expect(started.length).toBeGreaterThanOrEqual(5);
    expect(started.length).toBeLessThanOrEqual(10);
    expect(small.queue.length).toBe(10 - started.length);
  });

  test("serves customers in proportion to the items they have waiting, spread evenly", () => {
    const lanes = createCustomerLanes<number>(4, false);
    for (let i = 0; i < 300; i += 1) lanes.enqueue("big", i, 0);
    for (let i = 0; i < 100; i += 1) lanes.enqueue("small", i, 0);
    const started: string[] = [];
    lanes.dispatch(
      0,
      hooksOf(
        (_, lane) => started.push(lane.customerId),
        () => started.length < 40,
      ),
    );
    expect(started.filter((id) => id === "big")).toHaveLength(30);
    // Never two "small" in a row: the round robin interleaves instead of sending bursts.
    expect(started.join(",")).not.toContain("small,small");
  });

  test("a customer idle for a second loses its lane; made again, its first successes do not read as a fast pace", () => {
    const lanes = createCustomerLanes<number>(4, undefined);
    const hooks = hooksOf((_, lane) => {
      lane.inFlight += 1;
    });
    const customers = Array.from({ length: 10 }, (_, c) => `c${c}`);
    for (const id of customers) lanes.enqueue(id, 0, 0);
    lanes.dispatch(0, hooks);
    expect(lanes.size).toBe(10);
    // Every customer's call comes back; c0 gets more work later, the others none.
    const byId = new Map(customers.map((id) => [id, lanes.enqueue(id, 1, 10)]));
    lanes.dispatch(10, hooks);
    for (const lane of byId.values()) {
      lane.inFlight = 0;
      lanes.succeeded(lane, 50, 10);
    }
    lanes.dispatch(2_000, hooks);
    expect(lanes.size).toBe(0);
    // Back at 5 s, and c0 at 5.9 s (a new lane) with three quick successes while the others get 5 a second.
    const c0 = lanes.enqueue("c0", 2, 5_900);
    const others = customers.slice(1).map((id) => lanes.enqueue(id, 2, 5_000));
    expect(lanes.size).toBe(10);
    for (let at = 5_000; at < 6_000; at += 200) for (const lane of others) lanes.succeeded(lane, at);
    for (const at of [5_950, 5_960, 5_970]) lanes.succeeded(c0, at);
    // Three in the last second is 3 a second, under the others' 5: a throttle of c0 is the partner's.
    expect(lanes.throttle(c0, 6_000, 5_990, 1_000)).toEqual({ own: false, notBefore: 7_000 });
  });
});
