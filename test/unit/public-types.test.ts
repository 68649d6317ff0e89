import { describe, expectTypeOf, test } from "vitest";
import type {
  CallOptions,
  License,
  LicenseUpdate,
  PartnerCenterClient,
  PartnerCenterClientOptions,
  RawPartnerCenterClient,
  SubscribedSku,
  Subscription,
  Upgrade,
  UpgradeResult,
} from "../../src/index.js";
import { createPartnerCenterClient, type ServiceError, type UpgradeRejectedError } from "../../src/index.js";

// The public surface, checked by the compiler: `npm test` typechecks this file with tsc (and `npm run check` too).
describe("public surface types", () => {
  test("createPartnerCenterClient takes the documented options and returns the client", () => {
    expectTypeOf(createPartnerCenterClient).parameter(0).toEqualTypeOf<PartnerCenterClientOptions>();
    expectTypeOf(createPartnerCenterClient).returns.toEqualTypeOf<PartnerCenterClient>();
    expectTypeOf<PartnerCenterClientOptions["validation"]>().toEqualTypeOf<"strict" | "lenient" | "off" | undefined>();
    expectTypeOf<PartnerCenterClient["raw"]>().toEqualTypeOf<RawPartnerCenterClient>();
  });

  test("license methods return the parsed resources", () => {
    type Licenses = PartnerCenterClient["licenses"];
    expectTypeOf<Licenses["listSubscribedSkus"]>().returns.resolves.toEqualTypeOf<SubscribedSku[]>();
    expectTypeOf<Licenses["listAssigned"]>().returns.resolves.toEqualTypeOf<License[]>();
    expectTypeOf<Licenses["update"]>().returns.resolves.toEqualTypeOf<LicenseUpdate>();
    expectTypeOf<Licenses["assign"]>().parameter(2).toEqualTypeOf<string | string[] | NonNullable<LicenseUpdate["licensesToAssign"]>>();
    expectTypeOf<Licenses["remove"]>().parameter(2).toEqualTypeOf<string | string[]>();
    expectTypeOf<Licenses["update"]>().parameter(3).toExtend<(CallOptions & { isKickInstantOn?: boolean }) | undefined>();
  });

  test("subscription and upgrade methods return the parsed resources", () => {
    type Subscriptions = PartnerCenterClient["subscriptions"];
    expectTypeOf<Subscriptions["get"]>().returns.resolves.toEqualTypeOf<Subscription>();
    expectTypeOf<Subscriptions["setAutoRenew"]>().parameter(2).toEqualTypeOf<boolean>();
    expectTypeOf<Subscriptions["modify"]>().parameter(2).toBeFunction();
    type Upgrades = PartnerCenterClient["upgrades"];
    expectTypeOf<Upgrades["list"]>().returns.resolves.toEqualTypeOf<Upgrade[]>();
    expectTypeOf<Upgrades["perform"]>().returns.resolves.toEqualTypeOf<UpgradeResult>();
  });

  test("every method takes the call options last", () => {
    expectTypeOf<PartnerCenterClient["subscriptions"]["get"]>().parameter(2).toEqualTypeOf<CallOptions | undefined>();
    expectTypeOf<PartnerCenterClient["upgrades"]["list"]>().parameter(2).toEqualTypeOf<CallOptions | undefined>();
    expectTypeOf<CallOptions>().toEqualTypeOf<{ signal?: AbortSignal; requestId?: string; correlationId?: string }>();
  });

  test("normalised enums keep their known values for autocomplete and accept others", () => {
    expectTypeOf<"upgrade_only">().toExtend<NonNullable<Upgrade["upgradeType"]>>();
    expectTypeOf<"some_future_type">().toExtend<NonNullable<Upgrade["upgradeType"]>>();
    expectTypeOf<1>().not.toExtend<NonNullable<Upgrade["upgradeType"]>>();
  });

  test("errors expose what support needs", () => {
    expectTypeOf<ServiceError["status"]>().toEqualTypeOf<number>();
    expectTypeOf<ServiceError["requestId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ServiceError["retryAfterMs"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<UpgradeRejectedError["result"]>().toHaveProperty("upgradeErrors");
  });
});
