import { describe, expect, test, vi } from "vitest";
import { type BulkProgress, createPartnerCenterClient } from "../../src/index.js";
import { createRetryingFetch, DEFAULT_RETRY, retryDecision } from "../../src/retry.js";
import { collect, ids, jsonResponse, staticCredential } from "../helpers.js";

// The rule: a status the caller lists in handBack is returned to it after one attempt, even one the retry loop
// would otherwise repeat (429); every other retryable status is still retried. The bulk runner lists 429, so a
// throttled bulk item is re-queued by the runner (its customer paused), never retried inside the call.

const url = `https://api.partnercenter.microsoft.com/v1/customers/${ids.customerId}/users/u/licenseupdates`;
const throttled = () => new Response("{}", { status: 429, headers: { "Retry-After": "1" } });

describe("handBack", () => {
  test("retryDecision gives a listed status back and still retries an unlisted one", () => {
    const base = { attempt: 0, maxRetries: 3, maxRetryAfterMs: 60_000, handBack: [429] };
    expect(retryDecision({ ...base, status: 429 })).toEqual({ retry: false, reason: "HTTP 429 is handed back to the caller" });
    expect(retryDecision({ ...base, status: 503 }).retry).toBe(true);
    expect(retryDecision({ ...base, status: 429, handBack: [] }).retry).toBe(true);
  });

  test("the retrying fetch returns a listed 429 after one attempt, without waiting", async () => {
    const fetch = vi.fn(async () => throttled());
    const sleep = vi.fn(async () => undefined);
    const retrying = createRetryingFetch({ fetch, retry: DEFAULT_RETRY, handBack: [429], sleep });
    const response = await retrying(new Request(url));
    expect(response.status).toBe(429);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  test("bulkUpdate's 429 is re-queued by the runner (counted as throttled), not retried inside the call", async () => {
    let sent = 0;
    const pc = createPartnerCenterClient({
      credential: staticCredential(),
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
      fetch: async () => {
        sent += 1;
        return sent === 1
          ? jsonResponse(429, { statusCode: 429, message: "slow down" }, { "Retry-After": "0" })
          : jsonResponse(201, { licensesToAssign: [{ skuId: ids.skuId }] });
      },
    });
    const events: BulkProgress[] = [];
    const item = { customerId: ids.customerId, userId: "adele@contoso.com", update: { licensesToAssign: [{ skuId: ids.skuId }] } };
    const results = await collect(
      pc.licenses.bulkUpdate([item], { rate: false, perCustomerRate: false, onProgress: (event) => events.push(event) }),
    );
    expect(results.map((result) => result.ok)).toEqual([true]);
    expect(sent).toBe(2);
    expect(events.filter((event) => event.event === "throttled")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ done: 1, throttled: 1, retrying: 0 });
  });
});
