import { describe, expect, test, vi } from "vitest";
import { CallRequest } from "../../src/attempt.js";
import { AbortedError, NetworkError, TimeoutError } from "../../src/errors.js";
import { createRetryingFetch } from "../../src/retry.js";

const url = "https://api.partnercenter.microsoft.com/v1/customers/c-1/subscriptions/s-1";
const once = (fetch: (request: Request) => Promise<Response>, timeoutMs?: number) =>
  createRetryingFetch({ fetch, retry: false, ...(timeoutMs !== undefined && { timeoutMs }) });

describe("one attempt", () => {
  test("a typed call's body must already be a string", () => {
    expect(() => new CallRequest(url, { method: "POST", body: new Uint8Array([1]) })).toThrow(
      "a typed call's body must be serialized to a string",
    );
    expect(new CallRequest(url, {}).method).toBe("GET");
  });

  test("a failure in transit names the one attempt and what failed, a thrown string included", async () => {
    const plain = await once(async () => Promise.reject(new Error("socket hang up")))(new Request(url)).catch((error: unknown) => error);
    expect(plain).toBeInstanceOf(NetworkError);
    expect((plain as Error).message).toBe(
      "GET /v1/customers/c-1/subscriptions/s-1 could not reach the service after 1 attempt: socket hang up",
    );
    const thrown = await once(async () => Promise.reject("boom"))(new Request(url)).catch((error: unknown) => error);
    expect((thrown as Error).message).toBe("GET /v1/customers/c-1/subscriptions/s-1 could not reach the service after 1 attempt: boom");
  });

  test("a timeout keeps the abort that ended the attempt as its cause", async () => {
    const error = await once(
      (request) => new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(new Error("cut")))),
      20,
    )(new Request(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("got no answer within 20 ms, after 1 attempt");
    // A custom fetch is raced against the attempt's signal, so the cause is that signal's abort.
    expect((error as Error).cause).toMatchObject({ name: "AbortError" });
  });

  test("an abort keeps the caller's reason as its cause", async () => {
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    controller.abort(reason);
    const error = await once(vi.fn())(new Request(url, { signal: controller.signal })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).cause).toBe(reason);
  });

  test("an answer with a null-body status comes back with no body", async () => {
    const token = "token-value-long";
    const retrying = createRetryingFetch({ fetch: async () => new Response(null, { status: 204 }), retry: false, token: () => token });
    const response = await retrying(new Request(url, { method: "DELETE" }));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
