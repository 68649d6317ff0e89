import { describe, expect, test } from "vitest";
import { createPartnerCenterClient, getResponseMeta, UnexpectedResponseError } from "../../src/index.js";
import { MAX_PAGES } from "../../src/paging.js";
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

describe("paging", () => {
  test("follows next links under the base URL with their continuation token and returns every item", async () => {
    const { pc, requests } = pagedClient([
      page([sku("a")], {
        uri: `/customers/${customerId}/subscribedskus?seek=2`,
        headers: [{ key: "MS-ContinuationToken", value: "token-2" }],
      }),
      page([sku("b")], { uri: `https://api.partnercenter.microsoft.com/v1/customers/${customerId}/subscribedskus?seek=3` }),
      page([sku("c")]),
    ]);
    const skus = await pc.licenses.listSubscribedSkus(customerId);
    expect(skus.map((item) => item.productSku?.id)).toEqual(["a", "b", "c"]);
    expect(requests.map((request) => request.url)).toEqual([
      `https://api.partnercenter.microsoft.com/v1/customers/${customerId}/subscribedskus`,
      `https://api.partnercenter.microsoft.com/v1/customers/${customerId}/subscribedskus?seek=2`,
      `https://api.partnercenter.microsoft.com/v1/customers/${customerId}/subscribedskus?seek=3`,
    ]);
    expect(requests[1]!.headers.get("MS-ContinuationToken")).toBe("token-2");
    expect(requests[2]!.headers.get("MS-ContinuationToken")).toBeNull();
    expect(getResponseMeta(skus)).toMatchObject({ status: 200, requestId: "r-1" });
  });

  test.each([
    ["another origin", "https://attacker.example/v1/customers?seek=2"],
    ["another scheme", "http://api.partnercenter.microsoft.com/v1/customers?seek=2"],
    ["a protocol-relative URL", "//attacker.example/v1/customers"],
    ["a path outside the base", "https://api.partnercenter.microsoft.com/v2/customers"],
    ["a malformed URL", "https://[bad"],
  ])("refuses a next link to %s and never sends the token there", async (_, uri) => {
    const { pc, requests } = pagedClient([page([sku("a")], { uri })]);
    const error = await pc.licenses.listSubscribedSkus(customerId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toContain("it was not followed");
    expect(requests).toHaveLength(1);
  });

  test("takes only the continuation token from a link's headers", async () => {
    const { pc, requests } = pagedClient([
      page([sku("a")], {
        uri: "/customers/x/subscribedskus?seek=2",
        headers: [
          { key: "Authorization", value: "Bearer other" },
          { key: "Host", value: "attacker.example" },
        ],
      }),
      page([]),
    ]);
    await pc.licenses.listSubscribedSkus(customerId);
    expect(requests[1]!.headers.get("Authorization")).toBe("Bearer secret-token");
  });

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

  test(`stops a list that goes on past ${MAX_PAGES} pages`, async () => {
    const { pc, requests } = pagedClient([page([sku("a")], { uri: "/customers/x/subscribedskus?again" })]);
    await expect(pc.upgrades.list(customerId, ids.subscriptionId)).rejects.toThrow(`past ${MAX_PAGES} pages`);
    expect(requests).toHaveLength(MAX_PAGES);
  });
});
