/**
 * Assign a license: find a SKU with free units, give it to a user (leaving one service plan out), check
 * what the user has, then take it away again.
 * Run: node --import tsx examples/assign-license.ts
 */
import { createPartnerCenterClient } from "../src/index.js";
import { customerId, startMock, userId } from "./mock.js";

const mock = await startMock();
try {
  const pc = createPartnerCenterClient(mock.options);

  const skus = await pc.licenses.listSubscribedSkus(customerId);
  for (const sku of skus) console.log(`SKU ${sku.productSku?.skuPartNumber}: ${sku.availableUnits} of ${sku.totalUnits} free`);
  const e3 = skus.find((sku) => sku.productSku?.skuPartNumber === "ENTERPRISEPACK" && (sku.availableUnits ?? 0) > 0);
  if (!e3?.productSku?.id) throw new Error("no ENTERPRISEPACK licenses left");
  const skuId = e3.productSku.id;

  // Everything in the SKU except Exchange Online (the user keeps an on-premises mailbox).
  const exchange = e3.servicePlans?.find((plan) => plan.serviceName === "EXCHANGE_S_ENTERPRISE")?.id;
  const assigned = await pc.licenses.assign(customerId, userId, [{ skuId, excludedPlans: exchange ? [exchange] : null }]);
  console.log(
    `Assigned ${assigned.licensesToAssign?.map((license) => license.skuId).join(", ")} to ${userId} (warnings: ${assigned.licenseWarnings?.length ?? 0})`,
  );

  const licenses = await pc.licenses.listAssigned(customerId, userId);
  console.log(`${userId} has: ${licenses.map((license) => license.productSku?.name).join(", ")}`);

  await pc.licenses.remove(customerId, userId, skuId);
  console.log(`Removed ${skuId} from ${userId}`);
} finally {
  await mock.close();
}
