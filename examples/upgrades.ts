/**
 * Upgrades of legacy license-based subscriptions: list the offers a subscription can move to, see why the
 * others are blocked, and perform an eligible one for part of the seats, and read a refusal.
 * Run: node --import tsx examples/upgrades.ts
 */
import { createPartnerCenterClient, UpgradeRejectedError, type UpgradeResult } from "../src/index.js";
import { customerId, startMock, subscriptionId } from "./mock.js";

const mock = await startMock();
try {
  const pc = createPartnerCenterClient(mock.options);

  const upgrades = await pc.upgrades.list(customerId, subscriptionId);
  for (const upgrade of upgrades) {
    const why = upgrade.upgradeErrors?.map((error) => `${error.code}: ${error.description}`).join("; ");
    console.log(`${upgrade.targetOffer?.name} (${upgrade.upgradeType}): ${upgrade.isEligible ? "eligible" : `blocked, ${why}`}`);
  }

  const target = upgrades.find((upgrade) => upgrade.isEligible);
  if (!target) throw new Error("no eligible upgrade");
  const result = await pc.upgrades.perform(customerId, subscriptionId, target, { quantity: 5 });
  console.log(`Upgraded: ${result.sourceSubscriptionId} -> ${result.targetSubscriptionId} (${result.upgradeType})`);

  // A 200 can still say the upgrade did not happen: that answer becomes UpgradeRejectedError, with the
  // users whose licenses did not move in error.result.licenseErrors.
  mock.preferNext("code=200, example=upgradedWithErrors");
  try {
    await pc.upgrades.perform(customerId, subscriptionId, target, { quantity: 5 });
  } catch (error) {
    if (!(error instanceof UpgradeRejectedError)) throw error;
    // instanceof narrows to the generic class; upgrades.perform's rejections carry an UpgradeResult.
    const { result } = error as UpgradeRejectedError<UpgradeResult>;
    const users = result.licenseErrors?.map((user) => `${user.email} (${user.errors?.map((e) => e.code).join(", ")})`);
    console.log(`Upgrade refused: ${error.name}; licenses not moved for ${users?.join(", ")}`);
  }
} finally {
  await mock.close();
}
