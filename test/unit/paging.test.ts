import { describe, expect, test } from "vitest";
import { createPartnerCenterClient, getResponseMeta, TooManyRequestsError, UnexpectedResponseError } from "../../src/index.js";
import { MAX_PAGES } from "../../src/paging.js";
import { collect, ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId } = ids;
const sku = (id: string) => ({ productSku: { id }, availableUnits: 1 });
type Next = { uri: string; headers?: Array<{ key: string; value: string }> };
const page = (items: unknown[], next?: Next) => ({
  totalCount: items.length,
  items,
  ...(next && { links: { next: { method: "GET", headers: [], ...next } } }),
});

/** A client whose fetch answers with `answer(n)` for the n-th request (from 0), recording every request. */
function pagedClient(answer: (n: number) => Response, baseUrl?: string, retry: false | { maxRetries: number } = false) {
  const requests: Request[] = [];
  const pc = createPartnerCenterClient({
    credential: staticCredential("secret-token"),
    ...(baseUrl && { baseUrl }),
    retry: retry && { ...retry, baseDelayMs: 0, maxDelayMs: 0 },
    fetch: async (request) => {
      requests.push(request.clone());
      return answer(requests.length - 1);
    },
  });
  return { pc, requests };
}
const pages = (list: Array<ReturnType<typeof page>>) => (n: number) =>
  jsonResponse(200, list[Math.min(n, list.length - 1)], { "MS-RequestId": `r-${n + 1}` });

describe("paging: next-link forms", () => {
  test.each([
    [
      "with the version prefix, as the customers docs write it",
      "/v1/customers?size=2&seekOperation=Next",
      undefined,
      "https://api.partnercenter.microsoft.com/v1/customers?size=2&seekOperation=Next",
    ],
    ["rooted without the version prefix", "/customers?seek=2", undefined, "https://api.partnercenter.microsoft.com/v1/customers?seek=2"],
    ["relative without a leading slash", "customers?seek=2", undefined, "https://api.partnercenter.microsoft.com/v1/customers?seek=2"],
    [
      "absolute under the base URL",
      "https://api.partnercenter.microsoft.com/v1/customers?seek=2",
      undefined,
      "https://api.partnercenter.microsoft.com/v1/customers?seek=2",
    ],
    [
      "with the prefix, under a base that has a path before the version",
      "/v1/customers?seek=2",
      "https://proxy.example/pc/v1",
      "https://proxy.example/pc/v1/customers?seek=2",
    ],
    [
      "with the prefix, under a base without a version (a mock)",
      "/v1/customers?seek=2",
      "http://127.0.0.1:4010",
      "http://127.0.0.1:4010/customers?seek=2",
    ],
    [
      "without the prefix, under a base without a version",
      "/customers?seek=2",
      "http://127.0.0.1:4010",
      "http://127.0.0.1:4010/customers?seek=2",
    ],
  ])("follows a next link %s", async (_, uri, baseUrl, expected) => {
    const { pc, requests } = pagedClient(pages([page([{ id: "a" }], { uri }), page([{ id: "b" }])]), baseUrl);
    const customers = await collect(pc.customers.list());
    expect(customers.map((customer) => customer.id)).toEqual(["a", "b"]);
    expect(requests.map((request) => request.url)).toEqual([
      `${baseUrl ?? "https://api.partnercenter.microsoft.com/v1"}/customers`,
      expected,
    ]);
  });

  test.each([
    ["another origin", "https://attacker.example/v1/customers?seek=2"],
    ["another scheme", "http://api.partnercenter.microsoft.com/v1/customers?seek=2"],
    ["a protocol-relative URL", "//attacker.example/v1/customers"],
    ["a path outside the base", "https://api.partnercenter.microsoft.com/v2/customers"],
    ["another version, written relative", "/v2/customers?seek=2"],
    ["a dot segment that climbs out of the base", "/../customers?seek=2"],
    ["a malformed URL", "https://[bad"],
  ])("refuses a next link to %s and never sends the token there", async (_, uri) => {
    const { pc, requests } = pagedClient(pages([page([sku("a")], { uri })]));
    const error = await pc.licenses.listSubscribedSkus(customerId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toContain("it was not followed");
    expect(requests).toHaveLength(1);
  });
});

describe("paging: what a next page is sent with", () => {
  test("carries the link's MS-ContinuationToken and no other header of the link", async () => {
    const { pc, requests } = pagedClient(
      pages([
        page([sku("a")], {
          uri: "/customers/x/subscribedskus?seek=2",
          headers: [
            { key: "MS-ContinuationToken", value: "token-2" },
            { key: "Authorization", value: "Bearer other" },
            { key: "Host", value: "attacker.example" },
            { key: "X-Other", value: "1" },
          ],
        }),
        page([sku("b")], { uri: "/customers/x/subscribedskus?seek=3" }),
        page([]),
      ]),
    );
    const skus = await pc.licenses.listSubscribedSkus(customerId);
    expect(skus.map((item) => item.productSku?.id)).toEqual(["a", "b"]);
    expect(requests[1]!.headers.get("MS-ContinuationToken")).toBe("token-2");
    expect(requests[1]!.headers.get("Authorization")).toBe("Bearer secret-token");
    expect(requests[1]!.headers.get("X-Other")).toBeNull();
    // A link without a token gets none, not the previous page's.
    expect(requests[2]!.headers.get("MS-ContinuationToken")).toBeNull();
    expect(getResponseMeta(skus)).toMatchObject({ status: 200, requestId: "r-1" });
  });

  test("refuses a continuation token that cannot be sent back in a header", async () => {
    const { pc, requests } = pagedClient(
      pages([page([sku("a")], { uri: "/customers/x/subscribedskus?seek=2", headers: [{ key: "MS-ContinuationToken", value: "tök\n" }] })]),
    );
    await expect(pc.licenses.listSubscribedSkus(customerId)).rejects.toThrow("not printable ASCII");
    expect(requests).toHaveLength(1);
  });

  test("retries a throttled page with the same token and request id, then goes on", async () => {
    const throttled = new Response(JSON.stringify({ statusCode: 429, message: "Rate limit" }), {
      status: 429,
      headers: { "Content-Type": "application/json", "Retry-After": "0" },
    });
    const serve = pages([
      page([{ id: "a" }], { uri: "/customers?seek=2", headers: [{ key: "MS-ContinuationToken", value: "t2" }] }),
      page([{ id: "b" }]),
    ]);
    const { pc, requests } = pagedClient((n) => (n === 1 ? throttled : serve(n === 0 ? 0 : 1)), undefined, { maxRetries: 2 });
    const customers = await collect(pc.customers.list());
    expect(customers.map((customer) => customer.id)).toEqual(["a", "b"]);
    expect(requests.map((request) => request.headers.get("MS-ContinuationToken"))).toEqual([null, "t2", "t2"]);
    expect(requests[1]!.headers.get("MS-RequestId")).toBe(requests[2]!.headers.get("MS-RequestId"));
  });

  test("a 429 that outlasts the retries ends the walk with TooManyRequestsError after the pages already read", async () => {
    const serve = pages([page([{ id: "a" }], { uri: "/customers?seek=2" })]);
    const { pc } = pagedClient((n) => (n === 0 ? serve(0) : jsonResponse(429, { statusCode: 429 }, { "Retry-After": "30" })));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const customer of pc.customers.list()) seen.push(customer.id);
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual(["a"]);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).retryAfterMs).toBe(30_000);
  });
});

describe("paging: loops", () => {
  test("stops when the service sends a next link it sent before, without reading that page again", async () => {
    const { pc, requests } = pagedClient(
      pages([page([{ id: "a" }], { uri: "/customers?seek=2" }), page([{ id: "b" }], { uri: "/customers?seek=2" })]),
    );
    await expect(collect(pc.customers.list())).rejects.toThrow("a next link it had sent before");
    expect(requests).toHaveLength(2);
  });

  test("the same link with another continuation token is a new page", async () => {
    const link = (token: string) => ({ uri: "/customers?seekOperation=Next", headers: [{ key: "MS-ContinuationToken", value: token }] });
    const { pc, requests } = pagedClient(pages([page([{ id: "a" }], link("t2")), page([{ id: "b" }], link("t3")), page([{ id: "c" }])]));
    expect((await collect(pc.customers.list())).map((customer) => customer.id)).toEqual(["a", "b", "c"]);
    expect(requests).toHaveLength(3);
  });

  test(`stops a list that goes on past ${MAX_PAGES} pages`, async () => {
    const { pc, requests } = pagedClient((n) => jsonResponse(200, page([sku("a")], { uri: `/customers/x/subscribedskus?page=${n + 2}` })));
    await expect(pc.upgrades.list(customerId, ids.subscriptionId)).rejects.toThrow(`past ${MAX_PAGES} pages`);
    expect(requests).toHaveLength(MAX_PAGES);
  });
});
