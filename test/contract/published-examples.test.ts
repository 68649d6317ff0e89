import { describe, expect, inject, test } from "vitest";
import { createPartnerCenterClient } from "../../src/index.js";
import { ids, staticCredential } from "../helpers.js";

// The mock serves Microsoft's published examples as named examples (Prefer: example=...), and the typed methods
// in strict mode accept each of them.
const baseUrl = inject("prismUrl");

function pcServing(example: string, code = 200) {
  return createPartnerCenterClient({
    credential: staticCredential(),
    baseUrl,
    retry: false,
    validation: "strict",
    fetch: (request: Request) => {
      request.headers.set("Prefer", `code=${code}, example=${example}`);
      return fetch(request);
    },
  });
}

describe("contract: published examples served by the mock", () => {
  test.each([
    ["publishedStandard", "A356AC8C-E310-44F4-BF85-C7F29044AF99"],
    ["publishedAddOn", "968BA1CF-C146-4ADF-A300-308DCF718EEE"],
  ])("getSubscription %s", async (example, id) => {
    expect(await pcServing(example).subscriptions.get(ids.customerId, ids.subscriptionId)).toMatchObject({ id });
  });

  test("listSubscribedSkus, listUserLicenses, updateUserLicenses", async () => {
    expect(await pcServing("published").licenses.listSubscribedSkus(ids.customerId)).toHaveLength(2);
    expect(await pcServing("published").licenses.listAssigned(ids.customerId, ids.userId)).toHaveLength(1);
    expect(await pcServing("published", 201).licenses.assign(ids.customerId, ids.userId, ids.skuId)).toMatchObject({
      licensesToAssign: [{ skuId: ids.skuId }],
    });
  });

  test("listUpgrades and createUpgrade", async () => {
    const [upgrade] = await pcServing("published").upgrades.list(ids.customerId, ids.subscriptionId);
    expect(upgrade).toMatchObject({ upgradeType: "upgrade_only", isEligible: false });
    const result = await pcServing("published").upgrades.perform(ids.customerId, ids.subscriptionId, {
      ...upgrade,
      isEligible: true,
      upgradeErrors: [],
    });
    expect(result).toMatchObject({ upgradeType: "upgrade_only", targetSubscriptionId: "2add8a55-454a-4ae5-a4c9-5107dc6e9768" });
  });
});
