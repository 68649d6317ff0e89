import { z } from "zod";
import { collectionOf, commonSchemas } from "./common.js";
import { BILLING_CYCLES, enumField, normalizedEnumField, UPGRADE_ERROR_CODES, UPGRADE_TYPES } from "./enums.js";
import { type CheckingMode, inBothModes, openObject } from "./modes.js";

// These parts hold no enum, so one schema serves both modes.
const attributes = commonSchemas.resourceAttributes.lenient.nullish();
const link = commonSchemas.link.lenient.nullish();
const text = z.string().nullish();
const flag = z.boolean().nullish();
const count = z.int().nullish();
const strings = z.array(z.string()).nullish();
const offerCategory = openObject({
  id: text,
  name: text,
  rank: count,
  locale: text,
  country: text,
  links: commonSchemas.resourceLinks.lenient.nullish(),
  attributes,
});
const offerProduct = openObject({ id: text, name: text, unit: text });
const offerLinks = openObject({ learnMore: link, self: link, next: link, previous: link });

function offerShape(mode: CheckingMode) {
  return {
    id: text,
    name: text,
    description: text,
    minimumQuantity: count,
    maximumQuantity: count,
    rank: count,
    uri: text,
    locale: text,
    country: text,
    category: offerCategory.nullish(),
    prerequisiteOffers: strings,
    isAddOn: flag,
    hasAddOns: flag,
    isAvailableForPurchase: flag,
    billing: text,
    supportedBillingCycles: z.array(enumField(BILLING_CYCLES, mode)).nullish(),
    isAutoRenewable: flag,
    product: offerProduct.nullish(),
    unitType: text,
    acquisitionType: text,
    actions: strings,
    // A wire field named "additionalProperties" holding free-form data; its inside is kept, not checked.
    additionalProperties: z.record(z.string(), z.unknown()).nullish(),
    conversionTargetOffers: strings,
    isInternal: flag,
    isMicrosoftProduct: flag,
    isTrial: flag,
    reselleeQualifications: strings,
    resellerQualifications: strings,
    salesGroupId: text,
    supportedCatalogTypes: strings,
    term: count,
    termUnitOfMeasure: text,
    upgradeTargetOffers: strings,
    limitUnitOfMeasure: text,
    limit: count,
    attestationProperties: z.record(z.string(), z.unknown()).nullish(),
    partnerQualifications: strings,
    links: offerLinks.nullish(),
    attributes,
  };
}

function buildUpgrades(mode: CheckingMode) {
  const offer = openObject(offerShape(mode));
  const upgradeType = normalizedEnumField(UPGRADE_TYPES, mode).nullish();
  const upgradeError = openObject({
    code: normalizedEnumField(UPGRADE_ERROR_CODES, mode).nullish(),
    description: text,
    additionalDetails: z.string().nullish(),
    attributes,
  });
  const upgradeErrors = z.array(upgradeError).nullish();
  const upgrade = openObject({ targetOffer: offer.nullish(), upgradeType, isEligible: flag, quantity: count, upgradeErrors, attributes });
  const userLicenseError = openObject({
    userObjectId: text,
    name: text,
    email: text,
    errors: z.array(commonSchemas.apiFault[mode]).nullish(),
    attributes,
  });
  const upgradeResult = openObject({
    sourceSubscriptionId: text,
    targetSubscriptionId: text,
    upgradeType,
    upgradeErrors,
    licenseErrors: z.array(userLicenseError).nullish(),
    attributes,
  });
  return {
    offerCategory,
    offerProduct,
    offerLinks,
    offer,
    upgradeError,
    upgrade,
    upgrades: collectionOf(upgrade),
    userLicenseError,
    upgradeResult,
  };
}

/** Upgrade paths and upgrade results (answers of `pc.upgrades`). */
export const upgradeSchemas = inBothModes(buildUpgrades);

/** A catalog offer; here the target of an upgrade. */
export type Offer = z.output<typeof upgradeSchemas.offer.lenient>;
/** One reason an upgrade is not possible or failed; `code` is normalised to snake_case. */
export type UpgradeError = z.output<typeof upgradeSchemas.upgradeError.lenient>;
/** A possible upgrade; `upgradeType` is normalised to snake_case. POST one back to perform it. */
export type Upgrade = z.output<typeof upgradeSchemas.upgrade.lenient>;
/** A user whose licenses did not move during an upgrade, with the service's faults. */
export type UserLicenseError = z.output<typeof upgradeSchemas.userLicenseError.lenient>;
/** The outcome of an upgrade; a 200 may still list failures. */
export type UpgradeResult = z.output<typeof upgradeSchemas.upgradeResult.lenient>;
