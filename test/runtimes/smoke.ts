/**
 * The packed library on another runtime (Bun, Deno): one typed call through an injected fetch. Run from a project
 * that installed the tarball (`.ci/runtimes` does); exits non-zero on any difference. Type-stripped by Bun,
 * type-checked first by `deno check`.
 */
import { createPartnerCenterClient, InvalidInputError, type Subscription } from "partner-center-client";

const customerId = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const subscriptionId = "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";
const sent: Request[] = [];

const pc = createPartnerCenterClient({
  credential: { getToken: async () => ({ token: "smoke-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
  retry: false,
  fetch: async (request) => {
    sent.push(request);
    const body = {
      id: subscriptionId,
      offerName: "Microsoft 365 E3",
      quantity: 25,
      autoRenewEnabled: true,
      attributes: { etag: "etag-1" },
    };
    return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json", "MS-RequestId": "r-1" } });
  },
});

const subscription: Subscription = await pc.subscriptions.get(customerId, subscriptionId);
const refused = await pc.subscriptions.get("not-a-guid", subscriptionId).catch((error: unknown) => error);
const request = sent[0];
const problems = [
  sent.length === 1 || `sent ${sent.length} requests, expected 1`,
  request?.url === `https://api.partnercenter.microsoft.com/v1/customers/${customerId}/subscriptions/${subscriptionId}` ||
    `url ${request?.url}`,
  request?.headers.get("authorization") === "Bearer smoke-token" || "no bearer token",
  /^[0-9a-f-]{36}$/.test(request?.headers.get("ms-requestid") ?? "") || "no MS-RequestId",
  (subscription.offerName === "Microsoft 365 E3" && subscription.attributes?.etag === "etag-1") || `answer ${JSON.stringify(subscription)}`,
  refused instanceof InvalidInputError || `a bad id gave ${String(refused)}`,
].filter((result) => result !== true);

if (problems.length > 0) throw new Error(`smoke failed: ${problems.join("; ")}`);
console.log(`smoke ok: ${subscription.offerName}, etag ${subscription.attributes?.etag}`);
