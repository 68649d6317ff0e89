import { getEventListeners } from "node:events";
import { describe, expect, test, vi } from "vitest";
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
