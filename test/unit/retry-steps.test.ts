import { describe, expect, test, vi } from "vitest";
import { createRetryingFetch, DEFAULT_RETRY, retryDecision } from "../../src/retry.js";

const url = "https://api.partnercenter.microsoft.com/v1/customers/c-1/subscriptions/s-1";

describe("the steps after an attempt", () => {
  test("a decision says why", () => {
    const base = { attempt: 0, maxRetries: 3, maxRetryAfterMs: 60_000 };
    expect(retryDecision({ ...base, status: 503 }).reason).toBe("HTTP 503 is transient");
    expect(retryDecision({ ...base, error: new TypeError("fetch failed") }).reason).toBe("the attempt failed in transit");
    expect(retryDecision({ ...base, status: 404 }).reason).toBe("HTTP 404 is not retryable");
    expect(retryDecision({ ...base, status: 503, attempt: 3 }).reason).toBe("3 retries exhausted");
  });

  test("only the attempt right after a 401 asks for a fresh token", async () => {
    const answers = [401, 503, 200];
    const fetch = vi.fn(async () => new Response("{}", { status: answers.shift() ?? 200 }));
    const token = vi.fn(async (_options: { forceRefresh: boolean }) => "token-value-long");
    const retrying = createRetryingFetch({ fetch, retry: DEFAULT_RETRY, token, sleep: async () => undefined, random: () => 0 });
    expect((await retrying(new Request(url))).status).toBe(200);
    expect(token.mock.calls.map(([options]) => options.forceRefresh)).toEqual([false, true, false]);
  });

  test("each retry's delay draws the jitter once, for the attempt that failed", async () => {
    const draws = [0, 1, 0.5];
    const random = vi.fn(() => draws.shift() ?? 0);
    const waits: number[] = [];
    const answers = [503, 503, 200];
    const fetch = vi.fn(async () => new Response("{}", { status: answers.shift() ?? 200 }));
    const retrying = createRetryingFetch({ fetch, retry: DEFAULT_RETRY, random, sleep: async (ms) => void waits.push(ms) });
    await retrying(new Request(url));
    // baseDelayMs 500: retry 0 waits 250 + 0 * 250, retry 1 waits 500 + 1 * 500.
    expect(waits).toEqual([250, 1000]);
    expect(random).toHaveBeenCalledTimes(2);
  });

  test("a sleep that fails for its own reason ends the call with that error", async () => {
    const fetch = vi.fn(async () => new Response("{}", { status: 503 }));
    const broken = new Error("no timers here");
    const retrying = createRetryingFetch({ fetch, retry: DEFAULT_RETRY, sleep: async () => Promise.reject(broken) });
    await expect(retrying(new Request(url))).rejects.toBe(broken);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
