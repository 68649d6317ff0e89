import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test, vi } from "vitest";
import {
  createPartnerCenterClient,
  getResponseMeta,
  LicenseQuotaExceededError,
  type Subscription,
  type Upgrade,
  type ValidationMode,
} from "../../src/index.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

// Microsoft's published JSON examples (test/fixtures/published, each naming its source) answered by a scripted
// service and run through every public method, in both checking modes: every one must parse.

interface Fixture {
  source: string;
  status: number;
  body: Record<string, unknown>;
}
const folder = new URL("../fixtures/published/", import.meta.url);
const fixtures = Object.fromEntries(
  readdirSync(folder).map((file) => [file.replace(/\.json$/, ""), JSON.parse(readFileSync(new URL(file, folder), "utf8")) as Fixture]),
);
const answer = (name: string) => jsonResponse(fixtures[name]!.status, fixtures[name]!.body);
const { customerId, userId, skuId } = ids;

/** A client whose service answers GET with `onGet` and every write with `onWrite`. */
function client(validation: ValidationMode, onGet: string, onWrite = onGet) {
  const fetch = vi.fn(async (request: Request) => answer(request.method === "GET" ? onGet : onWrite));
  return createPartnerCenterClient({ credential: staticCredential(), retry: false, fetch, validation });
}

const modes: ValidationMode[] = ["lenient", "strict"];

describe.each(modes)("published examples in %s mode", (mode) => {
  test("every fixture names its source", () => {
    for (const fixture of Object.values(fixtures)) expect(fixture.source).toMatch(/partner-center-sdk: develop\/[a-z-]+\.md/);
    expect(Object.keys(fixtures).length).toBeGreaterThanOrEqual(9);
  });

  test.each(["get-subscription-standard", "get-subscription-add-on"])("%s: get, update, modify and setAutoRenew", async (name) => {
    const pc = client(mode, name);
    const id = fixtures[name]!.body.id as string;
    const read = await pc.subscriptions.get(customerId, id);
    expect(read).toEqual(fixtures[name]!.body);
    expect(await pc.subscriptions.update(customerId, read)).toEqual(fixtures[name]!.body);
    expect(await pc.subscriptions.modify(customerId, id, (s: Subscription) => ({ ...s, quantity: 3 }))).toMatchObject({ id });
    expect(await pc.subscriptions.setAutoRenew(customerId, id, false)).toMatchObject({ id });
  });

  test("update-subscription-quantity (PascalCase, nulls) is the answer of update, modify and setAutoRenew", async () => {
    const pc = client(mode, "get-subscription-standard", "update-subscription-quantity");
    const read = await pc.subscriptions.get(customerId, fixtures["get-subscription-standard"]!.body.id as string);
    const expected = fixtures["update-subscription-quantity"]!.body;
    expect(await pc.subscriptions.update(customerId, read)).toEqual(expected);
    expect(await pc.subscriptions.modify(customerId, read.id!, (s) => ({ ...s, quantity: 2 }))).toEqual(expected);
    expect(await pc.subscriptions.setAutoRenew(customerId, read.id!, true)).toEqual(expected);
  });

  test("list-subscribed-skus and list-user-licenses through the license lists", async () => {
    const skus = await client(mode, "list-subscribed-skus").licenses.listSubscribedSkus(customerId, { licenseGroupIds: ["group1"] });
    expect(skus).toEqual(fixtures["list-subscribed-skus"]!.body.items);
    const licenses = await client(mode, "list-user-licenses").licenses.listAssigned(customerId, userId);
    expect(licenses).toEqual(fixtures["list-user-licenses"]!.body.items);
  });

  test("update-user-licenses-created through update, assign and remove", async () => {
    const pc = client(mode, "update-user-licenses-created");
    const expected = fixtures["update-user-licenses-created"]!.body;
    expect(await pc.licenses.update(customerId, userId, { licensesToAssign: [{ skuId }] })).toEqual(expected);
    expect(await pc.licenses.assign(customerId, userId, skuId)).toEqual(expected);
    expect(await pc.licenses.remove(customerId, userId, skuId)).toEqual(expected);
    expect(getResponseMeta(await pc.licenses.assign(customerId, userId, skuId))?.status).toBe(201);
  });

  test("update-user-licenses-quota-exceeded is a LicenseQuotaExceededError holding the data", async () => {
    const error = await client(mode, "update-user-licenses-quota-exceeded")
      .licenses.assign(customerId, userId, skuId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LicenseQuotaExceededError);
    expect((error as LicenseQuotaExceededError).data).toEqual(fixtures["update-user-licenses-quota-exceeded"]!.body.data);
  });

  test("list-upgrades and create-upgrade-result through upgrades.list and upgrades.perform", async () => {
    const upgrades = await client(mode, "list-upgrades").upgrades.list(customerId, ids.subscriptionId);
    expect(upgrades[0]).toMatchObject({ upgradeType: "upgrade_only", upgradeErrors: [{ code: "subscription_status_not_active" }] });
    const eligible: Upgrade = { ...upgrades[0]!, isEligible: true, upgradeErrors: [] };
    const result = await client(mode, "list-upgrades", "create-upgrade-result").upgrades.perform(customerId, ids.subscriptionId, eligible);
    expect(result).toMatchObject({ targetSubscriptionId: "2add8a55-454a-4ae5-a4c9-5107dc6e9768", upgradeType: "upgrade_only" });
  });
});
