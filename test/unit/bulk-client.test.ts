import { describe, expect, test } from "vitest";
import { type BulkLicenseItem, createPartnerCenterClient, InvalidInputError, type PartnerCenterClient } from "../../src/index.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId, subscriptionId, skuId } = ids;
const otherCustomer = "11111111-2222-3333-4444-555555555555";

async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const result of results) all.push(result);
  return all;
}

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
});
