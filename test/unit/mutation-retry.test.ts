import { getEventListeners } from "node:events";
import { describe, expect, test, vi } from "vitest";
import { CallRequest } from "../../src/attempt.js";
import { AbortedError } from "../../src/errors.js";
import { createRetryingFetch, type RetryEvent } from "../../src/retry.js";

/** The edges of the retry loop: a body that breaks after the answer was judged, the wait before a retry, onRetry's event. */
const url = "https://api.partnercenter.microsoft.com/v1/customers/c-1/subscriptions/s-1";
const what = "GET /v1/customers/c-1/subscriptions/s-1";
const noWait = async (): Promise<void> => undefined;

/** A 200 whose body sends a few bytes, then breaks, as a connection cut mid-body does. */
function brokenBody(): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) controller.error(new TypeError("terminated"));
      else controller.enqueue(new TextEncoder().encode('{"id":'));
      sent = true;
    },
  });
  return new Response(body, { status: 200 });
}

describe("a body that breaks after its answer was judged", () => {
  test("a 2xx whose body breaks mid-way is retried, and the retry's answer returned", async () => {
    const answers = [brokenBody(), new Response('{"id":"s-1"}', { status: 200 })];
    const fetch = vi.fn(async (_request: Request) => answers.shift()!);
    const response = await createRetryingFetch({ fetch, retry: {}, sleep: noWait, random: () => 0 })(new Request(url));
    expect(await response.text()).toBe('{"id":"s-1"}');
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe("the wait before a retry", () => {
  test("an abort during the wait ends the call with the call's AbortedError, the caller's reason as its cause", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: 503 }));
    // A minute's wait, cut by the abort 10 ms in.
    const pending = createRetryingFetch({ fetch, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 0 })(
      new Request(url, { signal: controller.signal }),
    );
    setTimeout(() => controller.abort(reason), 10);
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toBe(`${what} was aborted by the caller`);
    expect((error as Error).cause).toBe(reason);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("an abort made before the wait begins ends it at once", async () => {
    const controller = new AbortController();
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: 503 }));
    // onRetry is told just before the wait: the signal is already aborted when the wait begins.
    const retrying = createRetryingFetch({
      fetch,
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
      random: () => 0,
      onRetry: () => controller.abort(),
    });
    const outcome = retrying(new Request(url, { signal: controller.signal })).catch((caught: unknown) => caught);
    const stillWaiting = new Promise((resolve) => setTimeout(() => resolve("still waiting after 2 s"), 2_000).unref());
    const error = await Promise.race([outcome, stillWaiting]);
    expect(error).toBeInstanceOf(AbortedError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("a wait that ends leaves no listener on the caller's signal", async () => {
    const request = new Request(url, { signal: new AbortController().signal });
    const before = getEventListeners(request.signal, "abort");
    const answers = [503, 200];
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: answers.shift() ?? 200 }));
    const response = await createRetryingFetch({ fetch, retry: { baseDelayMs: 1, maxDelayMs: 1 } })(request);
    expect(response.status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(getEventListeners(request.signal, "abort")).toEqual(before);
  });

  test("an abort during an injected sleep that ignores the signal ends the call before another attempt", async () => {
    const controller = new AbortController();
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: 503 }));
    const sleep = vi.fn(async () => controller.abort());
    const error = await createRetryingFetch({ fetch, retry: {}, sleep })(new Request(url, { signal: controller.signal })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toBe(`${what} was aborted by the caller`);
    expect(sleep).toHaveBeenCalledOnce();
    expect(fetch).toHaveBeenCalledOnce();
  });

  test("an injected sleep's own failure ends a call that has no signal with that error", async () => {
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: 503 }));
    const broken = new Error("no timers here");
    const retrying = createRetryingFetch({ fetch, retry: {}, sleep: async () => Promise.reject(broken) });
    // A typed call's request carries no signal when the caller gave none.
    await expect(retrying(new CallRequest(url, {}))).rejects.toBe(broken);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("onRetry's event", () => {
  test("a call that sends no MS-RequestId is told of without a requestId key", async () => {
    const events: RetryEvent[] = [];
    const answers = [503, 200];
    const fetch = vi.fn(async (_request: Request) => new Response("{}", { status: answers.shift() ?? 200 }));
    const retrying = createRetryingFetch({ fetch, retry: {}, sleep: noWait, random: () => 0, onRetry: (event) => events.push(event) });
    await retrying(new Request(url));
    // baseDelayMs 500, no jitter: the first retry waits 250 ms.
    expect(events).toStrictEqual([{ retry: 1, maxRetries: 3, delayMs: 250, status: 503, what }]);
    expect(Object.keys(events[0]!)).not.toContain("requestId");
  });
});
