import { afterEach, describe, expect, inject, test } from "vitest";
import {
  ConditionalAccessBlockedError,
  createPartnerCenterClient,
  getResponseMeta,
  LicenseQuotaExceededError,
  PartnerTokenNotAllowedError,
  StaleEtagError,
  TooManyRequestsError,
  UpgradeRejectedError,
} from "../../src/index.js";
import { ids, recordingFetch, staticCredential } from "../helpers.js";

// Every public method against the Prism mock. Prism checks each request against the spec; any
// `sl-violations` it reports fails the test that caused it.
const recorder = recordingFetch();
const pc = createPartnerCenterClient({
  credential: staticCredential(),
  baseUrl: inject("prismUrl"),
  fetch: recorder.fetch,
  applicationName: "Contract tests",
  retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 0 },
});
const { customerId, userId, userPrincipalName, subscriptionId, skuId } = ids;

afterEach(() => {
  expect(recorder.violations).toEqual([]);
  recorder.requests.length = 0;
});

describe("contract: licenses", () => {
  test("listSubscribedSkus returns the SKUs, with the ids of the answer", async () => {
    const skus = await pc.licenses.listSubscribedSkus(customerId, { licenseGroupIds: ["group1", "group2"] });
    expect(skus.map((sku) => sku.productSku?.licenseGroupId)).toEqual(["group1", "group2"]);
    expect(getResponseMeta(skus)).toMatchObject({ status: 200 });
    // Sent as every docs example and the .NET SDK write them, whatever case the caller used.
    expect(new URL(recorder.requests[0]!.url).search).toBe("?licenseGroupIds=Group1&licenseGroupIds=Group2");
  });

  test("listAssigned returns the user's licenses for a user principal name", async () => {
    const licenses = await pc.licenses.listAssigned(customerId, userPrincipalName);
    expect(licenses[0]?.productSku?.id).toBe(skuId);
    expect(recorder.requests[0]!.url).toContain("/users/adele.vance%40contoso.onmicrosoft.com/licenses");
  });

  test("update assigns and removes in one change", async () => {
    const result = await pc.licenses.update(
      customerId,
      userId,
      { licensesToAssign: [{ skuId, excludedPlans: ["efb87545-963c-4e0d-99df-69c6916d9eb0"] }] },
      { isKickInstantOn: true },
    );
    expect(result.licensesToAssign?.[0]?.skuId).toBe(skuId);
    expect(recorder.requests[0]!.url).toContain("isKickInstantOn=true");
  });

  test("assign sends the SKU ids as assignments", async () => {
    await pc.licenses.assign(customerId, userId, [skuId]);
    expect(await recorder.requests[0]!.json()).toEqual({ licensesToAssign: [{ skuId }] });
  });

  test("remove sends the SKU ids to remove", async () => {
    await pc.licenses.remove(customerId, userId, skuId);
    expect(await recorder.requests[0]!.json()).toEqual({ licensesToRemove: [skuId] });
  });

  test.each([
    ["licenseQuotaExceeded", LicenseQuotaExceededError, 60012],
    ["partnerTokenNotAllowed", PartnerTokenNotAllowedError, 900316],
    ["conditionalAccessBlocked", ConditionalAccessBlockedError, 900309],
  ] as const)("assign throws the %s example as its own class", async (example, type, code) => {
    recorder.prefer(`code=${code === 900309 ? 403 : 400}, example=${example}`);
    const error = await pc.licenses.assign(customerId, userId, skuId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, requestId: expect.any(String), correlationId: expect.any(String) });
  });
});

describe("contract: subscriptions", () => {
  test("get returns the subscription with its etag", async () => {
    const subscription = await pc.subscriptions.get(customerId, subscriptionId);
    expect(subscription.attributes?.etag).toBeTruthy();
  });

  test("update sends If-Match from the etag and keeps the etag in the body", async () => {
    const subscription = await pc.subscriptions.get(customerId, subscriptionId);
    await pc.subscriptions.update(customerId, { ...subscription, autoRenewEnabled: false });
    const patch = recorder.requests[1]!;
    expect(patch.headers.get("If-Match")).toBe(`"${subscription.attributes?.etag}"`);
    expect(await patch.json()).toMatchObject({ autoRenewEnabled: false, attributes: { etag: subscription.attributes?.etag } });
  });

  test("modify reads, applies the change and writes the whole subscription", async () => {
    const updated = await pc.subscriptions.modify(customerId, subscriptionId, (subscription) => ({
      ...subscription,
      friendlyName: "Sales team",
    }));
    expect(updated.autoRenewEnabled).toBe(false);
    expect(recorder.requests.map((request) => request.method)).toEqual(["GET", "PATCH"]);
    expect(await recorder.requests[1]!.json()).toMatchObject({
      friendlyName: "Sales team",
      scheduledNextTermInstructions: { quantity: 1 },
    });
  });

  test("setAutoRenew re-reads and re-applies after a stale etag", async () => {
    recorder.prefer("code=400, example=staleEtag", "PATCH");
    await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
    expect(recorder.requests.map((request) => request.method)).toEqual(["GET", "PATCH", "GET", "PATCH"]);
  });

  test("update throws StaleEtagError for a 412", async () => {
    const subscription = await pc.subscriptions.get(customerId, subscriptionId);
    recorder.prefer("code=412", "PATCH");
    await expect(pc.subscriptions.update(customerId, subscription)).rejects.toBeInstanceOf(StaleEtagError);
  });
});

describe("contract: upgrades", () => {
  test("list returns upgrades with their types and error codes normalised", async () => {
    const upgrades = await pc.upgrades.list(customerId, subscriptionId);
    expect(upgrades.map((upgrade) => upgrade.upgradeType)).toEqual(["upgrade_with_license_transfer", "none"]);
    expect(upgrades[1]?.upgradeErrors?.[0]?.code).toBe("subscription_add_ons_present");
  });

  test("perform posts the chosen upgrade with a quantity and returns the result", async () => {
    const [upgrade] = await pc.upgrades.list(customerId, subscriptionId);
    const result = await pc.upgrades.perform(customerId, subscriptionId, upgrade!, { quantity: 3 });
    expect(result).toMatchObject({ sourceSubscriptionId: subscriptionId, upgradeType: "upgrade_with_license_transfer", licenseErrors: [] });
    expect(await recorder.requests[1]!.json()).toMatchObject({ quantity: 3 });
  });

  test("perform throws UpgradeRejectedError carrying the result when the 200 lists upgrade errors", async () => {
    const [upgrade] = await pc.upgrades.list(customerId, subscriptionId);
    recorder.prefer("code=200, example=upgradedWithErrors", "POST");
    const error = await pc.upgrades.perform(customerId, subscriptionId, upgrade!).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpgradeRejectedError);
    expect((error as UpgradeRejectedError).result).toMatchObject({
      upgradeErrors: [{ code: "concurrency_conflicts" }],
      licenseErrors: [{ email: "adele@contoso.onmicrosoft.com" }],
    });
  });
});

describe("contract: headers and throttling", () => {
  test("every call carries the request context headers the spec declares", async () => {
    await pc.subscriptions.get(customerId, subscriptionId, { correlationId: "aaaa0000-bb11-2222-33cc-444444dddddd" });
    const headers = recorder.requests[0]!.headers;
    expect(headers.get("MS-RequestId")).toMatch(/^[0-9a-f-]{36}$/);
    expect(headers.get("MS-CorrelationId")).toBe("aaaa0000-bb11-2222-33cc-444444dddddd");
    expect(headers.get("X-Locale")).toBe("en-US");
    expect(headers.get("MS-PartnerCenter-Application")).toBe("Contract tests");
    expect(headers.get("MS-PartnerCenter-Client")).toMatch(/^partner-center-client\/\d+\.\d+\.\d+$/);
  });

  test("a 429 whose Retry-After exceeds maxRetryAfterMs becomes TooManyRequestsError with the delay", async () => {
    recorder.prefer("code=429");
    const error = await pc.upgrades.list(customerId, subscriptionId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 30_000, category: "TooManyRequests" });
  });

  test("raw reaches any operation with the same auth and headers", async () => {
    const { data, response } = await pc.raw.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: { path: { customer_id: customerId, subscription_id: subscriptionId } },
    });
    expect(response.status).toBe(200);
    expect(data?.id).toBe(subscriptionId);
    expect(recorder.requests[0]!.headers.get("Authorization")).toBe("Bearer test-token");
  });
});
