import { describe, expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type { components } from "../../generated/partner-center.js";
import {
  type commonSchemas,
  type customerSchemas,
  type License,
  type LicenseUpdate,
  type licenseSchemas,
  type Offer,
  parseResponse,
  type ServiceFault,
  type SUBSCRIPTION_STATUSES,
  type SubscribedSku,
  type Subscription,
  type subscriptionSchemas,
  type Upgrade,
  type UpgradeError,
  type UpgradeErrorCodeName,
  type UpgradeResult,
  type UpgradeTypeName,
  upgradeSchemas,
} from "../../src/schemas.js";

// Compile-time checks, run by tsc under `npm test` (vitest's typecheck mode) and `npm run check`: the zod schemas
// cannot drift from the generated spec types.

type Spec = components["schemas"];

/** The named keys of T, without the index signatures that `additionalProperties` and z.looseObject add. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : symbol extends K ? never : K]: unknown };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;

/**
 * Every difference between a generated spec type G and a zod input type I, as readable paths
 * ("links.self.body: in the spec, not in the zod schema"); `never` when they agree. It walks into nested
 * objects and array items, so a field added to Link shows up under every resource that holds a link.
 * Compared at each key: presence on both sides, optionality, nullability, array-ness, and for leaves the
 * type itself (mutual assignability: zod accepts exactly what the spec allows).
 */
type Drift<G, I, Path extends string = ""> =
  | (Exclude<KnownKeys<G>, KnownKeys<I>> extends infer K
      ? K extends string
        ? `${Path}${K}: in the spec, not in the zod schema`
        : never
      : never)
  | (Exclude<KnownKeys<I>, KnownKeys<G>> extends infer K
      ? K extends string
        ? `${Path}${K}: in the zod schema, not in the spec`
        : never
      : never)
  | { [K in KnownKeys<G> & KnownKeys<I> & string]: FieldDrift<G, I, K, `${Path}${K}`> }[KnownKeys<G> & KnownKeys<I> & string];

type FieldDrift<G, I, K extends keyof G & keyof I, Path extends string> =
  Same<IsOptional<G, K>, IsOptional<I, K>> extends false
    ? `${Path}: optional in only one of spec and zod schema`
    : ValueDrift<Exclude<G[K], undefined>, Exclude<I[K], undefined>, Path>;

type ValueDrift<G, I, Path extends string> =
  Same<null extends G ? true : false, null extends I ? true : false> extends false
    ? `${Path}: nullable in only one of spec and zod schema`
    : ShapeDrift<Exclude<G, null>, Exclude<I, null>, Path>;

type ShapeDrift<G, I, Path extends string> = [G] extends [readonly (infer GItem)[]]
  ? [I] extends [readonly (infer IItem)[]]
    ? ValueDrift<GItem, IItem, `${Path}[]`>
    : `${Path}: an array in the spec only`
  : [I] extends [readonly unknown[]]
    ? `${Path}: an array in the zod schema only`
    : [G] extends [object]
      ? [I] extends [object]
        ? Drift<G, I, `${Path}.`>
        : `${Path}: an object in the spec only`
      : Same<G, I> extends true
        ? never
        : `${Path}: type differs between spec and zod schema`;

type In<S extends { lenient: z.ZodType }> = z.input<S["lenient"]>;

/** Each spec schema the library parses, with the zod schema that parses it. */
interface Checked {
  ResourceAttributes: [Spec["ResourceAttributes"], In<typeof commonSchemas.resourceAttributes>];
  KeyValuePair: [Spec["KeyValuePair"], In<typeof commonSchemas.keyValuePair>];
  Link: [Spec["Link"], In<typeof commonSchemas.link>];
  ResourceLinks: [Spec["ResourceLinks"], In<typeof commonSchemas.resourceLinks>];
  ServiceFault: [Spec["ServiceFault"], In<typeof commonSchemas.serviceFault>];
  ApiFault: [Spec["ApiFault"], In<typeof commonSchemas.apiFault>];
  ThrottleFault: [Spec["ThrottleFault"], In<typeof commonSchemas.throttleFault>];
  ProductSku: [Spec["ProductSku"], In<typeof licenseSchemas.productSku>];
  ServicePlan: [Spec["ServicePlan"], In<typeof licenseSchemas.servicePlan>];
  SubscribedSku: [Spec["SubscribedSku"], In<typeof licenseSchemas.subscribedSku>];
  SubscribedSkuCollection: [Spec["SubscribedSkuCollection"], In<typeof licenseSchemas.subscribedSkus>];
  License: [Spec["License"], In<typeof licenseSchemas.license>];
  LicenseCollection: [Spec["LicenseCollection"], In<typeof licenseSchemas.licenses>];
  LicenseAssignment: [Spec["LicenseAssignment"], In<typeof licenseSchemas.licenseAssignment>];
  LicenseWarning: [Spec["LicenseWarning"], In<typeof licenseSchemas.licenseWarning>];
  LicenseUpdate: [Spec["LicenseUpdate"], In<typeof licenseSchemas.licenseUpdate>];
  RefundOption: [Spec["RefundOption"], In<typeof subscriptionSchemas.refundOption>];
  ProductType: [Spec["ProductType"], In<typeof subscriptionSchemas.productType>];
  ProductSubType: [Spec["ProductSubType"], In<typeof subscriptionSchemas.productSubType>];
  RefundableQuantity: [Spec["RefundableQuantity"], In<typeof subscriptionSchemas.refundableQuantity>];
  RefundableQuantityDetail: [Spec["RefundableQuantityDetail"], In<typeof subscriptionSchemas.refundableQuantityDetail>];
  NextChargeInstructions: [Spec["NextChargeInstructions"], In<typeof subscriptionSchemas.nextChargeInstructions>];
  ScheduledNextTermInstructions: [Spec["ScheduledNextTermInstructions"], In<typeof subscriptionSchemas.scheduledNextTermInstructions>];
  ScheduledNextTermProduct: [Spec["ScheduledNextTermProduct"], In<typeof subscriptionSchemas.scheduledNextTermProduct>];
  SubscriptionLinks: [Spec["SubscriptionLinks"], In<typeof subscriptionSchemas.subscriptionLinks>];
  Subscription: [Spec["Subscription"], In<typeof subscriptionSchemas.subscription>];
  OfferCategory: [Spec["OfferCategory"], In<typeof upgradeSchemas.offerCategory>];
  OfferProduct: [Spec["OfferProduct"], In<typeof upgradeSchemas.offerProduct>];
  OfferLinks: [Spec["OfferLinks"], In<typeof upgradeSchemas.offerLinks>];
  Offer: [Spec["Offer"], In<typeof upgradeSchemas.offer>];
  UpgradeError: [Spec["UpgradeError"], In<typeof upgradeSchemas.upgradeError>];
  Upgrade: [Spec["Upgrade"], In<typeof upgradeSchemas.upgrade>];
  UpgradeCollection: [Spec["UpgradeCollection"], In<typeof upgradeSchemas.upgrades>];
  UserLicenseError: [Spec["UserLicenseError"], In<typeof upgradeSchemas.userLicenseError>];
  UpgradeResult: [Spec["UpgradeResult"], In<typeof upgradeSchemas.upgradeResult>];
  Address: [Spec["Address"], In<typeof customerSchemas.address>];
  CustomerCompanyProfile: [Spec["CustomerCompanyProfile"], In<typeof customerSchemas.companyProfile>];
  CustomerBillingProfile: [Spec["CustomerBillingProfile"], In<typeof customerSchemas.billingProfile>];
  Customer: [Spec["Customer"], In<typeof customerSchemas.customer>];
  CustomerCollection: [Spec["CustomerCollection"], In<typeof customerSchemas.customers>];
  CustomerUser: [Spec["CustomerUser"], In<typeof customerSchemas.customerUser>];
  CustomerUserCollection: [Spec["CustomerUserCollection"], In<typeof customerSchemas.customerUsers>];
  SubscriptionCollection: [Spec["SubscriptionCollection"], In<typeof customerSchemas.subscriptions>];
}

/** Spec schemas with no zod schema of their own: request-only bodies, the envelope base, enums (checked at run time). */
type NotParsed =
  | "ResourceCollection"
  | "LicenseUpdatePascalCase"
  | "LicenseUpdateInput"
  | "LicenseGroupId"
  | "LicenseGroupIdParameter"
  | "FaultDataItem"
  | "ConsumptionType"
  | "TargetType"
  | "SubscriptionStatus"
  | "BillingCycle"
  | "BillingType"
  | "ContractType"
  | "UpgradeType"
  | "UpgradeErrorCode"
  | "CustomerRelationship"
  | "CustomerUserState";

/** Fails to compile with the offending paths in the message ("Type '"Link.rel: ..."' does not satisfy the constraint 'never'"). */
function expectNone<Problems extends never>(): void {}

type AllDrift = { [Name in keyof Checked]: Drift<Checked[Name][0], Checked[Name][1], `${Name}.`> }[keyof Checked];
/** The drifting schemas only, each with its problems: `{}` when all agree. */
type DriftBySchema = {
  [Name in keyof Checked as Drift<Checked[Name][0], Checked[Name][1]> extends never ? never : Name]: Drift<
    Checked[Name][0],
    Checked[Name][1]
  >;
};
type NotAccepted = { [Name in keyof Checked]: Checked[Name][0] extends Checked[Name][1] ? never : Name }[keyof Checked];

describe("zod schemas match the generated spec types", () => {
  test("every spec schema is checked here or listed as not parsed", () => {
    expectNone<Exclude<keyof Spec, keyof Checked | NotParsed>>();
    expectNone<Exclude<NotParsed, keyof Spec>>();
  });

  test("key sets, optionality, nullability and leaf types agree, at every depth", () => {
    // Two views of one check: the first names every drifting schema, the second spells out one path.
    expectTypeOf<DriftBySchema>().toEqualTypeOf<{}>();
    expectNone<AllDrift>();
  });

  test("every body the generated type allows is accepted by the zod input type", () => {
    expectTypeOf<NotAccepted>().toBeNever();
  });
});

// The checker checks itself: each kind of drift is reported, with its path. The cases change a frozen
// excerpt of the generated types (same shapes: optional fields, index signature, nested links) and compare
// it with itself, so that neither a spec change nor a real drift makes them fail.
type FrozenLink = { uri?: string; headers?: { key?: string; value?: string }[] };
type Frozen = { id?: string; quantity?: number; actions?: string[]; links?: { self?: FrozenLink } } & { [key: string]: unknown };
/** Omit that keeps the named keys of a type with an index signature (Omit would keep only the index signature). */
type Without<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };

describe("the drift check catches drift", () => {
  test("a field added to the spec", () => {
    expectTypeOf<Drift<Frozen & { addedField?: string }, Frozen>>().toEqualTypeOf<"addedField: in the spec, not in the zod schema">();
  });

  test("a field added to the zod schema, next to the index signature z.looseObject adds", () => {
    type Zod = In<typeof subscriptionSchemas.subscription>;
    expectTypeOf<Drift<Zod, Zod & { addedField?: string }>>().toEqualTypeOf<"addedField: in the zod schema, not in the spec">();
  });

  test("a field added deep inside a nested spec schema", () => {
    type Changed = Without<Frozen, "links"> & {
      links?: { self?: FrozenLink & { headers?: { key?: string; value?: string; addedField?: boolean }[] } };
    };
    expectTypeOf<Drift<Changed, Frozen>>().toEqualTypeOf<"links.self.headers[].addedField: in the spec, not in the zod schema">();
  });

  test("a changed type, nullability or optionality", () => {
    expectTypeOf<
      Drift<Without<Frozen, "quantity"> & { quantity?: string }, Frozen>
    >().toEqualTypeOf<"quantity: type differs between spec and zod schema">();
    expectTypeOf<
      Drift<Without<Frozen, "actions"> & { actions?: string[] | null }, Frozen>
    >().toEqualTypeOf<"actions: nullable in only one of spec and zod schema">();
    expectTypeOf<
      Drift<Without<Frozen, "id"> & { id: string }, Frozen>
    >().toEqualTypeOf<"id: optional in only one of spec and zod schema">();
    expectTypeOf<
      Drift<Without<Frozen, "actions"> & { actions?: string }, Frozen>
    >().toEqualTypeOf<"actions: an array in the zod schema only">();
  });
});

describe("public types", () => {
  test("normalised enums are snake_case names with autocomplete, other strings allowed", () => {
    // Not NonNullable<>: it turns `string & {}` into plain `string`, which is what loses autocomplete.
    expectTypeOf<Upgrade["upgradeType"]>().toEqualTypeOf<UpgradeTypeName | (string & {}) | null | undefined>();
    expectTypeOf<UpgradeResult["upgradeType"]>().toEqualTypeOf<UpgradeTypeName | (string & {}) | null | undefined>();
    expectTypeOf<UpgradeError["code"]>().toEqualTypeOf<UpgradeErrorCodeName | (string & {}) | null | undefined>();
    expectTypeOf<Subscription["status"]>().toEqualTypeOf<(typeof SUBSCRIPTION_STATUSES)[number] | (string & {}) | null | undefined>();
    expectTypeOf<Upgrade["upgradeType"]>().not.toEqualTypeOf<string | undefined>();
  });

  test("a ServiceFault code is a number or a string", () => {
    expectTypeOf<ServiceFault["code"]>().toEqualTypeOf<number | string | null | undefined>();
  });

  test("only Subscription carries an index signature; elsewhere a misspelt field is a compile error", () => {
    expectTypeOf<Subscription["anyFutureField"]>().toBeUnknown();
    expectTypeOf<SubscribedSku>().not.toHaveProperty("availableUnit");
    expectTypeOf<License>().toHaveProperty("servicePlans");
    expectTypeOf<Offer>().not.toHaveProperty("isAddon");
  });

  test("parsed values can be sent back where the generated request types are expected", () => {
    expectTypeOf<Subscription>().toExtend<Spec["Subscription"]>();
    expectTypeOf<Upgrade>().toExtend<Spec["Upgrade"]>();
    expectTypeOf<LicenseUpdate>().toExtend<Spec["LicenseUpdate"]>();
  });

  test("parseResponse infers the type from a schema name or a ResponseSchema", () => {
    expectTypeOf(parseResponse("Subscription", {})).toEqualTypeOf<{ ok: true; value: Subscription } | { ok: false; problems: string[] }>();
    expectTypeOf(parseResponse(upgradeSchemas.upgrades, {}))
      .extract<{ ok: true }>()
      .toHaveProperty("value")
      .toHaveProperty("items")
      .toEqualTypeOf<Upgrade[]>();
  });
});
