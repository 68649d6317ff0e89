import { z } from "zod";
import { commonSchemas } from "./common.js";
import { BILLING_CYCLES, BILLING_TYPES, CONTRACT_TYPES, enumField, SUBSCRIPTION_STATUSES } from "./enums.js";
import { type CheckingMode, inBothModes, openObject } from "./modes.js";

// These parts hold no enum, so one schema serves both modes.
const link = commonSchemas.link.lenient.nullish();
const refundOption = openObject({ type: z.string().nullish(), expiresAt: z.string().nullish() });
const productSubType = openObject({ id: z.string().nullish(), displayName: z.string().nullish() });
const productType = openObject({ id: z.string().nullish(), displayName: z.string().nullish(), subType: productSubType.nullish() });
const refundableQuantityDetail = openObject({ quantity: z.int().nullish(), allowedUntilDateTime: z.string().nullish() });
const refundableQuantity = openObject({ totalQuantity: z.int().nullish(), details: z.array(refundableQuantityDetail).nullish() });
const freeForm = z.record(z.string(), z.unknown());
const nextChargeInstructions = z.looseObject({ product: freeForm.nullish(), quantity: z.int().nullish() });
// A string in the .NET SDK, an array of strings in one docs page.
const consumptionType = z.union([z.string(), z.array(z.string())], { error: "expected a string or a list of strings" });
const subscriptionLinks = openObject({
  offer: link,
  entitlement: link,
  parentSubscription: link,
  product: link,
  sku: link,
  availability: link,
  activationLinks: link,
  self: link,
  next: link,
  previous: link,
});
// The etag goes back, quoted, in If-Match, and writes accept printable ASCII only there: an etag with control
// characters or anything beyond ASCII would make every write of the subscription fail before it is sent.
const subscriptionAttributes = openObject({
  etag: z
    .string()
    .regex(/^[\x20-\x7e]*$/, { error: "must be printable ASCII (it goes back in If-Match)" })
    .nullish(),
  objectType: z.string().nullish(),
});

// Sent back untouched or the service clears it: unknown fields inside are kept.
function scheduledNextTerm(mode: CheckingMode) {
  const product = z.looseObject({
    productId: z.string().nullish(),
    skuId: z.string().nullish(),
    availabilityId: z.string().nullish(),
    billingCycle: enumField(BILLING_CYCLES, mode).nullish(),
    termDuration: z.string().nullish(),
    promotionId: z.string().nullish(),
  });
  return z.looseObject({ product: product.nullish(), quantity: z.int().nullish(), customTermEndDate: z.string().nullish() });
}

function subscriptionShape(mode: CheckingMode) {
  // Dates stay the strings the service sent (its formats vary: 7-digit fractions, "+00:00"), so a PATCH
  // sends them back byte for byte.
  const date = z.string().nullish();
  const text = z.string().nullish();
  const flag = z.boolean().nullish();
  return {
    id: text,
    entitlementId: text,
    offerId: text,
    offerName: text,
    friendlyName: text,
    productType: productType.nullish(),
    quantity: z.int().nullish(),
    unitType: text,
    parentSubscriptionId: z.string().nullish(),
    creationDate: date,
    effectiveStartDate: date,
    commitmentEndDate: date,
    commitmentEndDateTime: date,
    cancellationAllowedUntilDate: date,
    billingCycleEndDate: date,
    billingCycleEndDateTime: date,
    status: enumField(SUBSCRIPTION_STATUSES, mode).nullish(),
    autoRenewEnabled: flag,
    billingType: enumField(BILLING_TYPES, mode).nullish(),
    billingCycle: enumField(BILLING_CYCLES, mode).nullish(),
    hasPurchasableAddons: flag,
    isTrial: flag,
    actions: z.array(z.string()).nullish(),
    termDuration: text,
    renewalTermDuration: text,
    refundOptions: z.array(refundOption).nullish(),
    isMicrosoftProduct: flag,
    partnerId: text,
    suspensionReasons: z.array(z.string()).nullish(),
    contractType: enumField(CONTRACT_TYPES, mode).nullish(),
    links: subscriptionLinks.nullish(),
    publisherName: text,
    promotionId: text,
    attentionNeeded: flag,
    actionTaken: flag,
    scheduledNextTermInstructions: scheduledNextTerm(mode).nullish(),
    orderId: text,
    refundableQuantity: refundableQuantity.nullish(),
    nextChargeInstructions: nextChargeInstructions.nullish(),
    lineItems: z.array(freeForm).nullish(),
    productOrderId: text,
    migratedFromSubscriptionId: text,
    attentionReason: text,
    consumptionType: consumptionType.nullish(),
    attributes: subscriptionAttributes.nullish(),
  };
}

function buildSubscriptions(mode: CheckingMode) {
  // The spec says `additionalProperties: true`: unknown fields survive GET -> PATCH, and the type says so.
  const subscription = z.looseObject(subscriptionShape(mode));
  const scheduledNextTermInstructions = scheduledNextTerm(mode);
  return {
    refundOption,
    productType,
    productSubType,
    subscriptionLinks,
    refundableQuantity,
    refundableQuantityDetail,
    nextChargeInstructions,
    scheduledNextTermInstructions,
    scheduledNextTermProduct: scheduledNextTermInstructions.shape.product.unwrap().unwrap(),
    subscription,
  };
}

/** Subscriptions (answers of `pc.subscriptions`). */
export const subscriptionSchemas = inBothModes(buildSubscriptions);

/** A customer's subscription; fields this library does not know are kept for the write back. */
export type Subscription = z.output<typeof subscriptionSchemas.subscription.lenient>;
/** A refund window of a subscription. */
export type RefundOption = z.output<typeof subscriptionSchemas.refundOption.lenient>;
/** The product type of a subscription. */
export type ProductType = z.output<typeof subscriptionSchemas.productType.lenient>;
