import { z } from "zod";
import { collectionOf, commonSchemas } from "./common.js";
import { enumField } from "./enums.js";
import { type CheckingMode, inBothModes, openObject } from "./modes.js";
import { subscriptionSchemas } from "./subscriptions.js";

/** Known `relationshipToPartner` values of a customer; the service may send others. */
export const CUSTOMER_RELATIONSHIPS = ["none", "reseller", "advisor", "microsoft_support"] as const;
/** Known `state` values of a customer's user: `inactive` is deleted and not yet purged. */
export const CUSTOMER_USER_STATES = ["active", "inactive"] as const;

// Every optional field may arrive as null: the service's own SDK types them as nullable.
const text = z.string().nullable().optional();

function buildCustomers(mode: CheckingMode) {
  const links = commonSchemas.resourceLinks.lenient.nullable().optional();
  const attributes = commonSchemas.resourceAttributes[mode].nullable().optional();
  const address = openObject({
    country: text,
    region: text,
    city: text,
    state: text,
    addressLine1: text,
    addressLine2: text,
    addressLine3: text,
    postalCode: text,
    firstName: text,
    lastName: text,
    phoneNumber: text,
  });
  const companyProfile = openObject({
    tenantId: text,
    domain: text,
    companyName: text,
    address: address.nullable().optional(),
    email: text,
    links,
    attributes,
  });
  const billingProfile = openObject({
    id: text,
    firstName: text,
    lastName: text,
    email: text,
    culture: text,
    language: text,
    companyName: text,
    defaultAddress: address.nullable().optional(),
    links,
    attributes,
  });
  const customer = openObject({
    id: text,
    commerceId: text,
    companyProfile: companyProfile.nullable().optional(),
    billingProfile: billingProfile.nullable().optional(),
    relationshipToPartner: enumField(CUSTOMER_RELATIONSHIPS, mode).nullable().optional(),
    allowDelegatedAccess: z.boolean().nullable().optional(),
    customDomains: z.array(z.string()).nullable().optional(),
    associatedPartnerId: text,
    links,
    attributes,
  });
  const customerUser = openObject({
    id: text,
    userPrincipalName: text,
    firstName: text,
    lastName: text,
    displayName: text,
    usageLocation: text,
    lastDirectorySyncTime: text,
    userDomainType: text,
    state: enumField(CUSTOMER_USER_STATES, mode).nullable().optional(),
    softDeletionTime: text,
    links,
    attributes,
  });
  return {
    address,
    companyProfile,
    billingProfile,
    customer,
    customers: collectionOf(customer),
    customerUser,
    customerUsers: collectionOf(customerUser),
    subscriptions: collectionOf(subscriptionSchemas.subscription[mode]),
  };
}

/** Customers, their users, and a customer's subscriptions (answers of `pc.customers`, `pc.users`, `pc.subscriptions.list`). */
export const customerSchemas = inBothModes(buildCustomers);

/** A postal address of a customer's profile. */
export type Address = z.output<typeof customerSchemas.address.lenient>;
/** The customer's organisation: tenant id, initial domain, name. */
export type CustomerCompanyProfile = z.output<typeof customerSchemas.companyProfile.lenient>;
/** Who the customer's bills go to. */
export type CustomerBillingProfile = z.output<typeof customerSchemas.billingProfile.lenient>;
/** One of the partner's customers; `id` is its tenant id. */
export type Customer = z.output<typeof customerSchemas.customer.lenient>;
/** A user account in a customer's tenant. */
export type CustomerUser = z.output<typeof customerSchemas.customerUser.lenient>;
