import { describe, expect, inject, test } from "vitest";
import { createPartnerCenterClient } from "../../src/index.js";
import { ids, staticCredential } from "../helpers.js";

// One call per operation through the typed client. Prism validates every request against the spec
// and lists what does not match in `sl-violations`: a client that drifts from the spec fails here.
// `retry: false`: each answer is checked as it comes, not retried.
const pc = createPartnerCenterClient({ credential: staticCredential(), baseUrl: inject("prismUrl"), retry: false }).raw;

function expectNoViolations(response: Response): void {
  expect(response.headers.get("sl-violations")).toBeNull();
}

describe("contract: every operation through the typed raw client", () => {
  test("listSubscribedSkus returns the customer's SKUs", async () => {
    const { data, response } = await pc.GET("/customers/{customer_id}/subscribedskus", {
      params: { path: { customer_id: ids.customerId }, query: { licenseGroupIds: ["group1", "group2"] } },
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data?.items.length).toBeGreaterThan(0);
    expect(data?.items[0]).toMatchObject({
      productSku: { id: expect.any(String), licenseGroupId: "group1" },
      availableUnits: expect.any(Number),
      servicePlans: expect.any(Array),
    });
  });

  test("listUserLicenses returns the user's licenses", async () => {
    const { data, response } = await pc.GET("/customers/{customer_id}/users/{user_id}/licenses", {
      params: { path: { customer_id: ids.customerId, user_id: ids.userId }, query: { licenseGroupIds: ["group1"] } },
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data?.items[0]).toMatchObject({ productSku: { id: ids.skuId }, servicePlans: expect.any(Array) });
  });

  test("updateUserLicenses assigns a license and answers 201", async () => {
    const { data, response } = await pc.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
      params: { path: { customer_id: ids.customerId, user_id: ids.userPrincipalName }, query: { isKickInstantOn: false } },
      body: { licensesToAssign: [{ skuId: ids.skuId, excludedPlans: null }], licensesToRemove: null },
      // The service answers 201; the spec also documents 200, which Prism would pick by default.
      headers: { Prefer: "code=201" },
    });
    expectNoViolations(response);
    expect(response.status).toBe(201);
    expect(data).toMatchObject({ licensesToAssign: [{ skuId: ids.skuId }], licenseWarnings: [] });
  });

  test("getSubscription returns the subscription with its etag", async () => {
    const { data, response } = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: { path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId } },
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ id: ids.subscriptionId, autoRenewEnabled: true, attributes: { etag: expect.any(String) } });
    expect(data?.attributes?.etag).not.toBe("");
  });

  test("updateSubscription sends the full subscription with If-Match and gets it back", async () => {
    const read = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: { path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId } },
    });
    const subscription = { ...read.data, autoRenewEnabled: false };
    const { data, response } = await pc.PATCH("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: {
        path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId },
        header: { "If-Match": `"${subscription.attributes?.etag}"` },
      },
      body: subscription,
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ autoRenewEnabled: false, attributes: { objectType: "Subscription" } });
  });

  test("listUpgrades returns eligible and blocked upgrades", async () => {
    const { data, response } = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
      params: { path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId } },
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data?.items.map((upgrade) => upgrade.isEligible)).toEqual([true, false]);
    expect(data?.items[1]?.upgradeErrors?.[0]?.code).toBe("subscription_add_ons_present");
  });

  test("createUpgrade posts an upgrade from the list and returns the result", async () => {
    const list = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
      params: { path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId } },
    });
    const upgrade = list.data?.items[0];
    expect(upgrade).toBeDefined();
    const { data, response } = await pc.POST("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
      params: { path: { customer_id: ids.customerId, subscription_id: ids.subscriptionId } },
      body: { ...upgrade, quantity: 5 },
    });
    expectNoViolations(response);
    expect(response.status).toBe(200);
    expect(data).toMatchObject({ sourceSubscriptionId: ids.subscriptionId, upgradeType: 2, upgradeErrors: [] });
  });
});
