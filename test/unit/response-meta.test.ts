import { expect, test } from "vitest";
import { createPartnerCenterClient, getResponseMeta } from "../../src/index.js";
import { attachResponseMeta } from "../../src/response.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

test("a result carries its status and ids where plain-data views of it do not see them", async () => {
  const answer = { id: ids.subscriptionId, quantity: 3, attributes: { etag: "e-1" } };
  const pc = createPartnerCenterClient({
    credential: staticCredential("secret-token"),
    retry: false,
    fetch: async () => jsonResponse(200, answer, { "MS-RequestId": "r-1", "MS-CorrelationId": "c-1" }),
  });
  const subscription = await pc.subscriptions.get(ids.customerId, ids.subscriptionId);
  expect(getResponseMeta(subscription)).toEqual({ status: 200, requestId: "r-1", correlationId: "c-1" });
  expect(subscription).toStrictEqual(answer);
  expect(JSON.parse(JSON.stringify(subscription))).toStrictEqual(answer);
  expect(Reflect.ownKeys(subscription).filter((key) => Object.getOwnPropertyDescriptor(subscription, key)?.enumerable)).toEqual(
    Object.keys(answer),
  );
  // Copies are new data: none of them claims the answer's ids.
  for (const copy of [structuredClone(subscription), { ...subscription }, Object.assign({}, subscription), Object.create(subscription)]) {
    expect(getResponseMeta(copy)).toBeUndefined();
  }
});

test("meta attaches to a list too, which JSON still writes as a plain array", () => {
  const list = attachResponseMeta([1, 2], { status: 200, requestId: "r" });
  expect(getResponseMeta(list)).toEqual({ status: 200, requestId: "r" });
  expect(JSON.stringify(list)).toBe("[1,2]");
});
