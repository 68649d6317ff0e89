import { describe, expectTypeOf, test } from "vitest";
import { type components, createPartnerCenterClient } from "../../src/index.js";
import { staticCredential } from "../helpers.js";

// Compile-time checks: the generated paths make a wrong call a type error (`npm test` typechecks this file with tsc).
describe("typed client", () => {
  const pc = createPartnerCenterClient({ credential: staticCredential(), fetch: async () => new Response("{}") }).raw;

  test("a call without a required path parameter does not compile", () => {
    const call = () =>
      pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
        // @ts-expect-error subscription_id is missing
        params: { path: { customer_id: "0c39d6d5-c70d-4c55-bc02-f620844f3fd1" } },
      });
    expectTypeOf(call).toBeFunction();
  });

  test("a PATCH without If-Match does not compile", () => {
    const call = () =>
      pc.PATCH("/customers/{customer_id}/subscriptions/{subscription_id}", {
        // @ts-expect-error the If-Match header is required
        params: { path: { customer_id: "c", subscription_id: "s" } },
        body: {},
      });
    expectTypeOf(call).toBeFunction();
  });

  test("responses carry the spec's schema types", () => {
    type Subscription = components["schemas"]["Subscription"];
    expectTypeOf<Subscription["autoRenewEnabled"]>().toEqualTypeOf<boolean | null | undefined>();
    type Data = NonNullable<Awaited<ReturnType<typeof getSubscription>>["data"]>;
    expectTypeOf<Data["autoRenewEnabled"]>().toEqualTypeOf<boolean | null | undefined>();
    expectTypeOf<Data["attributes"]>().toEqualTypeOf<components["schemas"]["ResourceAttributes"] | null | undefined>();
    function getSubscription() {
      return pc.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
        params: { path: { customer_id: "c", subscription_id: "s" } },
      });
    }
  });
});
