import { describe, expect, test } from "vitest";
import { createPartnerCenterClient, getResponseMeta, InvalidInputError } from "../../src/index.js";
import { collect, fakeServiceClient, ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId } = ids;
const BASE = "https://api.partnercenter.microsoft.com/v1";
const link = (uri: string, token: string) => ({ next: { uri, method: "GET", headers: [{ key: "MS-ContinuationToken", value: token }] } });

/** Three pages of customers, served by the URL and continuation token asked for. */
function threePages() {
  const requests: Request[] = [];
  const answers: Record<string, unknown> = {
    "/customers ": { totalCount: 2, items: [{ id: "a" }, { id: "b" }], links: link("/v1/customers?size=2&seekOperation=Next", "t2") },
    "/customers?size=2&seekOperation=Next t2": {
      totalCount: 2,
      items: [{ id: "c" }, { id: "d" }],
      links: link("/v1/customers?size=2&seekOperation=Next", "t3"),
    },
    "/customers?size=2&seekOperation=Next t3": { totalCount: 1, items: [{ id: "e" }] },
  };
  const pc = createPartnerCenterClient({
    credential: staticCredential(),
    retry: false,
    fetch: async (request) => {
      requests.push(request.clone());
      const url = new URL(request.url);
      const key = `${url.pathname.slice("/v1".length)}${url.search.replace(/^\?size=\d+$/, "")} ${request.headers.get("MS-ContinuationToken") ?? ""}`;
      const body = answers[key];
      return body
        ? jsonResponse(200, body, { "MS-RequestId": `r-${requests.length}` })
        : jsonResponse(404, { code: 1000, description: key });
    },
  });
  return { pc, requests };
}

describe("lists read a page only when it is reached", () => {
  test("makes no request until the first item is asked for", async () => {
    const { pc, requests } = threePages();
    const customers = pc.customers.list({ pageSize: 2 });
    const users = pc.users.list(customerId);
    const pages = customers.byPage();
    await Promise.resolve();
    expect(requests).toHaveLength(0);
    expect((await customers.next()).value).toMatchObject({ id: "a" });
    expect(requests).toHaveLength(1);
    void users;
    void pages;
  });

  test("breaking out of the loop on the first page fetches no further page", async () => {
    const { pc, requests } = threePages();
    for await (const customer of pc.customers.list()) {
      expect(customer.id).toBe("a");
      break;
    }
    expect(requests).toHaveLength(1);
  });

  test("reads each page once, in order, as the loop reaches it", async () => {
    const { pc, requests } = threePages();
    const seen: string[] = [];
    for await (const customer of pc.customers.list()) seen.push(`${customer.id}@${requests.length}`);
    expect(seen).toEqual(["a@1", "b@1", "c@2", "d@2", "e@3"]);
    expect(requests.map((request) => `${new URL(request.url).search} ${request.headers.get("MS-ContinuationToken")}`)).toEqual([
      " null",
      "?size=2&seekOperation=Next t2",
      "?size=2&seekOperation=Next t3",
    ]);
  });

  test("byPage gives the pages, each with the token of the next, the ids of its answer, and none after the last", async () => {
    const { pc } = threePages();
    const pages = await collect(pc.customers.list().byPage());
    expect(pages.map((page) => page.map((customer) => customer.id))).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(pages.map((page) => typeof page.continuationToken)).toEqual(["string", "string", "undefined"]);
    expect(getResponseMeta(pages[1]!)).toMatchObject({ status: 200, requestId: "r-2" });
  });

  test("resumes a walk from a saved token: the next request is that page, with its continuation token", async () => {
    const first = threePages();
    const [page1] = await collect(first.pc.customers.list().byPage()).then((pages) => pages.slice(0, 1));
    const later = threePages();
    const resumed = await collect(later.pc.customers.list().byPage({ continuationToken: page1!.continuationToken! }));
    expect(resumed.map((page) => page.map((customer) => customer.id))).toEqual([["c", "d"], ["e"]]);
    expect(later.requests[0]!.url).toBe(`${BASE}/customers?size=2&seekOperation=Next`);
    expect(later.requests[0]!.headers.get("MS-ContinuationToken")).toBe("t2");
  });

  test("maxPageSize and pageSize are sent as size; byPage's wins", async () => {
    const { pc, requests } = threePages();
    await pc.customers.list({ pageSize: 40 }).next();
    await pc.customers.list({ pageSize: 40 }).byPage({ maxPageSize: 2 }).next();
    expect(requests.map((request) => new URL(request.url).search)).toEqual(["?size=40", "?size=2"]);
  });

  test.each([
    ["garbage", "not a token"],
    ["another list's token", Buffer.from(JSON.stringify([`/customers/${customerId}/users?seek=2`, "t"])).toString("base64url")],
    ["a token that climbs out of the list", Buffer.from(JSON.stringify(["/customers/../../x", null])).toString("base64url")],
    ["a token with a header-breaking service token", Buffer.from(JSON.stringify(["/customers?seek=2", "a\r\nX: 1"])).toString("base64url")],
  ])("refuses %s before sending anything", async (_, continuationToken) => {
    const { pc, requests } = threePages();
    expect(() => pc.customers.list().byPage({ continuationToken })).toThrow(InvalidInputError);
    expect(requests).toHaveLength(0);
  });

  test("a users token resumes only that customer's users", () => {
    const { pc } = threePages();
    const token = Buffer.from(JSON.stringify([`/customers/${customerId}/users?seek=2`, "t"])).toString("base64url");
    expect(() => pc.users.list(customerId).byPage({ continuationToken: token })).not.toThrow();
    expect(() => pc.users.list(ids.subscriptionId).byPage({ continuationToken: token })).toThrow("belongs to another list");
  });
});

describe("what the list calls send", () => {
  function recorder() {
    const { pc, requests } = fakeServiceClient(() => jsonResponse(200, { totalCount: 0, items: [] }));
    return { pc, requests, query: () => new URL(requests.at(-1)!.url).search };
  }

  test("customers filter by company name: the docs' encoded JSON, byte for byte", async () => {
    const { pc, query } = recorder();
    await collect(pc.customers.list({ pageSize: 40, filter: { companyNameStartsWith: "Cont" } }));
    expect(query()).toBe(
      "?size=40&filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22Cont%22%2C%22Operator%22%3A%22starts_with%22%7D",
    );
  });

  test("customers filter by domain, the value sent as written (not trimmed)", async () => {
    const { pc, requests } = recorder();
    await collect(pc.customers.list({ filter: { domainStartsWith: " cont" } }));
    expect(new URL(requests[0]!.url).searchParams.get("filter")).toBe('{"Field":"Domain","Value":" cont","Operator":"starts_with"}');
  });

  test("deleted users: the docs' UserState filter; active users: no filter", async () => {
    const { pc, requests } = recorder();
    await collect(pc.users.list(customerId, { state: "inactive", pageSize: 500 }));
    await collect(pc.users.list(customerId, { state: "active" }));
    expect(requests.map((request) => new URL(request.url).search)).toEqual([
      "?size=500&filter=%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D",
      "",
    ]);
    expect(new URL(requests[0]!.url).pathname).toBe(`/v1/customers/${customerId}/users`);
  });

  test("subscriptions by order or by partner id", async () => {
    const { pc, requests } = recorder();
    await collect(pc.subscriptions.list(customerId, { orderId: "6183db3d-6318-4e52-877e-25806e4971be" }));
    await collect(pc.subscriptions.list(customerId, { mpnId: "4847383" }));
    await collect(pc.subscriptions.list(customerId).byPage({ maxPageSize: 5 }));
    expect(requests.map((request) => new URL(request.url).search)).toEqual([
      "?order_id=6183db3d-6318-4e52-877e-25806e4971be",
      "?mpn_id=4847383",
      "",
    ]);
  });

  test.each([
    ["both filters", () => recorder().pc.customers.list({ filter: { companyNameStartsWith: "a", domainStartsWith: "b" } as never })],
    ["an empty filter value", () => recorder().pc.customers.list({ filter: { companyNameStartsWith: "" } })],
    ["a page size of 0", () => recorder().pc.customers.list({ pageSize: 0 })],
    ["a bad customer id", () => recorder().pc.users.list("not-a-guid")],
    ["an unknown user state", () => recorder().pc.users.list(customerId, { state: "deleted" as never })],
    ["orderId and mpnId together", () => recorder().pc.subscriptions.list(customerId, { orderId: "o", mpnId: "1" } as never)],
    ["an mpnId that is not digits", () => recorder().pc.subscriptions.list(customerId, { mpnId: "12a" })],
    ["a bad maxPageSize", () => recorder().pc.customers.list().byPage({ maxPageSize: 1.5 })],
  ])("refuses %s before sending anything", (_, call) => {
    expect(call).toThrow(InvalidInputError);
  });

  test("get reads one customer and one user (by user principal name, percent-encoded)", async () => {
    const { pc, requests } = recorder();
    await pc.customers.get(customerId);
    await pc.users.get(customerId, ids.userPrincipalName);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual([
      `/v1/customers/${customerId}`,
      `/v1/customers/${customerId}/users/adele.vance%40contoso.onmicrosoft.com`,
    ]);
  });
});
