import { getEventListeners } from "node:events";
import { afterEach, describe, expect, test, vi } from "vitest";
import { type BulkProgress, type BulkResult, runBulk } from "../../src/bulk/run-bulk.js";
import { AbortedError, NotFoundError, PartnerCenterError, TooManyRequestsError } from "../../src/errors.js";
import { collect } from "../helpers.js";

// The bulk runner's life cycle: what it reports (results, progress events, errors), how far it reads ahead, and how
// it cleans up when it ends, is stopped early, or is aborted.

interface Item {
  customer: string;
  n: number;
}

const fast = { rate: false, perCustomerRate: false } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const throttle = (retryAfterMs: number) => new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs });

afterEach(() => {
  vi.useRealTimers();
});

describe("runBulk reports", () => {
  test("a progress event per item done or failed, named for what happened, with the counters after it", async () => {
    const events: BulkProgress[] = [];
    const task = {
      customerOf: (item: Item) => item.customer,
      async run(item: Item) {
        await sleep(1);
        if (item.n === 1) throw new NotFoundError({ operation: "x", status: 404 });
        return "ok";
      },
    };
    // One call at a time (one customer, perCustomerConcurrency 1): the items end in their order.
    const source = [0, 1, 2].map((n) => ({ customer: "c", n }));
    await collect(runBulk(source, task, { ...fast, perCustomerConcurrency: 1, onProgress: (progress) => events.push(progress) }));
    expect(events.map(({ event, done, failed, retrying, throttled }) => ({ event, done, failed, retrying, throttled }))).toEqual([
      { event: "done", done: 1, failed: 0, retrying: 0, throttled: 0 },
      { event: "failed", done: 1, failed: 1, retrying: 0, throttled: 0 },
      { event: "done", done: 2, failed: 1, retrying: 0, throttled: 0 },
    ]);
  });

  test("an error of the library as it is, and any other one as a PartnerCenterError that names it and keeps it as its cause", async () => {
    const notFound = new NotFoundError({ operation: "x", status: 404 });
    const boom = new Error("boom");
    const task = {
      customerOf: () => "c",
      async run(n: number) {
        if (n === 0) throw notFound;
        if (n === 1) throw boom;
        throw "a thrown string";
      },
    };
    const results = (await collect(runBulk([0, 1, 2], task, fast))).sort((a, b) => a.index - b.index);
    expect(results.map((result) => result.ok)).toEqual([false, false, false]);
    const [first, second, third] = results.map((result) => (result.ok ? undefined : result.error));
    expect(first).toBe(notFound);
    expect(second).toBeInstanceOf(PartnerCenterError);
    expect(second).not.toBe(boom);
    expect(second!.message).toBe("the item failed with an unexpected error: boom");
    expect(second!.cause).toBe(boom);
    expect(third).toBeInstanceOf(PartnerCenterError);
    expect(third!.message).toBe("the item failed with an unexpected error: a thrown string");
    expect(third!.cause).toBe("a thrown string");
  });
});

describe("runBulk reads ahead", () => {
  /** A source of `length` items that counts how many were read; `pulledAtFirstCall` is that count when the first call starts. */
  function counted(length: number) {
    const state = { pulled: 0, pulledAtFirstCall: -1 };
    function* source() {
      for (let n = 0; n < length; n += 1) {
        state.pulled += 1;
        yield { customer: `c${n % 3}`, n };
      }
    }
    const task = {
      customerOf: (item: Item) => item.customer,
      async run() {
        if (state.pulledAtFirstCall < 0) state.pulledAtFirstCall = state.pulled;
        return "ok";
      },
    };
    return { state, source, task };
  }

  test("exactly `lookahead` items before it starts the first call", async () => {
    const { state, source, task } = counted(20);
    expect(await collect(runBulk(source(), task, { ...fast, lookahead: 3 }))).toHaveLength(20);
    expect(state.pulledAtFirstCall).toBe(3);
  });

  test("5,000 items by default", async () => {
    const { state, source, task } = counted(5010);
    expect(await collect(runBulk(source(), task, fast))).toHaveLength(5010);
    expect(state.pulledAtFirstCall).toBe(5000);
  });

  test("from an async iterable whose iterator has no return method, and ends normally", async () => {
    let n = 0;
    const source: AsyncIterable<Item> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => (n < 3 ? { done: false as const, value: { customer: "c", n: n++ } } : { done: true as const, value: undefined }),
      }),
    };
    const results = await collect(runBulk(source, { customerOf: (item: Item) => item.customer, run: async () => "ok" }, fast));
    expect(results.map((result) => result.index).sort()).toEqual([0, 1, 2]);
  });
});

describe("runBulk cleans up", () => {
  test("when the consumer stops early: the calls still running are aborted, the source is closed and the signal no longer listened to", async () => {
    const controller = new AbortController();
    let closed = false;
    function* source() {
      try {
        for (let n = 0; ; n += 1) yield { customer: `c${n}`, n };
      } finally {
        closed = true;
      }
    }
    const signals = new Map<number, AbortSignal>();
    const task = {
      customerOf: (item: Item) => item.customer,
      run(item: Item, call: { signal: AbortSignal }) {
        signals.set(item.n, call.signal);
        if (item.n === 0) return Promise.resolve("ok");
        // The others run until they are aborted.
        return new Promise<string>((_, reject) => call.signal.addEventListener("abort", () => reject(new AbortedError("aborted"))));
      },
    };
    let listenersWhileRunning = -1;
    // An endless source: the run reads 10 items ahead, and starts them as soon as they are read.
    for await (const result of runBulk(source(), task, { ...fast, lookahead: 10, signal: controller.signal })) {
      expect(result).toMatchObject({ ok: true, item: { n: 0 } });
      listenersWhileRunning = getEventListeners(controller.signal, "abort").length;
      break;
    }
    expect(listenersWhileRunning).toBe(1);
    expect(signals.size).toBeGreaterThanOrEqual(10);
    expect([...signals].filter(([n, signal]) => n !== 0 && !signal.aborted)).toEqual([]);
    expect(closed).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  test("the signal is no longer listened to once the run has ended", async () => {
    const controller = new AbortController();
    await collect(runBulk([0, 1], { customerOf: () => "c", run: async () => "ok" }, { ...fast, signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  test("a long run waits without piling up listeners (no MaxListenersExceededWarning)", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      // One call at a time: the run sleeps between every two of them.
      const task = {
        customerOf: () => "c",
        async run(n: number) {
          await sleep(1);
          return n;
        },
      };
      const results = await collect(
        runBulk(
          Array.from({ length: 40 }, (_, n) => n),
          task,
          { ...fast, perCustomerConcurrency: 1 },
        ),
      );
      expect(results).toHaveLength(40);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
  });
});

describe("an abort of a bulk run", () => {
  test("ends a run that waits only for a Retry-After at once, reporting the item as aborted with its request id", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sent: string[] = [];
    const task = {
      customerOf: () => "c0",
      async run(_n: number, call: { requestId: string }) {
        sent.push(call.requestId);
        await sleep(1);
        throw throttle(60_000);
      },
    };
    let results: Array<BulkResult<number, never>> | undefined;
    void collect(runBulk([0], task, { ...fast, signal: controller.signal })).then((all) => {
      results = all;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toHaveLength(1);
    expect(results).toBeUndefined();
    controller.abort();
    await vi.advanceTimersByTimeAsync(10);
    expect(results).toHaveLength(1);
    const [result] = results!;
    expect(result).toMatchObject({ ok: false, requestId: sent[0], error: expect.any(AbortedError) });
    const error = (result as Extract<BulkResult<number, never>, { ok: false }>).error;
    expect(error.message).toContain("the bulk run was aborted before this item could be re-sent");
    expect(error.requestId).toBe(sent[0]);
  });

  test("while the consumer holds a result, with an item waiting out its Retry-After and no call running, ends the run at once", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const task = {
      customerOf: (item: Item) => item.customer,
      async run(item: Item) {
        if (item.customer === "c0") {
          await sleep(1);
          throw throttle(60_000);
        }
        await sleep(20);
        return "ok";
      },
    };
    const results: Array<BulkResult<Item, string>> = [];
    let ended = false;
    void (async () => {
      for await (const result of runBulk(
        [
          { customer: "c0", n: 0 },
          { customer: "c1", n: 1 },
        ],
        task,
        { ...fast, signal: controller.signal },
      )) {
        results.push(result);
        // c0's item was refused 19 ms before this result came: it waits for its Retry-After, and nothing runs.
        controller.abort();
      }
      ended = true;
    })();
    await vi.advanceTimersByTimeAsync(100);
    expect(ended).toBe(true);
    expect(results).toMatchObject([
      { ok: true, item: { customer: "c1" } },
      { ok: false, item: { customer: "c0" }, error: expect.any(AbortedError) },
    ]);
  });

  test("counts the items waiting to be re-sent as failed, and no longer as retrying", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const task = {
      customerOf: (item: Item) => item.customer,
      async run(item: Item, call: { signal: AbortSignal }) {
        if (item.customer === "c0") {
          await sleep(1);
          throw throttle(60_000);
        }
        // c1's call runs until the abort, and fails 5 ms after it.
        return new Promise<string>((_, reject) =>
          call.signal.addEventListener("abort", () => setTimeout(() => reject(new AbortedError("aborted")), 5)),
        );
      },
    };
    const events: BulkProgress[] = [];
    const run = collect(
      runBulk(
        [
          { customer: "c0", n: 0 },
          { customer: "c1", n: 1 },
        ],
        task,
        {
          ...fast,
          signal: controller.signal,
          onProgress: (progress) => events.push(progress),
        },
      ),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(events.at(-1)).toMatchObject({ event: "retrying", done: 0, failed: 0, retrying: 1, throttled: 1 });
    controller.abort();
    await vi.advanceTimersByTimeAsync(10);
    const results = await run;
    expect(results).toHaveLength(2);
    expect(results.every((result) => !result.ok && result.error instanceof AbortedError)).toBe(true);
    // The last event is c1's failure, after c0's item was reported as aborted.
    expect(events.at(-1)).toMatchObject({ event: "failed", done: 0, failed: 2, retrying: 0, throttled: 1 });
  });
});
