import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { type BulkOptions, type BulkProgress, runBulk } from "../../src/bulk/run-bulk.js";
import { TooManyRequestsError } from "../../src/errors.js";
import { collect } from "../helpers.js";

// How the bulk runner's rates and limits answer what happens in a run: the per-customer rate without a partner-wide
// one, a partner token no customer could use, 429s of a customer's own limit and of the partner's, and the end of a
// run. All on a fake clock, with calls that take a fixed time.

interface Item {
  customer: string;
  n: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const throttle = (retryAfterMs: number) => new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs });

/** `count` items spread round the customers c0..c(customers-1). */
const items = (customers: number, count: number): Item[] => Array.from({ length: count }, (_, n) => ({ customer: `c${n % customers}`, n }));

/**
 * A task whose calls take `latencyMs` (fake time), except that `refuse` says which attempts get a 429 (after
 * `refusedAfterMs`). `log` holds every call with its start time.
 */
function timedTask(latencyMs: number, refuse: (item: Item, attempt: number, at: number) => boolean = () => false, refusedAfterMs = 1) {
  const log: Array<{ item: Item; at: number }> = [];
  const attempts = new Map<number, number>();
  return {
    log,
    customerOf: (item: Item) => item.customer,
    async run(item: Item) {
      const at = Date.now();
      log.push({ item, at });
      const attempt = (attempts.get(item.n) ?? 0) + 1;
      attempts.set(item.n, attempt);
      if (refuse(item, attempt, at)) {
        await sleep(refusedAfterMs);
        throw throttle(100);
      }
      await sleep(latencyMs);
      return "ok";
    },
  };
}

function run(source: Item[], task: ReturnType<typeof timedTask>, options: BulkOptions) {
  const events: BulkProgress[] = [];
  const results = collect(runBulk(source, task, { ...options, onProgress: (progress) => events.push(progress) }));
  return { events, results };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the per-customer rate", () => {
  test("paces each customer's calls when there is no partner-wide rate", async () => {
    const task = timedTask(1);
    const { results } = run(items(1, 30), task, { rate: false, perCustomerRate: { initialPerSecond: 10, maxPerSecond: 10 } });
    await vi.advanceTimersByTimeAsync(999);
    // Ten a second: the bucket's first token, then one every 100 ms.
    expect(task.log).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(3000);
    expect(await results).toHaveLength(30);
  });
});

describe("a partner-wide token that no customer can use", () => {
  test("is given back: an item starts as soon as its customer's call before it ends, not a token later", async () => {
    // 10 a second (a token every 100 ms), one call at a time for the one customer, calls of 150 ms: the customer's
    // concurrency, not the rate, holds the calls back, and each starts when the one before ends.
    const task = timedTask(150);
    const { results } = run(items(1, 4), task, {
      rate: { initialPerSecond: 10, maxPerSecond: 10 },
      perCustomerRate: false,
      perCustomerConcurrency: 1,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await results).toHaveLength(4);
    expect(task.log.map((entry) => entry.at)).toEqual([0, 150, 300, 450]);
  });
});

describe("a 429 of a customer's own limit", () => {
  // c0 has nine items for each of c1's: the round robin gives it nine calls in ten, well over the average of the
  // two customers, so a 429 of c0 is its own limit's. Its first call from 500 ms on is refused.
  const source = Array.from({ length: 200 }, (_, n) => ({ customer: n % 10 === 9 ? "c1" : "c0", n }));
  const ownLimitTask = () => {
    let refused = false;
    return timedTask(1, (item, attempt, at) => {
      if (refused || item.customer !== "c0" || attempt > 1 || at < 500) return false;
      refused = true;
      return true;
    });
  };

  test("leaves the partner-wide rate as it is", async () => {
    const task = ownLimitTask();
    const { events, results } = run(source, task, { rate: { initialPerSecond: 100, maxPerSecond: 100 } });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await results).toHaveLength(200);
    const throttled = events.findIndex((event) => event.event === "throttled");
    expect(throttled).toBeGreaterThan(0);
    expect(events[throttled - 1]!.ratePerSecond).toBe(100);
    expect(events[throttled]!.ratePerSecond).toBe(100);
  });

  test("is re-sent like any other when there is no partner-wide rate", async () => {
    const task = ownLimitTask();
    const { events, results } = run(source, task, { rate: false, perCustomerRate: { initialPerSecond: 100, maxPerSecond: 100 } });
    await vi.advanceTimersByTimeAsync(5000);
    const all = await results;
    expect(all).toHaveLength(200);
    expect(all.every((result) => result.ok)).toBe(true);
    expect(events.filter((event) => event.event === "throttled")).toHaveLength(1);
    expect(task.log).toHaveLength(201);
  });
});

describe("a 429 the partner-wide rate answers", () => {
  test("keeps the limit on calls in flight where it is", async () => {
    // 20 customers with one item each: all 20 start at once, well within the 64 calls the limit starts at.
    const task = timedTask(100, (item, attempt) => item.n === 0 && attempt === 1);
    const { events, results } = run(items(20, 20), task, { rate: { initialPerSecond: 1000 }, perCustomerRate: false });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await results).toHaveLength(20);
    expect(events.find((event) => event.event === "throttled")).toMatchObject({ inFlightLimit: 64 });
  });

  test("ends the slow start of the limit on calls in flight: it no longer doubles every round trip", async () => {
    // Calls of 100 ms at up to 5,000 a second: the 64 calls the limit starts at are all out within the first round
    // trip, and the limit holds the rest back. The first call is refused at once, which cuts the rate.
    const task = timedTask(100, (_item, _attempt, at) => at === 0);
    const { events, results } = run(items(200, 2000), task, { rate: { initialPerSecond: 5000 }, perCustomerRate: false });
    await vi.advanceTimersByTimeAsync(250);
    expect(events.find((event) => event.event === "throttled")).toMatchObject({ inFlightLimit: 64 });
    // In slow start each success while calls wait for the limit adds one: 128 after the first round trip. Past it,
    // a round trip of successes adds about the square root of the limit (8 at 64), twice over by now.
    const limits = events.filter((event) => event.event === "done").map((event) => event.inFlightLimit);
    expect(limits.length).toBeGreaterThan(100);
    expect(Math.max(...limits)).toBeGreaterThan(64);
    expect(Math.max(...limits)).toBeLessThan(64 + 2 * 2 * 8 + 4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await results).toHaveLength(2000);
  });

  test("that is a lone burst (the rate is not cut) leaves the limit on calls in flight in its slow start", async () => {
    // Calls of 1 s at up to 5,000 a second: the 64 calls the limit starts at go at once, then the limit holds the
    // rest back and doubles every round trip (each success while calls wait for it adds one). The first call of
    // the second round trip (sent at 1 s, while 64 a second went: far under the rate) is refused when its answer
    // comes: a lone burst, which cuts no rate.
    const controller = new AbortController();
    let refused = false;
    const task = timedTask(
      1000,
      (_item, attempt, at) => {
        if (refused || attempt > 1 || at !== 1000) return false;
        refused = true;
        return true;
      },
      1000,
    );
    const { events, results } = run(items(500, 5000), task, {
      rate: { initialPerSecond: 5000 },
      perCustomerRate: false,
      concurrency: 1000,
      lookahead: 1000,
      signal: controller.signal,
    });
    await vi.advanceTimersByTimeAsync(2100);
    const throttled = events.findIndex((event) => event.event === "throttled");
    expect(throttled).toBeGreaterThan(0);
    expect(events[throttled]!.inFlightLimit).toBe(128);
    // The other 127 calls of the second round trip, answered after it, each still add one: 255.
    expect(events.filter((event) => event.event === "done").at(-1)!.inFlightLimit).toBe(255);
    controller.abort();
    await vi.advanceTimersByTimeAsync(5000);
    await results;
  });

  test("without a partner-wide rate, cuts the limit on calls in flight once for the calls sent before the cut", async () => {
    // 20 calls sent at once; two of them are refused, 100 and 101 ms later.
    const task = {
      customerOf: (item: Item) => item.customer,
      async run(item: Item) {
        await sleep(100 + (item.n === 1 ? 1 : 0));
        if (item.n <= 1 && Date.now() <= 101) throw throttle(100);
        return "ok";
      },
    };
    const events: BulkProgress[] = [];
    const results = collect(
      runBulk(items(20, 20), task, { rate: false, perCustomerRate: false, onProgress: (progress) => events.push(progress) }),
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(await results).toHaveLength(20);
    // A 429 keeps 0.9 of the limit (64 to 57), once a round trip: the second refused call was sent before the cut.
    expect(events.filter((event) => event.event === "throttled").map((event) => event.inFlightLimit)).toEqual([57, 57]);
  });

  test("a first one while calls went far under the rate is a lone burst: the rate comes down to twice what went", async () => {
    // Two calls of 100 ms in flight for the one customer: 20 a second, far under the 1,000 allowed. A call sent at
    // 1 s is refused when its answer comes, 100 ms later.
    let refused = false;
    const task = timedTask(
      100,
      (_item, attempt, at) => {
        if (refused || attempt > 1 || at < 1000) return false;
        refused = true;
        return true;
      },
      100,
    );
    const { events, results } = run(items(1, 60), task, {
      rate: { initialPerSecond: 1000 },
      perCustomerRate: false,
      perCustomerConcurrency: 2,
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(await results).toHaveLength(60);
    const throttled = events.find((event) => event.event === "throttled")!;
    expect(throttled.ratePerSecond).toBeGreaterThan(35);
    expect(throttled.ratePerSecond).toBeLessThan(45);
  });

  test("past the first, steers the rate down 3 % for a refused call sent since the last step down, however soon", async () => {
    // 100 a second, calls of 10 ms. Two calls are refused: the first sent at 1 s, the second sent 50 ms after it
    // (within the 200 ms in which an unsteered rate takes further 429s for the same event).
    const refusedAt: number[] = [];
    const task = timedTask(10, (_item, attempt, at) => {
      const refuse = attempt === 1 && ((refusedAt.length === 0 && at >= 1000) || (refusedAt.length === 1 && at >= 1050));
      if (refuse) refusedAt.push(at);
      return refuse;
    });
    const { events, results } = run(items(10, 1000), task, { rate: { initialPerSecond: 100, maxPerSecond: 100 }, perCustomerRate: false });
    await vi.advanceTimersByTimeAsync(2000);
    expect(refusedAt).toHaveLength(2);
    const throttled = events.flatMap((event, i) => (event.event === "throttled" ? [i] : []));
    expect(throttled).toHaveLength(2);
    const second = throttled[1]!;
    expect(events[second]!.ratePerSecond).toBeCloseTo(0.97 * events[second - 1]!.ratePerSecond, 9);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await results).toHaveLength(1000);
  });
});

describe("the end of a run", () => {
  test("holds the partner-wide rate once what is left takes less than 3 s plus two round trips at it", async () => {
    // 10 customers, calls of 500 ms, at most 100 a second: the rate is cut by a 429 at 2 s and steered back up to
    // 100. The hold begins once fewer items are left (waiting or in flight) than (3 + 2 * 0.5) s * 100/s = 400.
    const total = 1000;
    let refused = false;
    const task = timedTask(500, (_item, attempt, at) => {
      if (refused || attempt > 1 || at < 2000) return false;
      refused = true;
      return true;
    });
    const { events, results } = run(items(10, total), task, { rate: { initialPerSecond: 100, maxPerSecond: 100 }, perCustomerRate: false });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await results).toHaveLength(total);
    const cut = events.findIndex((event) => event.event === "throttled");
    expect(cut).toBeGreaterThan(0);
    expect(events[cut]!.ratePerSecond).toBeLessThan(100);
    // Steered back up to the rate's ceiling...
    const back = events.findIndex((event, i) => i > cut && event.ratePerSecond === 100);
    expect(back).toBeGreaterThan(cut);
    // ...until the hold: the first event below it again comes after the item that left 399.
    const held = events.findIndex((event, i) => i > back && event.ratePerSecond < 100);
    expect(held).toBeGreaterThan(back);
    expect(events[held]!.event).toBe("done");
    expect(total - events[held - 1]!.done).toBe(399);
    expect(events.slice(held).every((event) => event.ratePerSecond === events[held]!.ratePerSecond)).toBe(true);
  });
});
