import { getEventListeners } from "node:events";
import { afterEach, describe, expect, test, vi } from "vitest";
import { CallRequest, type TypedCall } from "../../src/attempt.js";
import { AbortedError } from "../../src/errors.js";
import { createRetryingFetch } from "../../src/retry.js";

/** The edges of one attempt: the caller's abort at each point, the timeout's off values, tokens and listeners. */
const url = "https://api.partnercenter.microsoft.com/v1/customers/c-1/subscriptions/s-1";
const slow = (ms: number, body = "{}") =>
  vi.fn(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return new Response(body, { status: 200 });
  });

describe("the caller's abort", () => {
  test("an aborted call asks for no token and sends nothing", async () => {
    const token = vi.fn(() => "token-value-long");
    const fetch = vi.fn(async () => new Response("{}"));
    const controller = new AbortController();
    controller.abort();
    const error = await createRetryingFetch({ fetch, retry: false, token })(new Request(url, { signal: controller.signal })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(token).not.toHaveBeenCalled();
    expect(fetch).not.toHaveBeenCalled();
  });

  test("an abort while the token is fetched sends nothing", async () => {
    const controller = new AbortController();
    const fetch = vi.fn(async () => new Response("{}"));
    const token = vi.fn(async () => {
      controller.abort();
      return "token-value-long";
    });
    const error = await createRetryingFetch({ fetch, retry: false, token })(new Request(url, { signal: controller.signal })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(token).toHaveBeenCalledOnce();
    expect(fetch).not.toHaveBeenCalled();
  });

  test("an abort while the request is in flight is an AbortedError, not a timeout", async () => {
    const controller = new AbortController();
    const fetch = vi.fn(
      (request: Request) => new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("cut")))),
    );
    const pending = createRetryingFetch({ fetch, retry: false, timeoutMs: 60_000 })(new Request(url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  test("an abort made as the custom fetch is called wins even if that fetch answers", async () => {
    const controller = new AbortController();
    // A custom fetch that ignores its signal and answers at once.
    const fetch = vi.fn(async () => {
      controller.abort();
      return new Response('{"a":1}');
    });
    const error = await createRetryingFetch({ fetch, retry: false })(new Request(url, { signal: controller.signal })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AbortedError);
  });

  test("a finished call leaves no listener of its own on the caller's signal", async () => {
    // The call follows the signal of the Request it is given (its own, which follows the caller's).
    const request = new Request(url, { signal: new AbortController().signal });
    const before = getEventListeners(request.signal, "abort").length;
    const response = await createRetryingFetch({ fetch: slow(1), retry: false })(request);
    await response.text();
    expect(getEventListeners(request.signal, "abort")).toHaveLength(before);
    const failed = createRetryingFetch({ fetch: async () => Promise.reject(new Error("down")), retry: false });
    await failed(request).catch(() => undefined);
    expect(getEventListeners(request.signal, "abort")).toHaveLength(before);
  });
});

describe("the per-attempt timeout", () => {
  test.each([0, Number.POSITIVE_INFINITY])("%s turns it off", async (timeoutMs) => {
    const response = await createRetryingFetch({ fetch: slow(30), retry: false, timeoutMs })(new Request(url));
    expect(await response.text()).toBe("{}");
  });
});

describe("tokens cut from the answer", () => {
  const echo = (token: string) => async () => new Response(`{"seen":"Bearer ${token}"}`, { headers: { "Content-Length": "99" } });

  test("a token of eight characters is cut from an answer that echoes it", async () => {
    const token = "abcdefgh";
    const response = await createRetryingFetch({ fetch: echo(token), retry: false, token: () => token })(new Request(url));
    const text = await response.text();
    expect(text).not.toContain(token);
    // The cut body's length is no longer the one the service gave.
    expect(response.headers.get("Content-Length")).toBeNull();
  });

  test("a shorter one, which no real credential is, is left as it came", async () => {
    const token = "abcdefg";
    const response = await createRetryingFetch({ fetch: echo(token), retry: false, token: () => token })(new Request(url));
    expect(await response.text()).toBe('{"seen":"Bearer abcdefg"}');
  });

  test("an answer that quotes no token keeps its headers, Content-Length included", async () => {
    const body = '{"id":"s-1"}';
    const fetch = async () => new Response(body, { headers: { "Content-Length": String(body.length), "X-Extra": "kept" } });
    const response = await createRetryingFetch({ fetch, retry: false, token: () => "token-value-long" })(new Request(url));
    expect(response.headers.get("Content-Length")).toBe(String(body.length));
    expect(response.headers.get("X-Extra")).toBe("kept");
    expect(await response.text()).toBe(body);
  });
});

describe("an answer that is retried", () => {
  test("a retried answer with no body is let go without error", async () => {
    const fetch = vi
      .fn<(request: Request) => Promise<Response>>()
      .mockResolvedValueOnce(new Response(null, { status: 503 }))
      .mockResolvedValueOnce(new Response("{}", { status: 200 }));
    const retrying = createRetryingFetch({ fetch, retry: { baseDelayMs: 1, maxDelayMs: 1 }, random: () => 0 });
    const response = await retrying(new Request(url));
    expect(response.status).toBe(200);
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe("the Authorization header", () => {
  test("every token, an empty one too, is sent after `Bearer `, each call with its own", async () => {
    const tokens = ["", "token-value-a", "token-value-a", "", "token-value-b"];
    const fetch = vi.fn(async (_request: Request) => new Response("{}"));
    const retrying = createRetryingFetch({ fetch, retry: false, token: () => tokens[fetch.mock.calls.length]! });
    for (const _ of tokens) await (await retrying(new Request(url))).text();
    // Headers trim the value, so "Bearer " + "" goes out as "Bearer".
    expect(fetch.mock.calls.map(([request]) => request.headers.get("Authorization"))).toEqual([
      "Bearer",
      "Bearer token-value-a",
      "Bearer token-value-a",
      "Bearer",
      "Bearer token-value-b",
    ]);
  });
});

describe("the listeners of an attempt", () => {
  afterEach(() => vi.unstubAllGlobals());

  test("a call through the global fetch makes Node print no warning", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response("{}")),
    );
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on("warning", onWarning);
    try {
      const response = await createRetryingFetch({ retry: false, token: () => "token-value-long" })(new Request(url));
      expect(await response.text()).toBe("{}");
      // Node emits a warning on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  /** Each Request built with a signal, that signal and the abort listeners it had once the Request was built. */
  function watchRequests(): Map<Request, { signal: AbortSignal; before: readonly unknown[] }> {
    const built = new Map<Request, { signal: AbortSignal; before: readonly unknown[] }>();
    const Base = globalThis.Request;
    vi.stubGlobal(
      "Request",
      class extends Base {
        constructor(input: RequestInfo | URL, init?: RequestInit) {
          super(input, init);
          if (init?.signal) built.set(this, { signal: init.signal, before: getEventListeners(init.signal, "abort") });
        }
      },
    );
    return built;
  }

  test("the attempt's signal holds the custom fetch's Request while it is in flight, and lets it go after", async () => {
    const input = new Request(url);
    const built = watchRequests();
    let during: unknown[] = [];
    const fetch = vi.fn(async (request: Request) => {
      const { signal, before } = built.get(request)!;
      during = getEventListeners(signal, "abort").filter((listener) => !before.includes(listener));
      return new Response('{"id":"s-1"}');
    });
    const response = await createRetryingFetch({ fetch, retry: false, token: () => "token-value-long" })(input);
    expect(await response.text()).toBe('{"id":"s-1"}');
    const request = fetch.mock.calls[0]![0];
    const { signal, before } = built.get(request)!;
    // Once the attempt is over, every listener it added to its signal is gone...
    expect(getEventListeners(signal, "abort").filter((listener) => !before.includes(listener))).toEqual([]);
    // ...and while the fetch was in flight, one of them returned the Request (called now, when none can change the call).
    expect(during.map((listener) => (listener as () => unknown)())).toContain(request);
  });

  test("a failed custom fetch leaves no listener on the attempt's signal either", async () => {
    const built = watchRequests();
    const fetch = vi.fn(async (_request: Request): Promise<Response> => Promise.reject(new Error("down")));
    await expect(createRetryingFetch({ fetch, retry: false })(new Request(url))).rejects.toThrow("could not reach the service");
    const { signal, before } = built.get(fetch.mock.calls[0]![0])!;
    expect(getEventListeners(signal, "abort").filter((listener) => !before.includes(listener))).toEqual([]);
  });
});

describe("a typed call's answer", () => {
  test("a call that sends no ids and gets none back has its answer as it came, tokens or not", async () => {
    const served = new Response('{"id":"s-1"}', { status: 200 });
    const answerTo: TypedCall = { sent: {} };
    const fetch = vi.fn(async (_request: Request) => served);
    const retrying = createRetryingFetch({ fetch, retry: false, token: () => "token-value-long" });
    const response = await retrying(new CallRequest(url, { partnerCenterCall: answerTo }));
    expect(response).toBe(served);
    expect(answerTo).toEqual({
      sent: {},
      response: served,
      text: '{"id":"s-1"}',
      echoed: { requestId: undefined, correlationId: undefined },
    });
  });
});
