import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { CallRequest, type TypedCall } from "../../src/attempt.js";
import { AbortedError, AuthenticationError, NetworkError, TimeoutError } from "../../src/errors.js";
import {
  backoffDelayMs,
  createRetryingFetch,
  DEFAULT_RETRY,
  parseRetryAfterMs,
  type RetryingFetchOptions,
  retryDecision,
} from "../../src/retry.js";

const url = "https://api.partnercenter.microsoft.com/v1/customers/c-1/users/u-1/licenseupdates";
const requestId = "11111111-1111-4111-8111-111111111111";
const correlationId = "22222222-2222-4222-8222-222222222222";
const noJitter = (): number => 0;

/** A logical call as openapi-fetch hands it over: ids already set. */
function logicalCall(init: RequestInit = {}): Request {
  const headers = { "MS-RequestId": requestId, "MS-CorrelationId": correlationId, Authorization: "Bearer secret" };
  return new Request(url, { method: "GET", headers, ...init });
}

function answer(status: number, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify({ status }), { status, headers });
}

/** An answer whose body records whether it was cancelled. */
function trackedAnswer(status: number): { response: Response; cancel: ReturnType<typeof vi.fn> } {
  const cancel = vi.fn();
  const body = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array([1])), cancel });
  return { response: new Response(body, { status }), cancel };
}

type Step = Response | Error | "hang";

/** A fake fetch that plays the steps in order; "hang" waits until the attempt's signal aborts, as fetch does. */
function scriptedFetch(...steps: Step[]) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request): Promise<Response> => {
    requests.push(request);
    const step = steps[requests.length - 1] ?? answer(200);
    if (step === "hang") {
      return new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
    }
    if (step instanceof Error) throw step;
    return step;
  });
  return { fetch, requests };
}

function retrying(fetch: RetryingFetchOptions["fetch"], options: Partial<RetryingFetchOptions> = {}) {
  return createRetryingFetch({ fetch, retry: {}, random: noJitter, ...options });
}

/** Starts a call and settles it, running fake timers until it does. */
async function settle(promise: Promise<Response>): Promise<Response | Error> {
  const outcome = promise.catch((error: Error) => error);
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("createRetryingFetch", () => {
  test.each([408, 429, 500, 502, 503, 504])("retries HTTP %i and returns the later success", async (status) => {
    const { fetch } = scriptedFetch(answer(status), answer(200));
    const response = await settle(retrying(fetch)(logicalCall()));
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test.each([400, 403, 404, 409, 412])("returns HTTP %i after one attempt", async (status) => {
    const { fetch } = scriptedFetch(answer(status));
    const response = (await settle(retrying(fetch)(logicalCall()))) as Response;
    expect(response.status).toBe(status);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("replays a POST body and reuses MS-RequestId on every retry", async () => {
    const body = JSON.stringify({ licensesToAssign: [{ skuId: "sku" }], licensesToRemove: [] });
    const { fetch, requests } = scriptedFetch(answer(503), new TypeError("fetch failed"), answer(201));
    await settle(retrying(fetch)(logicalCall({ method: "POST", body })));
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(request.method).toBe("POST");
      expect(request.headers.get("MS-RequestId")).toBe(requestId);
      expect(request.headers.get("MS-CorrelationId")).toBe(correlationId);
      expect(await request.text()).toBe(body);
    }
  });

  test("waits exactly the Retry-After seconds", async () => {
    const { fetch } = scriptedFetch(answer(429, { "Retry-After": "7" }), answer(200));
    const pending = retrying(fetch)(logicalCall());
    await vi.advanceTimersByTimeAsync(6_999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect((await pending).status).toBe(200);
  });

  test("waits until the Retry-After HTTP date", async () => {
    const nowMs = Date.parse("2025-03-01T10:00:00Z");
    const retryAfter = new Date(nowMs + 5_000).toUTCString();
    const { fetch } = scriptedFetch(answer(503, { "Retry-After": retryAfter }), answer(200));
    const pending = retrying(fetch, { now: () => nowMs })(logicalCall());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  test("returns a 429 at once when Retry-After exceeds maxRetryAfterMs", async () => {
    const { fetch } = scriptedFetch(answer(429, { "Retry-After": "120" }));
    const response = await retrying(fetch, { retry: { maxRetryAfterMs: 60_000 } })(logicalCall());
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("120");
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("backs off exponentially and caps the delay", async () => {
    const sleep = vi.fn(async (_ms: number) => undefined);
    const { fetch } = scriptedFetch(...Array.from({ length: 6 }, () => answer(500)));
    const retry = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    await retrying(fetch, { retry, sleep, random: () => 1 })(logicalCall());
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([100, 200, 400, 800, 1_000]);
  });

  test("makes maxRetries + 1 attempts, then returns the last answer", async () => {
    const { fetch } = scriptedFetch(answer(500), answer(502), answer(503));
    const response = (await settle(retrying(fetch, { retry: { maxRetries: 2 } })(logicalCall()))) as Response;
    expect(response.status).toBe(503);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  test("makes one attempt when retry is false", async () => {
    const { fetch } = scriptedFetch(answer(503), answer(200));
    const response = await retrying(fetch, { retry: false })(logicalCall());
    expect(response.status).toBe(503);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("retries a network error and returns the later success", async () => {
    const { fetch } = scriptedFetch(new TypeError("fetch failed"), answer(200));
    expect(((await settle(retrying(fetch)(logicalCall()))) as Response).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("throws NetworkError with the cause and the ids when network errors exhaust the retries", async () => {
    const cause = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    const { fetch } = scriptedFetch(cause, cause, cause, cause);
    const error = await settle(retrying(fetch)(logicalCall({ method: "POST", body: "{}" })));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ requestId, correlationId, cause });
    expect((error as Error).message).toContain(
      "POST /v1/customers/c-1/users/u-1/licenseupdates could not reach the service after 4 attempts: " +
        "fetch failed: connect ECONNREFUSED",
    );
    expect((error as Error).message).not.toContain("secret");
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  test("retries an attempt that times out", async () => {
    const { fetch } = scriptedFetch("hang", answer(200));
    const pending = retrying(fetch, { timeoutMs: 1_000 })(logicalCall());
    await vi.advanceTimersByTimeAsync(1_000 + 250);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect((await pending).status).toBe(200);
  });

  test("throws TimeoutError when every attempt times out, even if fetch ignores its signal", async () => {
    const fetch = vi.fn(() => new Promise<Response>(() => undefined));
    const error = await settle(retrying(fetch, { timeoutMs: 1_000, retry: { maxRetries: 1 } })(logicalCall()));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ requestId, correlationId });
    expect((error as Error).message).toContain("got no answer within 1000 ms, after 2 attempts");
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("leaves no timer behind once the call settles", async () => {
    const { fetch } = scriptedFetch(answer(503), answer(200));
    await settle(retrying(fetch, { timeoutMs: 5_000 })(logicalCall()));
    expect(vi.getTimerCount()).toBe(0);
  });

  test("throws AbortedError at once when the caller aborts during a request", async () => {
    const controller = new AbortController();
    const { fetch } = scriptedFetch("hang");
    const outcome = retrying(fetch)(logicalCall({ signal: controller.signal })).catch((error: Error) => error);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const error = await outcome;
    expect(error).toBeInstanceOf(AbortedError);
    expect(error).toMatchObject({ requestId, message: expect.stringContaining("was aborted by the caller") });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("throws AbortedError at once when the caller aborts during the backoff", async () => {
    const controller = new AbortController();
    const { fetch } = scriptedFetch(answer(503), answer(200));
    const outcome = retrying(fetch)(logicalCall({ signal: controller.signal })).catch((error: Error) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await outcome).toBeInstanceOf(AbortedError);
    await vi.runAllTimersAsync();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test("refreshes the token once after a 401 and returns the later success", async () => {
    const token = vi.fn(async ({ forceRefresh }: { forceRefresh: boolean }) => (forceRefresh ? "fresh" : "stale"));
    const { fetch, requests } = scriptedFetch(answer(401), answer(200));
    const response = await retrying(fetch, { token })(logicalCall());
    expect(response.status).toBe(200);
    expect(token.mock.calls.map(([options]) => options.forceRefresh)).toEqual([false, true]);
    expect(requests.map((request) => request.headers.get("Authorization"))).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(requests.map((request) => request.headers.get("MS-RequestId"))).toEqual([requestId, requestId]);
  });

  test("returns a second 401 as is (with a token given at once, as a cached one is)", async () => {
    const token = vi.fn(() => "t");
    const { fetch } = scriptedFetch(answer(401), answer(401), answer(200));
    const response = await retrying(fetch, { token })(logicalCall());
    expect(response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("does not count the token refresh against maxRetries", async () => {
    const { fetch } = scriptedFetch(answer(401), answer(503), answer(200));
    const options = { token: async () => "t", retry: { maxRetries: 1 } };
    const response = await settle(retrying(fetch, options)(logicalCall()));
    expect((response as Response).status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  test("lets a token error propagate unchanged without retrying", async () => {
    const failure = new AuthenticationError("no token");
    const { fetch } = scriptedFetch(answer(200));
    const error = await settle(retrying(fetch, { token: async () => Promise.reject(failure) })(logicalCall()));
    expect(error).toBe(failure);
    expect(fetch).not.toHaveBeenCalled();
  });

  test("cancels the body of every discarded answer", async () => {
    const first = trackedAnswer(503);
    const second = trackedAnswer(401);
    const { fetch } = scriptedFetch(first.response, second.response, answer(200));
    await settle(retrying(fetch, { token: async () => "t" })(logicalCall()));
    expect(first.cancel).toHaveBeenCalledTimes(1);
    expect(second.cancel).toHaveBeenCalledTimes(1);
  });
});

describe("a typed call (CallRequest) over the global fetch", () => {
  afterEach(() => vi.unstubAllGlobals());

  /** Stubs the global fetch with `steps` and records the (input, init) pairs it is given. */
  function stubGlobalFetch(...steps: Response[]) {
    const calls: Array<{ input: unknown; init: RequestInit }> = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (input: unknown, init: RequestInit) => {
        calls.push({ input, init });
        return steps[calls.length - 1] ?? answer(200);
      }),
    );
    return calls;
  }

  /** A typed call's own part, as send() makes it: the ids it sends. */
  function typedPart(): TypedCall {
    return { sent: { requestId, correlationId } };
  }

  function typedCall(answerTo: TypedCall, body?: string): CallRequest {
    const headers = new Headers({ "MS-RequestId": requestId, "MS-CorrelationId": correlationId });
    return new CallRequest(url, { method: body ? "POST" : "GET", headers, ...(body && { body }), partnerCenterCall: answerTo });
  }

  test("gives fetch the URL and an init with the token, the body and a signal, and the same body on a retry", async () => {
    const calls = stubGlobalFetch(answer(503), answer(201));
    const token = "a-token-of-some-length";
    const body = JSON.stringify({ licensesToAssign: [{ skuId: "sku" }] });
    await settle(createRetryingFetch({ retry: {}, random: noJitter, token: async () => token })(typedCall(typedPart(), body)));
    expect(calls).toHaveLength(2);
    for (const { input, init } of calls) {
      expect(input).toBe(url);
      expect(init).toMatchObject({ method: "POST", body });
      expect(init.signal).toBeInstanceOf(AbortSignal);
      const headers = new Headers(init.headers);
      expect(headers.get("Authorization")).toBe(`Bearer ${token}`);
      expect(headers.get("MS-RequestId")).toBe(requestId);
    }
    expect(calls[0]!.init.signal).not.toBe(calls[1]!.init.signal);
  });

  test("leaves a 2xx answer's text, tokens cut out, with the answer it returns", async () => {
    const token = "a-token-of-some-length";
    const served = new Response(JSON.stringify({ echo: `Bearer ${token}` }), { status: 200 });
    stubGlobalFetch(served);
    const answerTo = typedPart();
    const response = await createRetryingFetch({ retry: {}, token: async () => token })(typedCall(answerTo));
    expect(response).toBe(served);
    expect(answerTo).toMatchObject({ response: served, text: JSON.stringify({ echo: "Bearer [redacted]" }) });
  });

  test("leaves the ids the answer echoed, each falling back to the one sent", async () => {
    const echoed = "33333333-3333-4333-8333-333333333333";
    stubGlobalFetch(new Response("{}", { status: 200, headers: { "MS-RequestId": echoed } }));
    const answerTo = typedPart();
    await createRetryingFetch({ retry: {} })(typedCall(answerTo));
    expect(answerTo.echoed).toEqual({ requestId: echoed, correlationId });
  });

  test("rebuilds a 2xx answer whose headers quote the token", async () => {
    const token = "a-token-of-some-length";
    stubGlobalFetch(new Response("{}", { status: 200, headers: { "MS-RequestId": token } }));
    const answerTo = typedPart();
    const response = await createRetryingFetch({ retry: {}, token: async () => token })(typedCall(answerTo));
    expect(response.headers.get("MS-RequestId")).toBe("[redacted]");
    expect(answerTo.response).toBe(response);
    expect(answerTo.echoed).toEqual({ requestId: "[redacted]", correlationId });
  });

  test("refuses a body openapi-fetch did not serialize to a string", () => {
    expect(() => new CallRequest(url, { method: "POST", body: new Uint8Array([1]) })).toThrow(TypeError);
  });
});

describe("retryDecision", () => {
  const base = { attempt: 0, maxRetries: 3, maxRetryAfterMs: 60_000 };
  test.each([
    { input: { status: 503 }, retry: true },
    { input: { status: 429, retryAfterMs: 60_000 }, retry: true },
    { input: { status: 429, retryAfterMs: 60_001 }, retry: false },
    { input: { status: 500, attempt: 3 }, retry: false },
    { input: { status: 412 }, retry: false },
    { input: { status: 400 }, retry: false },
    { input: { status: 401 }, retry: false },
    { input: { status: 200 }, retry: false },
    { input: { error: new TypeError("fetch failed") }, retry: true },
    { input: { error: new TimeoutError("slow") }, retry: true },
    { input: { error: new TimeoutError("slow"), attempt: 3 }, retry: false },
    { input: { error: new AbortedError("stop") }, retry: false },
  ])("decides retry=$retry for $input", ({ input, retry }) => {
    const decision = retryDecision({ ...base, ...input });
    expect(decision.retry).toBe(retry);
    expect(decision.reason).not.toBe("");
  });
});

describe("backoffDelayMs", () => {
  test.each([
    { attempt: 0, random: 0, delayMs: 250 },
    { attempt: 0, random: 1, delayMs: 500 },
    { attempt: 3, random: 0.5, delayMs: 3_000 },
    { attempt: 6, random: 1, delayMs: 30_000 },
    { attempt: 40, random: 0, delayMs: 15_000 },
  ])("waits $delayMs ms before retry $attempt with random $random", ({ attempt, random, delayMs }) => {
    expect(backoffDelayMs(attempt, DEFAULT_RETRY, () => random)).toBe(delayMs);
  });
});

describe("parseRetryAfterMs", () => {
  const nowMs = Date.parse("2025-03-01T10:00:00Z");
  test.each([
    { value: "7", expected: 7_000 },
    { value: " 0 ", expected: 0 },
    { value: "1.5", expected: 1_500 },
    { value: "Sat, 01 Mar 2025 10:00:30 GMT", expected: 30_000 },
    { value: "Sat, 01 Mar 2025 09:59:00 GMT", expected: 0 },
    { value: "120", expected: 120_000 },
    { value: "1.25", expected: 1_250 },
    { value: "7s", expected: undefined },
    { value: "1.", expected: undefined },
    { value: "SAT, 01 MAR 2025 10:00:30 GMT", expected: 30_000 },
    { value: "soon", expected: undefined },
    { value: "-5", expected: undefined },
    { value: "", expected: undefined },
    { value: null, expected: undefined },
  ])("reads $value as $expected ms", ({ value, expected }) => {
    expect(parseRetryAfterMs(value, nowMs)).toBe(expected);
  });
});
