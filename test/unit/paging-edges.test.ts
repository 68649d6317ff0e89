import { describe, expect, test } from "vitest";
import { createPartnerCenterClient } from "../../src/index.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId } = ids;
const sku = (id: string) => ({ productSku: { id }, availableUnits: 1 });
const page = (items: unknown[], next?: { uri: string; headers?: Array<{ key: string; value: string }> }) => ({
  totalCount: items.length,
  items,
  ...(next && { links: { next: { method: "GET", headers: [], ...next } } }),
});

function pagedClient(pages: Array<ReturnType<typeof page> | Record<string, unknown>>, validation?: "off") {
  const requests: Request[] = [];
  const pc = createPartnerCenterClient({
    credential: staticCredential("secret-token"),
    retry: false,
    ...(validation && { validation }),
    fetch: async (request) => {
      requests.push(request);
      return jsonResponse(200, pages[Math.min(requests.length - 1, pages.length - 1)], { "MS-RequestId": `r-${requests.length}` });
    },
  });
  return { pc, requests };
}

// Edges of next links: header-name case, link forms the service may write, tokens that cannot be sent, malformed link headers.
describe("paging: link edges", () => {
  // Header names are case-insensitive (RFC 9110), so a link's continuation token is taken whatever case its key has;
  // it goes out under the name the docs write.
  test.each(["ms-continuationtoken", "MS-CONTINUATIONTOKEN", "Ms-ContinuationToken"])(
    "takes the continuation token under the key %s",
    async (key) => {
      const { pc, requests } = pagedClient([
        page([sku("a")], { uri: "/customers/x/subscribedskus?seek=2", headers: [{ key, value: "token-2" }] }),
        page([]),
      ]);
      await pc.licenses.listSubscribedSkus(customerId);
      expect(requests[1]!.headers.get("MS-ContinuationToken")).toBe("token-2");
    },
  );

  test("follows a link written without a leading slash, or with a colon in its query, under the base URL", async () => {
    const { pc, requests } = pagedClient([
      page([sku("a")], { uri: `customers/${customerId}/subscribedskus?seek=2` }),
      page([sku("b")], { uri: `/customers/${customerId}/subscribedskus?seek=a:b` }),
      { ...page([sku("c")]), links: {} },
    ]);
    const skus = await pc.licenses.listSubscribedSkus(customerId);
    expect(skus.map((item) => item.productSku?.id)).toEqual(["a", "b", "c"]);
    expect(requests.slice(1).map((request) => new URL(request.url).pathname + new URL(request.url).search)).toEqual([
      `/v1/customers/${customerId}/subscribedskus?seek=2`,
      `/v1/customers/${customerId}/subscribedskus?seek=a:b`,
    ]);
  });

  test.each(["tok\u00e9n", "a\nb", "\u0000"])("refuses a continuation token %j that cannot be sent back as a header", async (value) => {
    const { pc, requests } = pagedClient([
      page([sku("a")], { uri: "/customers/x/subscribedskus?seek=2", headers: [{ key: "MS-ContinuationToken", value }] }),
    ]);
    await expect(pc.licenses.listSubscribedSkus(customerId)).rejects.toThrow("not printable ASCII");
    expect(requests).toHaveLength(1);
  });

  test("skips a link header without a key or a value", async () => {
    const headers = [{ value: "orphan" }, { key: "MS-ContinuationToken" }] as unknown as Array<{ key: string; value: string }>;
    const { pc, requests } = pagedClient([page([sku("a")], { uri: "/customers/x/subscribedskus?seek=2", headers }), page([])]);
    await pc.licenses.listSubscribedSkus(customerId);
    expect(requests[1]!.headers.get("MS-ContinuationToken")).toBeNull();
  });

  test("with validation off, a page without an items list is still refused", async () => {
    const { pc } = pagedClient([{ totalCount: 0 }], "off");
    await expect(pc.licenses.listSubscribedSkus(customerId)).rejects.toThrow("the answer has no items list");
  });
});
