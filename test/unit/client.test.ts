import { describe, expect, test, vi } from "vitest";
import {
  AuthenticationError,
  createPartnerCenterClient,
  InvalidInputError,
  type PartnerCenterClientOptions,
  StaleEtagError,
  type Subscription,
  UnexpectedResponseError,
} from "../../src/index.js";
import { ids, jsonResponse, staticCredential } from "../helpers.js";

const { customerId, subscriptionId, userId, skuId } = ids;
const subscription = {
  id: subscriptionId,
  autoRenewEnabled: true,
  status: "active",
  futureField: { nested: [1, { kept: true }] },
  scheduledNextTermInstructions: { quantity: 4, product: { skuId: "0001" } },
  attributes: { etag: "etag-1", objectType: "Subscription" },
};

/** A client over a scripted fetch; `answer` decides each response, `requests` records what was sent. */
function clientWith(
  answer: (request: Request, index: number) => Response | Promise<Response>,
  options: Partial<PartnerCenterClientOptions> = {},
) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    return answer(request, requests.length - 1);
  });
  const pc = createPartnerCenterClient({ credential: staticCredential(), retry: { baseDelayMs: 0, maxDelayMs: 0 }, fetch, ...options });
  return { pc, requests, fetch };
}

describe("input validation", () => {
  const { pc, fetch } = clientWith(() => jsonResponse(200, {}));
  test.each([
    ["licenses.listSubscribedSkus", () => pc.licenses.listSubscribedSkus("not-a-guid"), ["customerId must be a GUID"]],
    ["licenses.listAssigned", () => pc.licenses.listAssigned(customerId, ".."), ["userId must not be '.' or '..'"]],
    [
      "licenses.update",
      () => pc.licenses.update("x", "", {}),
      ["customerId must be a GUID", "userId must not be empty", "change must assign or remove at least one license"],
    ],
    ["licenses.assign", () => pc.licenses.assign(customerId, userId, []), ["licenses must name at least one SKU id"]],
    ["licenses.assign", () => pc.licenses.assign(customerId, userId, [{ skuId: " " }]), ["licenses"]],
    ["licenses.remove", () => pc.licenses.remove(customerId, "a\r\nb", skuId), ["userId must not contain control characters"]],
    [
      "subscriptions.get",
      () => pc.subscriptions.get(customerId, subscriptionId, { requestId: "nope" }),
      ["options.requestId must be a GUID"],
    ],
    [
      "subscriptions.update",
      () => pc.subscriptions.update(customerId, { ...subscription, attributes: {} }),
      ["subscription.attributes.etag"],
    ],
    [
      "subscriptions.setAutoRenew",
      () => pc.subscriptions.setAutoRenew(customerId, subscriptionId, "yes" as unknown as boolean),
      ["enabled must be true or false"],
    ],
    ["subscriptions.modify", () => pc.subscriptions.modify(customerId, subscriptionId, null as never), ["change must be a function"]],
    ["upgrades.list", () => pc.upgrades.list(customerId, "x"), ["subscriptionId must be a GUID"]],
    [
      "upgrades.perform",
      () => pc.upgrades.perform(customerId, subscriptionId, { targetOffer: { id: "o" } }, { quantity: 0 }),
      ["options.quantity must be positive"],
    ],
  ])("%s refuses bad input with every problem listed and sends nothing", async (operation, call, problems) => {
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(`${operation} was not sent`);
    for (const problem of problems) expect((error as InvalidInputError).problems.join("\n")).toContain(problem);
    expect(fetch).not.toHaveBeenCalled();
  });

  test.each([
    [{ baseUrl: "http://api.example.com/v1" }, "options.baseUrl must be an absolute https URL"],
    [{ baseUrl: "not a url" }, "options.baseUrl"],
    [{ applicationName: "x\r\nInjected: 1" }, "options.applicationName must not contain control characters"],
    [{ retry: { maxRetries: -1 } }, "options.retry"],
    [{ credential: {} as never }, "options.credential must be a TokenCredential"],
  ])("createPartnerCenterClient refuses %j", (options, problem) => {
    expect(() => createPartnerCenterClient({ credential: staticCredential(), ...options })).toThrow(problem);
  });

  test("sends calls under the base URL as the URL parser reads it, dot segments resolved", async () => {
    const cases: Array<[string, string]> = [
      ["https://h.example//x/..", "https://h.example/customers/"],
      ["https://h.example/v1/../v2/", "https://h.example/v2/customers/"],
      ["https://h.example/v1", "https://h.example/v1/customers/"],
    ];
    for (const [baseUrl, expected] of cases) {
      const requests: Request[] = [];
      const pc = createPartnerCenterClient({
        credential: staticCredential(),
        baseUrl,
        retry: false,
        fetch: async (request) => {
          requests.push(request);
          return jsonResponse(200, subscription);
        },
      });
      await pc.subscriptions.get(customerId, subscriptionId);
      expect(requests[0]!.url.startsWith(expected), `${baseUrl} -> ${requests[0]!.url}`).toBe(true);
    }
  });

  test("allows plain http to loopback only", () => {
    expect(() => createPartnerCenterClient({ credential: staticCredential(), baseUrl: "http://127.0.0.1:4010" })).not.toThrow();
    expect(() => createPartnerCenterClient({ credential: staticCredential(), baseUrl: "http://localhost:4010/v1" })).not.toThrow();
  });
});

describe("request context", () => {
  test("reuses MS-RequestId on every retry of a write and uses a new one for the next call", async () => {
    const { pc, requests } = clientWith((_, index) =>
      index === 0 ? jsonResponse(503, {}) : jsonResponse(201, { licensesToAssign: [{ skuId }] }),
    );
    await pc.licenses.assign(customerId, userId, skuId);
    await pc.licenses.assign(customerId, userId, skuId);
    const requestIds = requests.map((request) => request.headers.get("MS-RequestId"));
    expect(requestIds[0]).toBe(requestIds[1]);
    expect(requestIds[2]).not.toBe(requestIds[1]);
    expect(new Set(requests.map((request) => request.headers.get("MS-CorrelationId"))).size).toBe(2);
  });

  test("uses the caller's request id and the client's pinned correlation id", async () => {
    const correlationId = "aaaa0000-bb11-2222-33cc-444444dddddd";
    const requestId = "a37d3009-665d-4e12-b76e-1aa10cf80140";
    const { pc, requests } = clientWith(() => jsonResponse(200, subscription), { correlationId, locale: "zh-TW" });
    await pc.subscriptions.get(customerId, subscriptionId, { requestId });
    expect(Object.fromEntries(requests[0]!.headers)).toMatchObject({
      "ms-requestid": requestId,
      "ms-correlationid": correlationId,
      "x-locale": "zh-TW",
    });
  });

  test("percent-encodes a user principal name in the path", async () => {
    const { pc, requests } = clientWith(() => jsonResponse(200, { totalCount: 0, items: [] }));
    await pc.licenses.listAssigned(customerId, "a/b?c#d@contoso.com");
    expect(new URL(requests[0]!.url).pathname).toBe(`/v1/customers/${customerId}/users/a%2Fb%3Fc%23d%40contoso.com/licenses`);
  });
});

describe("subscriptions", () => {
  test("keeps fields the spec does not know through a read-modify-write", async () => {
    const { pc, requests } = clientWith((request) =>
      jsonResponse(200, request.method === "GET" ? subscription : { ...subscription, autoRenewEnabled: false }),
    );
    await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
    expect(await requests[1]!.json()).toEqual({ ...subscription, autoRenewEnabled: false });
    expect(requests[1]!.headers.get("If-Match")).toBe('"etag-1"');
  });

  test("re-reads and re-applies the change after a stale etag, a bounded number of times", async () => {
    const change = vi.fn((current: Subscription) => ({ ...current, autoRenewEnabled: false }));
    const { pc, requests } = clientWith((request) =>
      request.method === "GET"
        ? jsonResponse(200, { ...subscription, attributes: { etag: `etag-${Math.random()}` } })
        : jsonResponse(400, { code: 2055, description: "stale" }),
    );
    await expect(pc.subscriptions.modify(customerId, subscriptionId, change, { maxAttempts: 2 })).rejects.toBeInstanceOf(StaleEtagError);
    expect(requests.map((request) => request.method)).toEqual(["GET", "PATCH", "GET", "PATCH"]);
    expect(change).toHaveBeenCalledTimes(2);
    expect(requests[1]!.headers.get("If-Match")).not.toBe(requests[3]!.headers.get("If-Match"));
  });

  test("refuses to write a subscription that was read without an etag", async () => {
    const { pc, requests } = clientWith(() => jsonResponse(200, { ...subscription, attributes: { etag: "" } }));
    await expect(pc.subscriptions.setAutoRenew(customerId, subscriptionId, false)).rejects.toThrow("without attributes.etag");
    expect(requests.map((request) => request.method)).toEqual(["GET"]);
  });

  test("does not retry a 412 on its own: the same etag cannot succeed", async () => {
    const { pc, requests } = clientWith(() => jsonResponse(412, {}));
    await expect(pc.subscriptions.update(customerId, subscription)).rejects.toBeInstanceOf(StaleEtagError);
    expect(requests).toHaveLength(1);
  });
});

describe("answers", () => {
  test("names the ids it sent when the service does not echo them", async () => {
    const requestId = "a37d3009-665d-4e12-b76e-1aa10cf80140";
    const { pc, requests } = clientWith(() => jsonResponse(404, { code: 20003, description: "Subscription was not found." }), {
      correlationId: "aaaa0000-bb11-2222-33cc-444444dddddd",
    });
    const error = await pc.subscriptions.get(customerId, subscriptionId, { requestId }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ requestId, correlationId: "aaaa0000-bb11-2222-33cc-444444dddddd" });
    expect(requests[0]!.headers.get("MS-RequestId")).toBe(requestId);
    expect((error as Error).message).toContain(`MS-RequestId ${requestId}`);
  });

  test.each([
    ["a cut-off body", new Response('{"totalCount":1,"items":[{', { status: 200 }), "the body was not valid JSON"],
    ["an HTML page", new Response("<html>hello</html>", { status: 200 }), "the body was not valid JSON"],
    ["an empty body", new Response("", { status: 200 }), "the body was empty"],
    ["a blank body", new Response(" \n ", { status: 200 }), "the body was empty"],
    ["a JSON number", new Response("42", { status: 200 }), "the body is not a JSON object"],
    ["JSON null", new Response("null", { status: 200 }), "the body is not a JSON object"],
    ["a JSON string", new Response('"text"', { status: 200 }), "the body is not a JSON object"],
    ["items that are not a list", jsonResponse(200, { totalCount: 1, items: "x" }), "items"],
  ])("turns %s in a 2xx into UnexpectedResponseError", async (_, response, problem) => {
    const { pc } = clientWith(() => response);
    const error = await pc.licenses.listSubscribedSkus(customerId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as Error).message).toContain(problem);
  });

  test("reads the answer a middleware on pc.raw put in place of the service's", async () => {
    const { pc } = clientWith(() => jsonResponse(200, subscription));
    pc.raw.use({ onResponse: () => jsonResponse(200, { ...subscription, autoRenewEnabled: false }) });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).resolves.toMatchObject({ autoRenewEnabled: false });
  });

  test("shows the typed calls to middleware added to pc.raw, as Requests with every header, until it is ejected", async () => {
    const { pc } = clientWith(() => jsonResponse(200, subscription));
    const seen: Request[] = [];
    const middleware = { onRequest: ({ request }: { request: Request }) => void seen.push(request) };
    pc.raw.use(middleware);
    await pc.subscriptions.get(customerId, subscriptionId);
    await pc.subscriptions.setAutoRenew(customerId, subscriptionId, false);
    await pc.raw.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
      params: { path: { customer_id: customerId, subscription_id: subscriptionId } },
    });
    expect(seen).toHaveLength(4);
    for (const request of seen) {
      expect(request).toBeInstanceOf(Request);
      for (const name of ["MS-RequestId", "MS-CorrelationId", "X-Locale", "Accept", "MS-PartnerCenter-Client"]) {
        expect(request.headers.get(name), name).toBeTruthy();
      }
    }
    pc.raw.eject(middleware);
    await pc.subscriptions.get(customerId, subscriptionId);
    expect(seen).toHaveLength(4);
  });

  test("keeps showing typed calls as Requests to middleware added twice and ejected once, as openapi-fetch keeps it", async () => {
    const { pc } = clientWith(() => jsonResponse(200, subscription));
    const seen: unknown[] = [];
    const middleware = { onRequest: ({ request }: { request: Request }) => void seen.push(request) };
    pc.raw.use(middleware, middleware);
    pc.raw.eject(middleware);
    await pc.subscriptions.get(customerId, subscriptionId);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(Request);
  });

  test("reads a typed call's answer that middleware read first", async () => {
    const { pc } = clientWith(() => jsonResponse(200, subscription));
    const bodies: unknown[] = [];
    pc.raw.use({ onResponse: async ({ response }) => void bodies.push(await response.clone().json()) });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).resolves.toMatchObject({ id: subscriptionId });
    expect(bodies).toEqual([expect.objectContaining({ id: subscriptionId })]);
  });

  test("sends the same body, MS-RequestId and a token on the first attempt and on a retry", async () => {
    const { pc, requests, fetch } = clientWith((_, index) => (index === 0 ? jsonResponse(503, {}) : jsonResponse(201, {})));
    await pc.licenses.update(customerId, userId, { licensesToAssign: [{ skuId }] });
    expect(fetch).toHaveBeenCalledTimes(2);
    const [first, second] = await Promise.all(requests.map((request) => request.text()));
    expect(JSON.parse(first!)).toEqual({ licensesToAssign: [{ skuId }] });
    expect(second).toBe(first);
    expect(requests[1]!.headers.get("MS-RequestId")).toBe(requests[0]!.headers.get("MS-RequestId"));
    for (const request of requests) expect(request.headers.get("Authorization")).toMatch(/^Bearer /);
  });

  test("keeps unknown enum values when lenient and refuses them when strict", async () => {
    const answer = () => jsonResponse(200, { ...subscription, status: "hibernating" });
    await expect(clientWith(answer).pc.subscriptions.get(customerId, subscriptionId)).resolves.toMatchObject({ status: "hibernating" });
    await expect(clientWith(answer, { validation: "strict" }).pc.subscriptions.get(customerId, subscriptionId)).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
  });

  test("normalises upgrade types and error codes from integers and PascalCase", async () => {
    const { pc } = clientWith(() =>
      jsonResponse(200, {
        totalCount: 2,
        items: [
          { upgradeType: 1, upgradeErrors: [{ code: 6 }] },
          { upgradeType: "UpgradeWithLicenseTransfer", upgradeErrors: [{ code: "SubscriptionAddOnsPresent" }] },
        ],
      }),
    );
    const upgrades = await pc.upgrades.list(customerId, subscriptionId);
    expect(upgrades.map((upgrade) => [upgrade.upgradeType, upgrade.upgradeErrors?.[0]?.code])).toEqual([
      ["upgrade_only", "subscription_add_ons_present"],
      ["upgrade_with_license_transfer", "subscription_add_ons_present"],
    ]);
  });
});

describe("auth", () => {
  test("turns a failing credential into AuthenticationError and sends nothing", async () => {
    const credential = { getToken: async () => Promise.reject(new Error("AADSTS7000215: Invalid client secret provided.")) };
    const { pc, fetch } = clientWith(() => jsonResponse(200, subscription), { credential });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).rejects.toBeInstanceOf(AuthenticationError);
    expect(fetch).not.toHaveBeenCalled();
  });

  test("retries a 401 once with a fresh token", async () => {
    let issued = 0;
    const credential = { getToken: async () => ({ token: `token-${++issued}`, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const { pc, requests } = clientWith(
      (_, index) => (index === 0 ? jsonResponse(401, { code: 900421 }) : jsonResponse(200, subscription)),
      { credential },
    );
    await pc.subscriptions.get(customerId, subscriptionId);
    expect(requests.map((request) => request.headers.get("Authorization"))).toEqual(["Bearer token-1", "Bearer token-2"]);
  });

  test("retries a 401 with a fresh token even when retries are off, and only once", async () => {
    let issued = 0;
    const credential = { getToken: async () => ({ token: `token-${++issued}`, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const { pc, requests } = clientWith(() => jsonResponse(401, { code: 900421 }), { credential, retry: false });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).rejects.toMatchObject({ name: "UnauthorizedError", code: 900421 });
    expect(requests).toHaveLength(2);
  });
});
