import { describe, expect, test, vi } from "vitest";
import {
  AppOnlyTokenNotAcceptedError,
  BadRequestError,
  createPartnerCenterClient,
  ForbiddenError,
  getResponseMeta,
  InvalidInputError,
  NotFoundError,
  needsAppUserToken,
  PartnerTokenNotAllowedError,
  type ServiceError,
} from "../../src/index.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId, subscriptionId, userId } = ids;
const subscription = {
  id: subscriptionId,
  autoRenewEnabled: true,
  quantity: 3,
  attributes: { etag: "etag-1", objectType: "Subscription" },
};

function clientWith(answer: (request: Request, index: number) => Response) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    return answer(request, requests.length - 1);
  });
  const pc = createPartnerCenterClient({ credential: staticCredential(), retry: { baseDelayMs: 0, maxDelayMs: 0 }, fetch });
  return { pc, requests, fetch };
}

const location = `/v1/customers/${customerId}/subscriptions/${subscriptionId}`;
const accepted = () => new Response(null, { status: 202, headers: { Location: location, "MS-RequestId": "patch-id" } });

describe("a subscription write answered 202 Accepted", () => {
  test("update resolves to the subscription read back once by id, and the meta says 202 with the Location", async () => {
    const { pc, requests } = clientWith((request) =>
      request.method === "PATCH" ? accepted() : jsonResponse(200, { ...subscription, quantity: 5 }),
    );
    const result = await pc.subscriptions.update(customerId, { ...subscription, quantity: 5 });
    expect(result.quantity).toBe(5);
    expect(getResponseMeta(result)).toMatchObject({ status: 202, location, requestId: "patch-id" });
    expect(requests.map((request) => request.method)).toEqual(["PATCH", "GET"]);
    expect(new URL(requests[1]!.url).pathname).toBe(`/v1/customers/${customerId}/subscriptions/${subscriptionId}`);
  });

  test("setAutoRenew and modify resolve on 202 too", async () => {
    for (const run of [
      (pc: ReturnType<typeof clientWith>["pc"]) => pc.subscriptions.setAutoRenew(customerId, subscriptionId, false),
      (pc: ReturnType<typeof clientWith>["pc"]) => pc.subscriptions.modify(customerId, subscriptionId, (s) => ({ ...s, quantity: 9 })),
    ]) {
      const { pc, requests } = clientWith((request) => (request.method === "PATCH" ? accepted() : jsonResponse(200, subscription)));
      const result = await run(pc);
      expect(getResponseMeta(result)?.status).toBe(202);
      expect(getResponseMeta(result)?.location).toBe(location);
      expect(requests.map((request) => request.method)).toEqual(["GET", "PATCH", "GET"]);
    }
  });

  test("a 202 with a subscription in its body is that subscription, with the Location", async () => {
    const { pc, requests } = clientWith(() => jsonResponse(202, subscription, { Location: location }));
    const result = await pc.subscriptions.update(customerId, subscription);
    expect(result.id).toBe(subscriptionId);
    expect(getResponseMeta(result)).toMatchObject({ status: 202, location });
    expect(requests).toHaveLength(1);
  });

  test("an empty 200 is still refused: only a 202 may come without a body", async () => {
    const { pc } = clientWith(() => new Response("", { status: 200 }));
    await expect(pc.subscriptions.update(customerId, subscription)).rejects.toThrow(/the body was empty/);
  });
});

describe("what goes out is what the docs send", () => {
  test.each([
    [["group1", "group2"], "?licenseGroupIds=Group1&licenseGroupIds=Group2"],
    [["GROUP2"], "?licenseGroupIds=Group2"],
    [["Group1"], "?licenseGroupIds=Group1"],
  ])("licenseGroupIds %j go out as %s", async (groups, search) => {
    const { pc, requests } = clientWith(() => jsonResponse(200, { items: [] }));
    await pc.licenses.listSubscribedSkus(customerId, { licenseGroupIds: groups });
    await pc.licenses.listAssigned(customerId, userId, { licenseGroupIds: groups });
    expect(requests.map((request) => new URL(request.url).search)).toEqual([search, search]);
  });

  test("every call carries MS-Contract-Version: v1", async () => {
    const { pc, requests } = clientWith(() => jsonResponse(200, subscription));
    await pc.subscriptions.get(customerId, subscriptionId);
    expect(requests[0]!.headers.get("MS-Contract-Version")).toBe("v1");
  });

  test.each([
    ["a leading tab", `\t${userId}`, "control characters"],
    ["a leading control character", `\u0001${userId}`, "control characters"],
    ["a trailing line feed", `${userId}\n`, "control characters"],
    ["a leading space", ` ${userId}`, "white space"],
  ])("a user id with %s is refused, never trimmed and sent", async (_, user, problem) => {
    const { pc, fetch } = clientWith(() => jsonResponse(200, { items: [] }));
    const call = pc.licenses.listAssigned(customerId, user);
    await expect(call).rejects.toBeInstanceOf(InvalidInputError);
    await expect(call).rejects.toThrow(problem);
    await expect(pc.licenses.assign(customerId, userId, ` ${ids.skuId}`)).rejects.toBeInstanceOf(InvalidInputError);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("errors as the service sends them", () => {
  test("data objects are kept as they came, next to strings", async () => {
    const data = ["text", { field: "licensesToAssign", reason: "empty" }];
    const { pc } = clientWith(() => jsonResponse(400, { code: 800002, description: "Invalid request input", data, source: "PartnerFD" }));
    const error = await pc.licenses.assign(customerId, userId, ids.skuId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as ServiceError).data).toEqual(data);
  });

  test.each([
    [403, 900329, AppOnlyTokenNotAcceptedError, ForbiddenError, true],
    [400, 900316, PartnerTokenNotAllowedError, BadRequestError, true],
    [403, 20002, ForbiddenError, ForbiddenError, false],
    [404, 60003, NotFoundError, NotFoundError, false],
    [404, 1000, NotFoundError, NotFoundError, false],
    [400, 3000, BadRequestError, BadRequestError, false],
  ])("HTTP %i with code %i is a %o (a %o); needs an App+User token: %s", async (status, code, type, base, tokenFix) => {
    const { pc } = clientWith(() => jsonResponse(status, { code, description: "refused", source: "PartnerFD" }));
    const error = await pc.licenses.listSubscribedSkus(customerId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(base);
    expect(needsAppUserToken(error)).toBe(tokenFix);
  });
});
