/**
 * `npm run demo`: starts the Prism mock from the spec in this process, calls every operation through
 * the typed client, prints what came back, stops the mock and exits 0.
 */
import { createPartnerCenterClient } from "../src/index.js";
import { startMockServer } from "./mock-server.js";

const customerId = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const userId = "adele.vance@contoso.onmicrosoft.com";
const subscriptionId = "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";

// The mock checks that a bearer token is present, not what it says.
const credential = { getToken: async () => ({ token: "demo-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

const mock = await startMockServer();
try {
  const pc = createPartnerCenterClient({ credential, baseUrl: mock.url });
  console.log(`Prism mock of openapi/partner-center.yaml at ${mock.url}\n`);
  const customer = { customer_id: customerId };
  const subscription = { ...customer, subscription_id: subscriptionId };

  const skus = await pc.GET("/customers/{customer_id}/subscribedskus", { params: { path: customer } });
  show("listSubscribedSkus", skus.response, skus.data?.items.map((sku) => `${sku.productSku?.name}: ${sku.availableUnits} of ${sku.totalUnits} free`));

  const licenses = await pc.GET("/customers/{customer_id}/users/{user_id}/licenses", { params: { path: { ...customer, user_id: userId } } });
  show("listUserLicenses", licenses.response, licenses.data?.items.map((license) => license.productSku?.name));

  const skuId = skus.data?.items[0]?.productSku?.id ?? "";
  const assigned = await pc.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
    params: { path: { ...customer, user_id: userId } },
    body: { licensesToAssign: [{ skuId }] },
  });
  show("updateUserLicenses", assigned.response, assigned.data);

  const quota = await pc.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
    params: { path: { ...customer, user_id: userId } },
    body: { licensesToAssign: [{ skuId }] },
    headers: { Prefer: "code=400, example=licenseQuotaExceeded" },
  });
  show("updateUserLicenses (out of licenses)", quota.response, quota.error);

  const read = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", { params: { path: subscription } });
  show("getSubscription", read.response, { autoRenewEnabled: read.data?.autoRenewEnabled, etag: read.data?.attributes?.etag });

  const updated = await pc.PATCH("/customers/{customer_id}/subscriptions/{subscription_id}", {
    params: { path: subscription, header: { "If-Match": `"${read.data?.attributes?.etag}"` } },
    body: { ...read.data, autoRenewEnabled: false },
  });
  show("updateSubscription", updated.response, { autoRenewEnabled: updated.data?.autoRenewEnabled });

  const upgrades = await pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", { params: { path: subscription } });
  show("listUpgrades", upgrades.response, upgrades.data?.items.map((u) => `${u.targetOffer?.name}: ${u.isEligible ? "eligible" : "blocked"}`));

  const eligible = upgrades.data?.items.find((upgrade) => upgrade.isEligible);
  const result = await pc.POST("/customers/{customer_id}/subscriptions/{subscription_id}/upgrades", {
    params: { path: subscription },
    body: { ...eligible, quantity: 5 },
  });
  show("createUpgrade", result.response, result.data);
} finally {
  await mock.close();
}

function show(operation: string, response: Response, body: unknown): void {
  const violations = response.headers.get("sl-violations");
  console.log(`${operation}: HTTP ${response.status}${violations ? ` (request does not match the spec: ${violations})` : ""}`);
  console.log(`  ${JSON.stringify(body)}\n`);
  if (violations) process.exitCode = 1;
}
