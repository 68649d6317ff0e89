import { describe, expect, test } from "vitest";
import { type BulkLicenseItem, createPartnerCenterClient, InvalidInputError, type PartnerCenterClient } from "../../src/index.js";
import { collect, ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId, subscriptionId, skuId } = ids;
const otherCustomer = "11111111-2222-3333-4444-555555555555";

function bulkClient(answer: (request: Request, seen: number) => Response) {
  const requests: Request[] = [];
  const pc: PartnerCenterClient = createPartnerCenterClient({
    credential: staticCredential(),
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    fetch: async (request) => {
      requests.push(request.clone());
      return answer(request, requests.filter((seen) => seen.headers.get("MS-RequestId") === request.headers.get("MS-RequestId")).length);
    },
  });
  return { pc, requests };
}

describe("bulk operations on the client", () => {
  test("bulkUpdate takes 429s itself: one attempt per throttle, re-sent with the same request id", async () => {
    const { pc, requests } = bulkClient((request, seen) =>
      new URL(request.url).pathname.includes(otherCustomer) || seen > 1
        ? jsonResponse(201, { licensesToAssign: [{ skuId }] })
        : jsonResponse(429, { statusCode: 429, message: "slow down" }, { "Retry-After": "0" }),
    );
    const items: BulkLicenseItem[] = [customerId, otherCustomer].map((customer) => ({
      customerId: customer,
      userId: "adele@contoso.com",
      update: { licensesToAssign: [{ skuId }] },
    }));
    const results = await collect(pc.licenses.bulkUpdate(items, { rate: false, perCustomerRate: false }));
    expect(results.every((result) => result.ok)).toBe(true);
    const throttled = requests.filter((request) => request.url.includes(customerId));
    expect(throttled).toHaveLength(2);
    expect(throttled[0]!.headers.get("MS-RequestId")).toBe(throttled[1]!.headers.get("MS-RequestId"));
    expect(results.find((result) => result.item.customerId === customerId)?.requestId).toBe(throttled[0]!.headers.get("MS-RequestId"));
  });

  test("bulkUpdate reports a bad row as that row's InvalidInputError and runs the rest", async () => {
    const { pc, requests } = bulkClient(() => jsonResponse(201, { licensesToAssign: [{ skuId }] }));
    const items = [
      { customerId, userId: "a@contoso.com", update: { licensesToAssign: [{ skuId }] } },
      { customerId: "not-a-guid", userId: "", update: {} },
      null as unknown as BulkLicenseItem,
    ];
    const results = await collect(pc.licenses.bulkUpdate(items, { rate: false }));
    expect(results).toHaveLength(3);
    expect(results.filter((result) => !result.ok)).toHaveLength(2);
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.error instanceof InvalidInputError)).toBe(true);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(requests).toHaveLength(1);
  });

  test("bulkSetAutoRenew reads and writes each subscription", async () => {
    const subscription = { id: subscriptionId, autoRenewEnabled: true, attributes: { etag: "e" } };
    const { pc, requests } = bulkClient((request) => jsonResponse(200, { ...subscription, autoRenewEnabled: request.method === "GET" }));
    const results = await collect(pc.subscriptions.bulkSetAutoRenew([{ customerId, subscriptionId, enabled: false }], { rate: false }));
    expect(results[0]).toMatchObject({ ok: true, value: { autoRenewEnabled: false } });
    expect(requests.map((request) => request.method)).toEqual(["GET", "PATCH"]);
  });

  test("refuses a source that is not iterable and bad options before anything runs", () => {
    const { pc } = bulkClient(() => jsonResponse(200, {}));
    expect(() => pc.licenses.bulkUpdate(42 as never)).toThrow(InvalidInputError);
    expect(() => pc.subscriptions.bulkSetAutoRenew([], { concurrency: 0 })).toThrow("options.concurrency must be at least 1");
  });

  test("an item's own requestId is the one sent and reported; a malformed one fails that item alone", async () => {
    const { pc, requests } = bulkClient(() => jsonResponse(201, { licensesToAssign: [{ skuId }] }));
    const earlier = "2f0d0a4e-5c55-4b8e-9d2b-3f3c1b7c9a10";
    const change = { licensesToAssign: [{ skuId }] };
    const results = await collect(
      pc.licenses.bulkUpdate(
        [
          { customerId, userId: "a@contoso.com", update: change, requestId: earlier },
          { customerId, userId: "b@contoso.com", update: change, requestId: "not-a-guid" },
          { customerId, userId: "c@contoso.com", update: change },
        ],
        { rate: false },
      ),
    );
    const byUser = new Map(results.map((result) => [result.item.userId, result]));
    expect(byUser.get("a@contoso.com")).toMatchObject({ ok: true, requestId: earlier });
    expect(byUser.get("b@contoso.com")?.ok).toBe(false);
    expect(byUser.get("b@contoso.com")).toMatchObject({ error: expect.any(InvalidInputError) });
    expect(byUser.get("c@contoso.com")?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(byUser.get("c@contoso.com")?.requestId).not.toBe(earlier);
    expect(requests.map((request) => request.headers.get("MS-RequestId"))).toEqual(
      expect.arrayContaining([earlier, byUser.get("c@contoso.com")?.requestId]),
    );
    expect(requests).toHaveLength(2);
  });
});
