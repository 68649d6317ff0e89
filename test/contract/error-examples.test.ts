import { describe, expect, inject, test } from "vitest";
import { createPartnerCenterClient } from "../../src/index.js";
import { ids, staticCredential } from "../helpers.js";

// Asks Prism for each documented error example (Prefer: code=..., example=...) through the typed
// client, and checks the status, the service code and the headers that come back.
const baseUrl = inject("prismUrl");
// `retry: false`: the 429 and 500 examples come back as they are instead of being retried.
const pc = createPartnerCenterClient({ credential: staticCredential(), baseUrl, retry: false }).raw;
const customer = { customer_id: ids.customerId };
const subscription = { ...customer, subscription_id: ids.subscriptionId };
const user = { ...customer, user_id: ids.userId };

type Call = (headers: Record<string, string>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

const calls: Record<string, Call> = {
  listSubscribedSkus: (headers) => pc.GET("/customers/{customer_id}/subscribedskus", { params: { path: customer }, headers }),
  listUserLicenses: (headers) => pc.GET("/customers/{customer_id}/users/{user_id}/licenses", { params: { path: user }, headers }),
  updateUserLicenses: (headers) =>
    pc.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
      params: { path: user },
      body: { licensesToAssign: [{ skuId: ids.skuId }] },
      headers,
    }),
  getSubscription: (headers) =>
    pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", { params: { path: subscription }, headers }),
  updateSubscription: (headers) =>
    pc.PATCH("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: { path: subscription, header: { "If-Match": '"etag-1"' } },
      body: { id: ids.subscriptionId, autoRenewEnabled: false, attributes: { etag: "etag-1" } },
      headers,
    }),
  listUpgrades: (headers) =>
    pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", { params: { path: subscription }, headers }),
  createUpgrade: (headers) =>
    pc.POST("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
      params: { path: subscription },
      body: { targetOffer: { id: "796B6B5F-613C-4E24-A17C-EBA730D49C02" }, upgradeType: "upgrade_only", quantity: 1 },
      headers,
    }),
};

const faults = [
  { operation: "updateUserLicenses", status: 400, example: "licenseQuotaExceeded", code: 60012 },
  { operation: "updateUserLicenses", status: 400, example: "partnerTokenNotAllowed", code: 900316 },
  { operation: "updateUserLicenses", status: 403, example: "conditionalAccessBlocked", code: 900309 },
  { operation: "updateUserLicenses", status: 404, example: "userNotFound", code: 60002 },
  { operation: "listSubscribedSkus", status: 401, example: "mfaRequired", code: 900421 },
  { operation: "listSubscribedSkus", status: 403, example: "missingPrivileges", code: 900308 },
  { operation: "listUserLicenses", status: 400, example: "invalidInput", code: 800002 },
  { operation: "getSubscription", status: 404, example: "subscriptionNotFound", code: 20003 },
  { operation: "getSubscription", status: 403, example: "noRelationship", code: 20002 },
  { operation: "updateSubscription", status: 400, example: "staleEtag", code: 2055 },
  { operation: "updateSubscription", status: 400, example: "notEligibleForAutoRenew", code: 800093 },
  { operation: "updateSubscription", status: 409, example: "operationPending", code: 900278 },
  { operation: "updateSubscription", status: 400, example: "quantityCannotDecrease", code: 800090 },
  { operation: "updateSubscription", status: 400, example: "quantityOutOfRange", code: 2002 },
  { operation: "updateSubscription", status: 400, example: "updatedTooOften", code: 900311 },
  { operation: "updateSubscription", status: 409, example: "notReadyToUpdate", code: 800082 },
  { operation: "updateSubscription", status: 500, example: "updateFailed", code: 800094 },
  { operation: "listUserLicenses", status: 403, example: "appOnlyTokenNotAccepted", code: 900329 },
  { operation: "listSubscribedSkus", status: 404, example: "tenantNotFound", code: 60003 },
  { operation: "getSubscription", status: 404, example: "notFound", code: 1000 },
  { operation: "getSubscription", status: 400, example: "invalidProperty", code: 3000 },
  { operation: "listUpgrades", status: 500, example: "unexpectedError", code: 800003 },
  { operation: "listUpgrades", status: 500, example: "tryLater", code: 900192 },
  { operation: "createUpgrade", status: 404, example: "subscriptionNotFound", code: 20003 },
] as const;

describe("contract: documented error examples", () => {
  test.each(faults)("$operation answers $status with code $code ($example)", async ({ operation, status, example, code }) => {
    const { error, response } = await calls[operation]!({ Prefer: `code=${status}, example=${example}` });
    expect(response.headers.get("sl-violations")).toBeNull();
    expect(response.status).toBe(status);
    expect(error).toMatchObject({ code, description: expect.any(String) });
  });

  test.each(Object.keys(calls))("%s answers 429 with the throttle body and Retry-After", async (operation) => {
    const { error, response } = await calls[operation]!({ Prefer: "code=429" });
    expect(response.status).toBe(429);
    expect(error).toEqual({ statusCode: 429, message: expect.stringContaining("Rate limit") });
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(0);
  });

  test("createUpgrade can answer 200 and still list upgrade and license errors", async () => {
    const { data, response } = await calls.createUpgrade!({ Prefer: "code=200, example=upgradedWithErrors" });
    expect(response.status).toBe(200);
    expect(data).toMatchObject({
      upgradeErrors: [{ code: 4 }],
      licenseErrors: [{ userObjectId: ids.userId, errors: [{ code: "60012", attributes: { objectType: "ApiFault" } }] }],
    });
  });

  test("updateSubscription can answer a bare 412, with no body", async () => {
    const { response } = await calls.updateSubscription!({ Prefer: "code=412" });
    expect(response.headers.get("sl-violations")).toBeNull();
    expect(response.status).toBe(412);
    expect(await response.text()).toBe("");
  });

  test("updateSubscription can answer 202 Accepted with a Location and no body", async () => {
    const { response } = await calls.updateSubscription!({ Prefer: "code=202" });
    expect(response.headers.get("sl-violations")).toBeNull();
    expect(response.status).toBe(202);
    expect(response.headers.get("Location")).toMatch(/\/subscriptions\//);
  });
});

describe("contract: the harness catches requests that break the spec", () => {
  test("flags a customer id that is not a GUID in sl-violations", async () => {
    const response = await fetch(`${baseUrl}/customers/not-a-guid/subscribedskus`, {
      headers: { Authorization: "Bearer test-token" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("sl-violations")).toContain("customer_id");
  });

  test("flags a PATCH without If-Match in sl-violations", async () => {
    const response = await fetch(`${baseUrl}/customers/${ids.customerId}/subscriptions/${ids.subscriptionId}`, {
      method: "PATCH",
      headers: { Authorization: "Bearer test-token", "Content-Type": "application/json" },
      body: JSON.stringify({ id: ids.subscriptionId, autoRenewEnabled: false }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("sl-violations")).toContain("if-match");
  });

  test("answers 401 to a call without a bearer token", async () => {
    const response = await fetch(`${baseUrl}/customers/${ids.customerId}/subscribedskus`);
    expect(response.status).toBe(401);
  });
});
