import { z } from "zod";
import { collectionOf, commonSchemas } from "./common.js";
import { enumField, LICENSE_GROUP_IDS, TARGET_TYPES } from "./enums.js";
import { type CheckingMode, inBothModes, openObject } from "./modes.js";

function buildLicenses(mode: CheckingMode) {
  const attributes = commonSchemas.resourceAttributes[mode].nullish();
  const targetType = enumField(TARGET_TYPES, mode).nullish();
  const productSku = openObject({
    id: z.string().nullish(),
    name: z.string().nullish(),
    skuPartNumber: z.string().nullish(),
    targetType,
    licenseGroupId: enumField(LICENSE_GROUP_IDS, mode).nullish(),
  });
  const servicePlan = openObject({
    id: z.string().nullish(),
    displayName: z.string().nullish(),
    serviceName: z.string().nullish(),
    capabilityStatus: z.string().nullish(),
    targetType,
  });
  const units = z.int().nullish();
  const subscribedSku = openObject({
    availableUnits: units,
    activeUnits: units,
    consumedUnits: units,
    suspendedUnits: units,
    totalUnits: units,
    warningUnits: units,
    productSku: productSku.nullish(),
    servicePlans: z.array(servicePlan).nullish(),
    capabilityStatus: z.string().nullish(),
    attributes,
  });
  const license = openObject({ servicePlans: z.array(servicePlan).nullish(), productSku: productSku.nullish(), attributes });
  return {
    productSku,
    servicePlan,
    subscribedSku,
    subscribedSkus: collectionOf(subscribedSku),
    license,
    licenses: collectionOf(license),
    ...buildLicenseUpdate(mode),
  };
}

function buildLicenseUpdate(mode: CheckingMode) {
  const licenseAssignment = openObject({ skuId: z.string(), excludedPlans: z.array(z.string()).nullish() });
  const licenseWarning = openObject({
    code: z.string().nullish(),
    message: z.string().nullish(),
    servicePlans: z.array(z.string()).nullish(),
  });
  // The service sends null for a list it left alone.
  const licenseUpdate = openObject({
    licensesToAssign: z.array(licenseAssignment).nullish(),
    licensesToRemove: z.array(z.string()).nullish(),
    licenseWarnings: z.array(licenseWarning).nullish(),
    attributes: commonSchemas.resourceAttributes[mode].nullish(),
  });
  return { licenseAssignment, licenseWarning, licenseUpdate };
}

/** Subscribed SKUs, user licenses and license updates (answers of `pc.licenses`). */
export const licenseSchemas = inBothModes(buildLicenses);

/** A product SKU, the thing a license is for. */
export type ProductSku = z.output<typeof licenseSchemas.productSku.lenient>;
/** A service plan inside a SKU. */
export type ServicePlan = z.output<typeof licenseSchemas.servicePlan.lenient>;
/** A SKU the customer has bought, with its unit counts. */
export type SubscribedSku = z.output<typeof licenseSchemas.subscribedSku.lenient>;
/** A license assigned to a user. */
export type License = z.output<typeof licenseSchemas.license.lenient>;
/** One SKU to assign, optionally without some of its service plans. */
export type LicenseAssignment = z.output<typeof licenseSchemas.licenseAssignment.lenient>;
/** A warning raised while applying a license change. */
export type LicenseWarning = z.output<typeof licenseSchemas.licenseWarning.lenient>;
/** The answer to a license change: what was applied, and warnings. */
export type LicenseUpdate = z.output<typeof licenseSchemas.licenseUpdate.lenient>;
