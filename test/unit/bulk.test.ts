import { describe, expect, test, vi } from "vitest";
import { type BulkProgress, type BulkResult, runBulk } from "../../src/bulk/run-bulk.js";
import { AbortedError, NotFoundError, TooManyRequestsError } from "../../src/errors.js";
import { collect } from "../helpers.js";

interface Item {
  customer: string;
  n: number;
}

const items = (customers: number, perCustomer: number): Item[] =>
  Array.from({ length: customers * perCustomer }, (_, i) => ({ customer: `c${i % customers}`, n: i }));

/** A task that records what ran, in what order, and how many ran at once (overall and per customer). */
function recordingTask(answer: (item: Item, attempt: number) => Promise<string> | string = (item) => `ok ${item.n}`) {
  const log: Array<{ item: Item; requestId: string; at: number }> = [];
  const active = new Map<string, number>();
  let activeTotal = 0;
  const peak = { total: 0, perCustomer: 0 };
  const attempts = new Map<number, number>();
  return {
    log,
    peak,
    customerOf: (item: Item) => item.customer,
    async run(item: Item, call: { requestId: string; signal: AbortSignal }) {
      log.push({ item, requestId: call.requestId, at: Date.now() });
      const attempt = (attempts.get(item.n) ?? 0) + 1;
      attempts.set(item.n, attempt);
      active.set(item.customer, (active.get(item.customer) ?? 0) + 1);
      activeTotal += 1;
      peak.total = Math.max(peak.total, activeTotal);
      peak.perCustomer = Math.max(peak.perCustomer, active.get(item.customer)!);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (call.signal.aborted) throw new AbortedError("aborted");
        return await answer(item, attempt);
      } finally {
        active.set(item.customer, active.get(item.customer)! - 1);
        activeTotal -= 1;
      }
    },
  };
}

const fast = { rate: false, perCustomerRate: false } as const;

describe("runBulk", () => {
  test("yields one result per item with its index and request id", async () => {
    const task = recordingTask();
    const results = await collect(runBulk(items(5, 20), task, fast));
    expect(results).toHaveLength(100);
    expect(results.map((result) => result.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(results.every((result) => result.ok && result.value === `ok ${result.item.n}`)).toBe(true);
    expect(new Set(results.map((result) => result.requestId)).size).toBe(100);
  });

  test("sends an item with the request id it brings, and the others with new ones", async () => {
    const task = { ...recordingTask(), requestIdOf: (item: Item) => (item.n === 1 ? "a1b2c3d4-0000-4000-8000-000000000001" : undefined) };
    const results = await collect(runBulk(items(1, 3), task, fast));
    expect(results.find((result) => result.item.n === 1)?.requestId).toBe("a1b2c3d4-0000-4000-8000-000000000001");
    expect(task.log.find((entry) => entry.item.n === 1)?.requestId).toBe("a1b2c3d4-0000-4000-8000-000000000001");
    expect(new Set(results.map((result) => result.requestId)).size).toBe(3);
  });

  test("keeps to the overall and per-customer concurrency", async () => {
    const task = recordingTask();
    await collect(runBulk(items(10, 30), task, { ...fast, concurrency: 8, perCustomerConcurrency: 2 }));
    expect(task.peak.total).toBeLessThanOrEqual(8);
    expect(task.peak.perCustomer).toBeLessThanOrEqual(2);
    expect(task.peak.total).toBeGreaterThan(2);
  });

  test("reads the input lazily, never more than the lookahead ahead of what is done", async () => {
    let pulled = 0;
    function* endless() {
      for (let n = 0; ; n += 1) {
        pulled += 1;
        yield { customer: `c${n % 7}`, n };
      }
    }
    const task = recordingTask();
    let seen = 0;
    for await (const _ of runBulk(endless(), task, { ...fast, lookahead: 50, concurrency: 4 })) {
      seen += 1;
      expect(pulled - seen).toBeLessThanOrEqual(50 + 4 + 1);
      if (seen === 500) break;
    }
    expect(pulled).toBeLessThan(600);
  });

  test("re-sends a throttled item with the same request id after its customer's pause, without holding up others", async () => {
    const task = recordingTask((item, attempt) => {
      if (item.customer === "c0" && attempt === 1) throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 100 });
      return "ok";
    });
    const events: BulkProgress[] = [];
    const results = await collect(runBulk(items(4, 5), task, { ...fast, onProgress: (progress) => events.push(progress) }));
    expect(results.every((result) => result.ok)).toBe(true);
    const c0 = task.log.filter((entry) => entry.item.customer === "c0");
    expect(c0).toHaveLength(10);
    for (const { item, requestId } of c0)
      expect(c0.filter((entry) => entry.item.n === item.n).every((entry) => entry.requestId === requestId)).toBe(true);
    // Every other customer finished before c0's pause ended.
    const firstRetry = task.log.findIndex(
      (entry, i) => entry.item.customer === "c0" && task.log.slice(0, i).some((earlier) => earlier.item.n === entry.item.n),
    );
    expect(task.log.slice(firstRetry).some((entry) => entry.item.customer !== "c0")).toBe(false);
    expect(events.at(-1)).toMatchObject({ done: 20, failed: 0, retrying: 0, throttled: 5 });
    expect(events.some((event) => event.event === "retrying")).toBe(true);
  });

  test("reports an item as failed once it has been throttled too often", async () => {
    const task = recordingTask(() => {
      throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 1 });
    });
    const [result] = await collect(runBulk([{ customer: "c", n: 0 }], task, { ...fast, maxThrottleRetries: 3 }));
    expect(result).toMatchObject({ ok: false, error: expect.any(TooManyRequestsError) });
    expect(task.log).toHaveLength(4);
  });

  test("reports other errors per item and goes on", async () => {
    const task = recordingTask((item) => {
      if (item.n % 3 === 0) throw new NotFoundError({ operation: "x", status: 404 });
      return "ok";
    });
    const results = await collect(runBulk(items(2, 15), task, fast));
    const failed = results.filter((result): result is Extract<BulkResult<Item, string>, { ok: false }> => !result.ok);
    expect(failed.map((result) => result.item.n).sort((a, b) => a - b)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(failed.every((result) => result.error instanceof NotFoundError)).toBe(true);
  });

  test("stops on abort and reports every item it started, and only those", async () => {
    const controller = new AbortController();
    const task = recordingTask();
    const results: Array<BulkResult<Item, string>> = [];
    for await (const result of runBulk(items(3, 100), task, { ...fast, concurrency: 4, signal: controller.signal })) {
      results.push(result);
      if (results.length === 10) controller.abort();
    }
    const started = new Set(task.log.map((entry) => entry.item.n));
    expect(new Set(results.map((result) => result.item.n))).toEqual(started);
    expect(started.size).toBeLessThan(20);
    // The calls running at the abort fail as aborted.
    expect(results.some((result) => !result.ok)).toBe(true);
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.error instanceof AbortedError)).toBe(true);
  });

  test("an abort reports each item still waiting to be re-sent after a 429 as aborted, with its request id", async () => {
    const controller = new AbortController();
    const task = recordingTask((item) => {
      if (item.customer === "c0") throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 60_000 });
      return "ok";
    });
    const results: Array<BulkResult<Item, string>> = [];
    for await (const result of runBulk(items(2, 3), task, {
      ...fast,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done === 3) controller.abort();
      },
    }))
      results.push(result);
    expect(results).toHaveLength(6);
    const c0 = results.filter((result) => result.item.customer === "c0");
    expect(c0).toHaveLength(3);
    for (const result of c0) {
      expect(result).toMatchObject({ ok: false, error: expect.any(AbortedError) });
      expect(task.log.find((entry) => entry.item.n === result.item.n)?.requestId).toBe(result.requestId);
    }
    expect(results.filter((result) => result.ok)).toHaveLength(3);
  });

  test("an abort while the consumer holds a result still reports the item waiting to be re-sent after a 429", async () => {
    const controller = new AbortController();
    const task = recordingTask((item) => {
      if (item.customer === "c0") throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 60_000 });
      return "ok";
    });
    const results: Array<BulkResult<Item, string>> = [];
    for await (const result of runBulk(items(2, 1), task, { ...fast, signal: controller.signal })) {
      results.push(result);
      if (results.length === 1) {
        // The throttled item is back in its customer's lane by now; the run is paused at its yield.
        await new Promise((resolve) => setTimeout(resolve, 30));
        controller.abort();
      }
    }
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ ok: true, item: { customer: "c1" } });
    expect(results[1]).toMatchObject({ ok: false, item: { customer: "c0" }, error: expect.any(AbortedError) });
    expect(results[1]!.requestId).toBe(task.log.find((entry) => entry.item.customer === "c0")?.requestId);
  });

  test("yields the last result when its call ends while the consumer holds the one before", async () => {
    const task = recordingTask(async (item) => {
      if (item.customer === "c1") await new Promise((resolve) => setTimeout(resolve, 10));
      return "ok";
    });
    const results: Array<BulkResult<Item, string>> = [];
    for await (const result of runBulk(items(2, 1), task, fast)) {
      results.push(result);
      if (results.length === 1) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(results.map((result) => result.item.customer)).toEqual(["c0", "c1"]);
  });

  test("a signal aborted before the run starts stops it before anything is read or sent", async () => {
    let pulled = 0;
    function* source() {
      for (let n = 0; n < 10; n += 1) {
        pulled += 1;
        yield { customer: "c", n };
      }
    }
    const task = recordingTask();
    const results = await collect(runBulk(source(), task, { signal: AbortSignal.abort() }));
    expect(results).toEqual([]);
    expect(task.log).toHaveLength(0);
    expect(pulled).toBe(0);
  });

  test("429s of many customers at once cut the partner-wide rate once; each refused item waits its Retry-After while the rest go on", async () => {
    vi.useFakeTimers();
    try {
      const task = recordingTask((item, attempt) => {
        // The third call of every customer but c0 is refused: an exhausted partner budget.
        if (attempt === 1 && item.n >= 20 && item.n < 30 && item.customer !== "c0")
          throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 1000 });
        return "ok";
      });
      const events: BulkProgress[] = [];
      const run = collect(
        runBulk(items(10, 20), task, { rate: { initialPerSecond: 100 }, lookahead: 200, onProgress: (progress) => events.push(progress) }),
      );
      await vi.advanceTimersByTimeAsync(800);
      const first = events.findIndex((event) => event.event === "throttled");
      const throttledAt = events.filter((event) => event.event === "throttled").map((event) => event.ratePerSecond);
      expect(throttledAt).toHaveLength(9);
      // One cut, to just under what was accepted, for all nine: not nine cuts in a row.
      expect(throttledAt[0]).toBeLessThan(events[first - 1]!.ratePerSecond);
      expect(Math.min(...throttledAt)).toBeGreaterThan(0.95 * throttledAt[0]!);
      // The partner-wide rate answers the 429s: every customer goes on at it, the throttled ones too, and only
      // the refused items wait.
      expect(task.log.filter((entry) => entry.item.customer === "c1").length).toBeGreaterThan(3);
      expect(task.log.filter((entry) => entry.item.n >= 20 && entry.item.n < 30 && entry.item.customer !== "c0")).toHaveLength(9);
      await vi.advanceTimersByTimeAsync(10_000);
      const results = await run;
      expect(results).toHaveLength(200);
      expect(results.every((result) => result.ok)).toBe(true);
      expect(task.log).toHaveLength(209);
      // Each refused item went again a whole Retry-After after its 429 (which came 1 ms after the call), and first
      // among its customer's items from then on.
      for (let n = 21; n < 30; n += 1) {
        const [refused, again] = task.log.filter((entry) => entry.item.n === n);
        expect(again!.at - refused!.at).toBeGreaterThanOrEqual(1001);
        const later = task.log.filter((entry) => entry.item.customer === again!.item.customer && entry.at > again!.at);
        expect(later.every((entry) => entry.item.n > n)).toBe(true);
      }
    } finally {
      vi.useRealTimers();
    }
  });

  test("stops probing above the rate found once what is left of the run takes a few seconds", async () => {
    vi.useFakeTimers();
    try {
      // One partner-wide 429 early on; after it the rate climbs back along the cubic curve and on above it.
      const task = recordingTask((item, attempt) => {
        if (item.n === 5 && attempt === 1) throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 100 });
        return "ok";
      });
      let readAll = false;
      function* source() {
        yield* items(10, 100);
        readAll = true;
      }
      const rates: number[] = [];
      let atEnd = -1;
      const run = collect(
        runBulk(source(), task, {
          rate: { initialPerSecond: 100 },
          perCustomerRate: false,
          lookahead: 50,
          onProgress: (progress) => {
            if (readAll && atEnd < 0) atEnd = rates.length;
            rates.push(progress.ratePerSecond);
          },
        }),
      );
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await run).toHaveLength(1000);
      const before = rates.slice(0, atEnd);
      const after = rates.slice(atEnd);
      // The rate was climbing up to the end of the source...
      expect(before.at(-1)).toBeGreaterThan(Math.min(...before.slice(10)));
      expect(after.length).toBeGreaterThan(40);
      // ...and climbs no further once the last items are read (50 waiting: well under three seconds' worth).
      expect(Math.max(...after)).toBeLessThanOrEqual(after[0]!);
      expect(after[0]).toBeLessThanOrEqual(before.at(-1)!);
    } finally {
      vi.useRealTimers();
    }
  });

  test("paces the partner-wide rate", async () => {
    vi.useFakeTimers();
    try {
      const task = recordingTask();
      const run = collect(runBulk(items(4, 100), task, { rate: { initialPerSecond: 100, maxPerSecond: 100 }, perCustomerRate: false }));
      await vi.advanceTimersByTimeAsync(1000);
      // One second at 100 per second: the bucket's first token plus 100 more, never a burst of all 400.
      expect(task.log.length).toBeGreaterThanOrEqual(95);
      expect(task.log.length).toBeLessThanOrEqual(102);
      await vi.advanceTimersByTimeAsync(4000);
      expect(await run).toHaveLength(400);
    } finally {
      vi.useRealTimers();
    }
  });
});
