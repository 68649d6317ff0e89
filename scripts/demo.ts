/**
 * `npm run demo`: starts the Prism mock from the spec in this process and does the main job through the
 * client: list SKUs, assign a license, meet an out-of-licenses error, switch auto-renew, list and perform
 * an upgrade. Prints what came back, stops the mock, exits 0 (1 if the mock flagged a request).
 */
import { createPartnerCenterClient, getResponseMeta, LicenseQuotaExceededError } from "../src/index.js";
import { startMockServer } from "./mock-server.js";

const customerId = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const user = "adele.vance@contoso.onmicrosoft.com";
const subscriptionId = "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";

// The mock checks that a bearer token is present, not what it says.
const credential = { getToken: async () => ({ token: "demo-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

// The demo asks the mock for a documented error once (Prism's Prefer header) and watches for requests the
// mock flags as not matching the spec.
let prefer: string | undefined;
const violations: string[] = [];
async function mockFetch(request: Request): Promise<Response> {
  if (prefer) request.headers.set("Prefer", prefer);
  prefer = undefined;
  const response = await fetch(request);
  const flagged = response.headers.get("sl-violations");
  if (flagged) violations.push(`${request.method} ${request.url}: ${flagged}`);
  return response;
}

const mock = await startMockServer();
try {
  console.log(`Prism mock of openapi/partner-center.yaml at ${mock.url}\n`);
  const pc = createPartnerCenterClient({ credential, baseUrl: mock.url, fetch: mockFetch, applicationName: "partner-center-client demo" });

  const skus = await pc.licenses.listSubscribedSkus(customerId);
  print("licenses.listSubscribedSkus", skus.map((sku) => `${sku.productSku?.name}: ${sku.availableUnits} of ${sku.totalUnits} free`));
  console.log(`  (MS-RequestId ${getResponseMeta(skus)?.requestId})\n`);

  const licenses = await pc.licenses.listAssigned(customerId, user);
  print("licenses.listAssigned", licenses.map((license) => license.productSku?.name));

  const skuId = skus[0]?.productSku?.id ?? "";
  const assigned = await pc.licenses.assign(customerId, user, skuId);
  print("licenses.assign", { assigned: assigned.licensesToAssign?.map((license) => license.skuId), warnings: assigned.licenseWarnings });

  prefer = "code=400, example=licenseQuotaExceeded";
  try {
    await pc.licenses.assign(customerId, user, skuId);
  } catch (error) {
    if (!(error instanceof LicenseQuotaExceededError)) throw error;
    print("licenses.assign, out of licenses", `${error.name} (code ${error.code}): ${error.message}`);
  }

  const before = await pc.subscriptions.get(customerId, subscriptionId);
  print("subscriptions.get", { autoRenewEnabled: before.autoRenewEnabled, etag: before.attributes?.etag });
  const after = await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
  print("subscriptions.setAutoRenew(false)", { autoRenewEnabled: after.autoRenewEnabled });

  const upgrades = await pc.upgrades.list(customerId, subscriptionId);
  print("upgrades.list", upgrades.map((u) => `${u.targetOffer?.name}: ${u.upgradeType}, ${u.isEligible ? "eligible" : `blocked (${u.upgradeErrors?.map((e) => e.code).join(", ")})`}`));
  const eligible = upgrades.find((upgrade) => upgrade.isEligible);
  if (eligible) {
    const result = await pc.upgrades.perform(customerId, subscriptionId, eligible, { quantity: 5 });
    print("upgrades.perform", result);
  }
} finally {
  await mock.close();
}
if (violations.length > 0) {
  console.error(`The mock flagged ${violations.length} request(s) as not matching the spec:\n${violations.join("\n")}`);
  process.exitCode = 1;
}

function print(operation: string, value: unknown): void {
  console.log(`${operation}:\n  ${typeof value === "string" ? value : JSON.stringify(value)}\n`);
}
