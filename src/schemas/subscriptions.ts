import { z } from "zod";
import { commonSchemas } from "./common.js";
import { BILLING_CYCLES, BILLING_TYPES, CONTRACT_TYPES, enumField, SUBSCRIPTION_STATUSES } from "./enums.js";
import { type CheckingMode, inBothModes, openObject } from "./modes.js";

// These parts hold no enum, so one schema serves both modes.
const link = commonSchemas.link.lenient.optional();
const refundOption = openObject({ type: z.string().optional(), expiresAt: z.string().optional() });
const productType = openObject({ id: z.string().optional(), displayName: z.string().optional() });
const subscriptionLinks = openObject({
  offer: link,
  entitlement: link,
  parentSubscription: link,
  product: link,
  sku: link,
  availability: link,
  self: link,
});
// The etag goes back, quoted, in If-Match, and writes accept printable ASCII only there: an etag with control
// characters or anything beyond ASCII would make every write of the subscription fail before it is sent.
const subscriptionAttributes = openObject({
  etag: z
    .string()
    .regex(/^[\x20-\x7e]*$/, { error: "must be printable ASCII (it goes back in If-Match)" })
    .optional(),
  objectType: z.string().optional(),
});

function subscriptionShape(mode: CheckingMode) {
  // Dates stay the strings the service sent (its formats vary: 7-digit fractions, "+00:00"), so a PATCH
  // sends them back byte for byte.
  const date = z.string().optional();
  const text = z.string().optional();
  const flag = z.boolean().optional();
  return {
    id: text,
    entitlementId: text,
    offerId: text,
    offerName: text,
    friendlyName: text,
    productType: productType.optional(),
    quantity: z.int().optional(),
    unitType: text,
    parentSubscriptionId: z.string().nullable().optional(),
    creationDate: date,
    effectiveStartDate: date,
    commitmentEndDate: date,
    cancellationAllowedUntilDate: date,
    billingCycleEndDate: date,
    status: enumField(SUBSCRIPTION_STATUSES, mode).optional(),
    autoRenewEnabled: flag,
    billingType: enumField(BILLING_TYPES, mode).optional(),
    billingCycle: enumField(BILLING_CYCLES, mode).optional(),
    hasPurchasableAddons: flag,
    isTrial: flag,
    actions: z.array(z.string()).optional(),
    termDuration: text,
    renewalTermDuration: text,
    refundOptions: z.array(refundOption).optional(),
    isMicrosoftProduct: flag,
    partnerId: text,
    suspensionReasons: z.array(z.string()).optional(),
    contractType: enumField(CONTRACT_TYPES, mode).optional(),
    links: subscriptionLinks.optional(),
    publisherName: text,
    promotionId: text,
    attentionNeeded: flag,
    actionTaken: flag,
    // Sent back untouched or the service clears it; the spec leaves its inside open, so it is not checked.
    scheduledNextTermInstructions: z.record(z.string(), z.unknown()).optional(),
    orderId: text,
    attributes: subscriptionAttributes.optional(),
  };
}

function buildSubscriptions(mode: CheckingMode) {
  // The spec says `additionalProperties: true`: unknown fields survive GET -> PATCH, and the type says so.
  const subscription = z.looseObject(subscriptionShape(mode));
  return { refundOption, productType, subscriptionLinks, subscription };
}

/** Subscriptions (answers of `pc.subscriptions`). */
export const subscriptionSchemas = inBothModes(buildSubscriptions);

/** A customer's subscription; fields this library does not know are kept for the write back. */
export type Subscription = z.output<typeof subscriptionSchemas.subscription.lenient>;
/** A refund window of a subscription. */
export type RefundOption = z.output<typeof subscriptionSchemas.refundOption.lenient>;
/** The product type of a subscription. */
export type ProductType = z.output<typeof subscriptionSchemas.productType.lenient>;
