import { afterEach, describe, expect, inject, test } from "vitest";
import { createPartnerCenterClient, getResponseMeta, NotFoundError } from "../../src/index.js";
import { collect, ids, recordingFetch, staticCredential } from "../helpers.js";

// The list and read operations against the Prism mock. Prism checks every request, next pages included, against
// the spec; any `sl-violations` fails the test. The mock answers a request that carries a continuation token with
// the customers example that has no next link (the second page), as the service would.
const recorder = recordingFetch((request) => {
  if (request.headers.has("MS-ContinuationToken")) request.headers.set("Prefer", "example=lastPage");
  return fetch(request);
});
const pc = createPartnerCenterClient({ credential: staticCredential(), baseUrl: inject("prismUrl"), fetch: recorder.fetch, retry: false });
const { customerId, userId, userPrincipalName } = ids;

afterEach(() => {
  expect(recorder.violations).toEqual([]);
  recorder.requests.length = 0;
});

describe("contract: customers", () => {
  test("list follows the documented /v1 next link with its continuation token to the second page", async () => {
    const customers = await collect(pc.customers.list({ pageSize: 2 }));
    expect(customers.map((customer) => customer.companyProfile?.companyName)).toEqual(["Contoso190", "Contoso", "Contoso"]);
    const [first, second] = recorder.requests;
    expect(new URL(first!.url).pathname + new URL(first!.url).search).toBe("/customers?size=2");
    expect(new URL(second!.url).pathname + new URL(second!.url).search).toBe("/customers?size=2&seekOperation=Next");
    expect(second!.headers.get("MS-ContinuationToken")).toMatch(/^d19617b8-/);
    expect(recorder.requests).toHaveLength(2);
  });

  test("list by page resumes from the first page's token", async () => {
    const [page1] = await collect(pc.customers.list({ pageSize: 2 }).byPage()).then((pages) => pages);
    recorder.requests.length = 0;
    const resumed = await collect(pc.customers.list().byPage({ continuationToken: page1!.continuationToken! }));
    expect(resumed.flat().map((customer) => customer.id)).toEqual(["bfbd6ef0-311f-47ec-bbd7-0fcb7846661b"]);
    expect(recorder.requests).toHaveLength(1);
  });

  test("list sends a company-name filter the mock accepts", async () => {
    await pc.customers.list({ filter: { companyNameStartsWith: "Cont" } }).next();
    expect(new URL(recorder.requests[0]!.url).searchParams.get("filter")).toBe(
      '{"Field":"CompanyName","Value":"Cont","Operator":"starts_with"}',
    );
  });

  test("get returns the customer with its profiles", async () => {
    const customer = await pc.customers.get(customerId);
    expect(customer).toMatchObject({ allowDelegatedAccess: true, billingProfile: { culture: "en-US" }, relationshipToPartner: "reseller" });
    expect(getResponseMeta(customer)).toMatchObject({ status: 200 });
  });

  test("get of an unknown customer throws NotFoundError", async () => {
    recorder.prefer("code=404");
    await expect(pc.customers.get(customerId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("contract: users", () => {
  test("list returns the customer's users", async () => {
    const users = await collect(pc.users.list(customerId, { pageSize: 100 }));
    expect(users.map((user) => user.state)).toEqual(["active", "active"]);
  });

  test("list of deleted users sends the UserState filter", async () => {
    recorder.prefer("example=deletedUsers");
    const users = await collect(pc.users.list(customerId, { state: "inactive" }));
    expect(users[0]).toMatchObject({ state: "inactive", softDeletionTime: "2017-01-20T00:33:34Z" });
  });

  test("get reads a user by object id and by user principal name", async () => {
    expect((await pc.users.get(customerId, userId)).userPrincipalName).toContain("@");
    await pc.users.get(customerId, userPrincipalName);
    expect(recorder.requests).toHaveLength(2);
  });
});

describe("contract: subscriptions list", () => {
  test("list returns the customer's subscriptions, filtered by order or partner id", async () => {
    const all = await collect(pc.subscriptions.list(customerId));
    expect(all[0]).toMatchObject({ status: "active", orderId: "6183db3d-6318-4e52-877e-25806e4971be" });
    await collect(pc.subscriptions.list(customerId, { orderId: "6183db3d-6318-4e52-877e-25806e4971be" }));
    await collect(pc.subscriptions.list(customerId, { mpnId: "4847383" }));
    expect(recorder.requests).toHaveLength(3);
  });
});
