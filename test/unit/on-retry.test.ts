import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createPartnerCenterClient, type RetryEvent } from "../../src/index.js";
import { createRetryingFetch } from "../../src/retry.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

const noJitter = () => 1;
const subscription = { id: ids.subscriptionId, autoRenewEnabled: true, attributes: { etag: "e1", objectType: "Subscription" } };

/** A fetch answering the given statuses in turn (429s with Retry-After 30), then 200 with a subscription. */
function scripted(...statuses: number[]) {
  const requestIds: Array<string | null> = [];
  const fetch = async (request: Request): Promise<Response> => {
    requestIds.push(request.headers.get("MS-RequestId"));
    const status = statuses[requestIds.length - 1];
    if (status === undefined) return jsonResponse(200, subscription);
    return jsonResponse(status, {}, status === 429 ? { "Retry-After": "30" } : {});
  };
  return { fetch, requestIds };
}

async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  const outcome = promise.catch((error: Error) => error);
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("onRetry", () => {
  test("the client tells it of each wait before a retry: the Retry-After, the count, the call and its MS-RequestId", async () => {
    const events: RetryEvent[] = [];
    const { fetch, requestIds } = scripted(429, 503);
    const pc = createPartnerCenterClient({
      credential: staticCredential(),
      baseUrl: "http://127.0.0.1:9/v1",
      fetch,
      retry: { maxRetries: 3, baseDelayMs: 100 },
      onRetry: (event) => events.push(event),
    });
    const result = await settle(pc.subscriptions.get(ids.customerId, ids.subscriptionId));
    expect(result).toMatchObject({ id: ids.subscriptionId });
    const what = `GET /v1/customers/${ids.customerId}/subscriptions/${ids.subscriptionId}`;
    expect(events).toEqual([
      { retry: 1, maxRetries: 3, delayMs: 30_000, status: 429, what, requestId: requestIds[0] },
      { retry: 2, maxRetries: 3, delayMs: expect.any(Number), status: 503, what, requestId: requestIds[0] },
    ]);
    expect(new Set(requestIds).size).toBe(1);
  });

  test("is not told when no retry follows, and a listener that throws changes nothing", async () => {
    const onRetry = vi.fn(() => {
      throw new Error("listener fault");
    });
    const { fetch, requestIds } = scripted(429, 429);
    const call = createRetryingFetch({ fetch, retry: { maxRetries: 1 }, random: noJitter, onRetry })(
      new Request("http://127.0.0.1:9/v1/customers"),
    );
    const response = await settle(call);
    expect((response as Response).status).toBe(429);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(requestIds).toHaveLength(2);
  });

  test("a network failure is told without a status", async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const fetch = async (): Promise<Response> => {
      calls += 1;
      if (calls === 1) throw new TypeError("fetch failed");
      return new Response("{}", { status: 200 });
    };
    await settle(
      createRetryingFetch({ fetch, retry: {}, random: noJitter, onRetry: (event) => events.push(event) })(
        new Request("http://127.0.0.1:9/x"),
      ),
    );
    expect(events).toEqual([{ retry: 1, maxRetries: 3, delayMs: 500, what: "GET /x" }]);
  });

  test("createPartnerCenterClient refuses an onRetry that is not a function", () => {
    expect(() => createPartnerCenterClient({ credential: staticCredential(), onRetry: "yes" as never })).toThrow(
      /options.onRetry must be a function/,
    );
  });
});
