import { inspect } from "node:util";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { AuthError } from "@azure/msal-node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { createTokenProvider, RefreshTokenCredential, type RefreshTokenCredentialOptions } from "../../src/auth.js";
import { AbortedError, AuthenticationError, InvalidInputError } from "../../src/errors.js";
import { redactSecrets } from "../../src/redact.js";
import { type FakeTokenEndpoint, fakeJwt, oauthErrorAnswer, startFakeTokenEndpoint, tokenAnswer } from "../fake-token-endpoint.js";

const scope = "https://api.partnercenter.microsoft.com/user_impersonation";
const start = Date.UTC(2026, 0, 1);
const minute = 60_000;

/** A credential whose answers the test settles by hand, counting calls. */
function controlledCredential() {
  const waiting: Array<{ resolve: (token: AccessToken | null) => void; reject: (error: unknown) => void }> = [];
  const getToken = vi.fn<TokenCredential["getToken"]>(() => new Promise((resolve, reject) => waiting.push({ resolve, reject })));
  return {
    credential: { getToken } satisfies TokenCredential,
    getToken,
    answer(token: string, expiresInMs = 60 * minute, extra: Partial<AccessToken> = {}) {
      waiting.shift()?.resolve({ token, expiresOnTimestamp: Date.now() + expiresInMs, ...extra });
    },
    answerNull: () => waiting.shift()?.resolve(null),
    fail: (error: unknown) => waiting.shift()?.reject(error),
  };
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Everything a log line could show of an error. */
const renderings = (error: unknown) => [
  (error as Error).message,
  String((error as Error).stack),
  JSON.stringify(error),
  inspect(error, { depth: 10, showHidden: true }),
];

describe("createTokenProvider", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test("asks the credential for the configured scopes and returns its token", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const token = tokens.getToken();
    c.answer("at-1");
    expect(await token).toBe("at-1");
    expect(c.getToken).toHaveBeenCalledWith([scope]);
  });

  test("reuses the cached token until the refresh margin before expiry", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope], refreshMarginMs: 5 * minute });
    const first = tokens.getToken();
    c.answer("at-1", 60 * minute);
    await first;

    vi.setSystemTime(start + 55 * minute - 1);
    expect(await tokens.getToken()).toBe("at-1");
    expect(c.getToken).toHaveBeenCalledTimes(1);

    vi.setSystemTime(start + 55 * minute);
    const second = tokens.getToken();
    c.answer("at-2");
    expect(await second).toBe("at-2");
    expect(c.getToken).toHaveBeenCalledTimes(2);
  });

  test("gives the cached token at once only while getToken would reuse it", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope], refreshMarginMs: 5 * minute });
    expect(tokens.usableToken()).toBeUndefined();
    const first = tokens.getToken();
    c.answer("at-1", 60 * minute);
    await first;
    expect(tokens.usableToken()).toBe("at-1");
    vi.setSystemTime(start + 55 * minute);
    expect(tokens.usableToken()).toBeUndefined();
    expect(c.getToken).toHaveBeenCalledTimes(1);
  });

  test("refreshes once refreshAfterTimestamp has passed, long before expiry", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const first = tokens.getToken();
    c.answer("at-1", 24 * 60 * minute, { refreshAfterTimestamp: start + 30 * minute });
    await first;

    vi.setSystemTime(start + 30 * minute - 1);
    expect(await tokens.getToken()).toBe("at-1");
    vi.setSystemTime(start + 30 * minute);
    const second = tokens.getToken();
    c.answer("at-2");
    expect(await second).toBe("at-2");
  });

  test("uses the injected clock instead of Date.now", async () => {
    const c = controlledCredential();
    let clock = start;
    const tokens = createTokenProvider(c.credential, { scopes: [scope], refreshMarginMs: 0, now: () => clock });
    const first = tokens.getToken();
    c.answer("at-1", 10 * minute);
    await first;
    clock = start + 10 * minute;
    const second = tokens.getToken();
    c.answer("at-2");
    expect(await second).toBe("at-2");
    expect(c.getToken).toHaveBeenCalledTimes(2);
  });

  test("calls the credential once for 1,000 concurrent getToken calls and gives all the same token", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const calls = Array.from({ length: 1000 }, () => tokens.getToken());
    c.answer("at-shared");
    const results = await Promise.all(calls);
    expect(c.getToken).toHaveBeenCalledTimes(1);
    expect(new Set(results)).toEqual(new Set(["at-shared"]));
  });

  test("does not cache a failure: the next call asks the credential again", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const failed = Promise.all([tokens.getToken(), tokens.getToken()]);
    c.fail(new Error("network down"));
    await expect(failed).rejects.toBeInstanceOf(AuthenticationError);
    expect(c.getToken).toHaveBeenCalledTimes(1);

    const retried = tokens.getToken();
    c.answer("at-1");
    expect(await retried).toBe("at-1");
    expect(c.getToken).toHaveBeenCalledTimes(2);
  });

  test("fetches a new token on forceRefresh even while the cached one is valid", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const first = tokens.getToken();
    c.answer("at-1");
    await first;

    const forced = tokens.getToken({ forceRefresh: true });
    c.answer("at-2");
    expect(await forced).toBe("at-2");
    expect(await tokens.getToken()).toBe("at-2");
    expect(c.getToken).toHaveBeenCalledTimes(2);
  });

  test("shares one credential call between concurrent forced refreshes", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const first = tokens.getToken();
    c.answer("at-1");
    await first;

    const forced = Array.from({ length: 50 }, () => tokens.getToken({ forceRefresh: true }));
    c.answer("at-2");
    expect(new Set(await Promise.all(forced))).toEqual(new Set(["at-2"]));
    expect(c.getToken).toHaveBeenCalledTimes(2);
  });

  test("never hands out a refused token again, even when the forced refresh fails", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const first = tokens.getToken();
    c.answer("at-refused");
    await first;

    const forced = tokens.getToken({ forceRefresh: true });
    c.fail(new Error("still down"));
    await expect(forced).rejects.toBeInstanceOf(AuthenticationError);
    const next = tokens.getToken();
    c.answer("at-2");
    expect(await next).toBe("at-2");
  });

  test("wraps a credential error in AuthenticationError that names the scopes and keeps the cause out of JSON", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const original = new TypeError("tenant not found");
    const result = tokens.getToken().catch((error: unknown) => error);
    c.fail(original);
    const error = (await result) as AuthenticationError;

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(`The credential could not provide a Partner Center token for scopes ${scope}: TypeError: tenant not found`);
    expect(error.cause).toBe(original);
    expect(Object.getOwnPropertyDescriptor(error, "cause")?.enumerable).toBe(false);
    expect(JSON.stringify(error)).not.toContain("tenant not found");
  });

  test("turns a null answer into AuthenticationError", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const result = tokens.getToken();
    c.answerNull();
    await expect(result).rejects.toThrow(/could not provide a Partner Center token for scopes .*: it returned no token/);
  });

  test("keeps secret-shaped values of a credential error out of the message, stack, JSON and inspect output", async () => {
    const jwt = fakeJwt({ canary: "JWT-CANARY" });
    const leaky = new Error(`POST failed: client_secret=SECRET-CANARY&refresh_token=RT-CANARY with Bearer ${jwt}`);
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const result = tokens.getToken().catch((error: unknown) => error);
    c.fail(leaky);
    const error = await result;

    expect((error as Error).message).toContain("POST failed: client_secret=[redacted]&refresh_token=[redacted] with Bearer [redacted]");
    expect((error as Error).cause).toBe(leaky);
    for (const text of renderings(error)) expect(text).not.toMatch(/CANARY|eyJ/);
  });

  test("redacts a thrown string before keeping it as the cause", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const result = tokens.getToken().catch((error: unknown) => error);
    c.fail("refresh_token=RT-CANARY rejected");
    const error = await result;
    expect((error as Error).cause).toBe("refresh_token=[redacted] rejected");
    for (const text of renderings(error)) expect(text).not.toContain("CANARY");
  });

  test("rejects with AbortedError without calling the credential when the signal is already aborted", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    await expect(tokens.getToken({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    expect(c.getToken).not.toHaveBeenCalled();
  });

  test("rejects only the aborted caller while the shared request completes for the others", async () => {
    const c = controlledCredential();
    const tokens = createTokenProvider(c.credential, { scopes: [scope] });
    const controller = new AbortController();
    const aborted = tokens.getToken({ signal: controller.signal });
    const patient = tokens.getToken();
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);

    c.answer("at-1");
    expect(await patient).toBe("at-1");
    expect(await tokens.getToken({ signal: controller.signal }).catch((error: unknown) => error)).toBeInstanceOf(AbortedError);
    expect(await tokens.getToken()).toBe("at-1");
    expect(c.getToken).toHaveBeenCalledTimes(1);
  });
});

describe("redactSecrets", () => {
  const jwt = fakeJwt({ sub: "x" });
  test.each([
    ["a JWT", `token ${jwt} refused`, "token [redacted] refused"],
    ["a Bearer credential", "Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"],
    ["a form field", "client_id=app&client_secret=s3cr3t~x&scope=a", "client_id=app&client_secret=[redacted]&scope=a"],
    ["a JSON member", '{"refresh_token":"0.AAA-rt","expires_in":3600}', '{"refresh_token":"[redacted]","expires_in":3600}'],
    ["a query parameter", "https://x.test/cb?access_token=abc&state=1", "https://x.test/cb?access_token=[redacted]&state=1"],
    ["a named exact secret", "grant 0.AXYZopaque refused", "grant [redacted] refused"],
    [
      "nothing secret",
      "AADSTS700082: The refresh token has expired due to inactivity.",
      "AADSTS700082: The refresh token has expired due to inactivity.",
    ],
  ])("removes %s", (_, text, expected) => {
    expect(redactSecrets(text, ["0.AXYZopaque"])).toBe(expected);
  });
});

describe("RefreshTokenCredential", () => {
  let endpoint: FakeTokenEndpoint;
  const canary = "CANARY-7f3a";
  const tenantId = "partner.onmicrosoft.com";
  const clientSecret = `client-secret-${canary}`;
  const refreshToken = `0.refresh-token-${canary}`;

  beforeAll(async () => {
    endpoint = await startFakeTokenEndpoint(["login.microsoftonline.com"]);
  });
  afterAll(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    endpoint.requests.length = 0;
    endpoint.strayUrls.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    // Whatever msal did, it may only ever have asked the fake authority.
    expect(endpoint.strayUrls).toEqual([]);
  });

  function credential(options: Partial<RefreshTokenCredentialOptions> = {}): RefreshTokenCredential {
    return new RefreshTokenCredential({
      tenantId,
      clientId: "app-client-id",
      clientSecret,
      refreshToken,
      authorityHost: endpoint.authorityHost,
      fetch: endpoint.fetch,
      ...options,
    });
  }

  test("posts a refresh-token grant with the client id, secret, refresh token and scope, and nothing else", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(start);
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at-1", expiresIn: 3600 }));

    const token = await credential().getToken([scope]);

    expect(token).toEqual({ token: "at-1", expiresOnTimestamp: start + 3_600_000, tokenType: "Bearer" });
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toMatch(new RegExp(`^/${tenantId}/oauth2/v2.0/token`));
    expect(request?.form.get("grant_type")).toBe("refresh_token");
    expect(request?.form.get("client_id")).toBe("app-client-id");
    expect(request?.form.get("client_secret")).toBe(clientSecret);
    expect(request?.form.get("refresh_token")).toBe(refreshToken);
    expect(request?.form.get("scope")?.split(" ")).toContain(scope);
  });

  test("makes no discovery request even for the default login.microsoftonline.com authority", async () => {
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at-1" }));
    await credential({ authorityHost: undefined }).getToken(scope);
    expect(endpoint.requests.map((request) => `${request.method} ${request.path.split("?")[0]}`)).toEqual([
      `POST /${tenantId}/oauth2/v2.0/token`,
    ]);
  });

  test("hands a rotated refresh token to onRefreshTokenRotated and redeems it next time", async () => {
    const rotated: string[] = [];
    const tokens = credential({ onRefreshTokenRotated: async (token) => void rotated.push(token) });
    endpoint.answerWith(({ form }) => tokenAnswer({ accessToken: "at", refreshToken: `rotated-after-${form.get("refresh_token")}` }));

    await tokens.getToken(scope);
    await tokens.getToken(scope);

    expect(endpoint.requests.map((request) => request.form.get("refresh_token"))).toEqual([refreshToken, `rotated-after-${refreshToken}`]);
    expect(rotated).toEqual([`rotated-after-${refreshToken}`, `rotated-after-rotated-after-${refreshToken}`]);
  });

  test("does not call onRefreshTokenRotated when the answer repeats the refresh token or has none", async () => {
    const onRefreshTokenRotated = vi.fn();
    const tokens = credential({ onRefreshTokenRotated });
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at", refreshToken }));
    await tokens.getToken(scope);
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at" }));
    await tokens.getToken(scope);
    expect(onRefreshTokenRotated).not.toHaveBeenCalled();
    expect(endpoint.requests.map((request) => request.form.get("refresh_token"))).toEqual([refreshToken, refreshToken]);
  });

  test("redeems one refresh token at a time so concurrent calls present the newest one", async () => {
    const tokens = credential();
    let n = 0;
    endpoint.answerWith(() => tokenAnswer({ accessToken: `at-${++n}`, refreshToken: `rt-${n}` }));
    const results = await Promise.all([tokens.getToken(scope), tokens.getToken(scope), tokens.getToken(scope)]);
    expect(results.map((result) => result.token)).toEqual(["at-1", "at-2", "at-3"]);
    expect(endpoint.requests.map((request) => request.form.get("refresh_token"))).toEqual([refreshToken, "rt-1", "rt-2"]);
  });

  test("turns invalid_grant into AuthenticationError with no secret in message, stack, JSON or inspect output", async () => {
    const accessTokenCanary = fakeJwt({ canary });
    // A worst case: the endpoint echoes what it was sent, plus a token.
    endpoint.answerWith(({ form }) =>
      oauthErrorAnswer(
        "invalid_grant",
        `AADSTS70000: The grant is invalid. Got ${form.get("refresh_token")} from ${form.get("client_secret")}; ${accessTokenCanary}`,
      ),
    );

    const error = await credential()
      .getToken(scope)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthenticationError);
    const { message, cause } = error as Error;
    expect(message).toMatch(
      /^RefreshTokenCredential \(tenant partner\.onmicrosoft\.com, client app-client-id\) could not redeem the refresh token: ServerError: invalid_grant: /,
    );
    expect(message).toContain("AADSTS70000: The grant is invalid. Got [redacted] from [redacted]; [redacted]");
    expect(message).toContain("Correlation ID: 22222222-2222-4222-8222-222222222222");
    expect(cause).toBeInstanceOf(AuthError);
    expect((cause as AuthError).errorCode).toBe("invalid_grant");
    for (const text of renderings(error)) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain("eyJ");
    }
  });

  test("fails with AuthenticationError when onRefreshTokenRotated throws, and keeps using the new token", async () => {
    const tokens = credential({
      onRefreshTokenRotated: () => {
        throw new Error("vault unavailable");
      },
    });
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at", refreshToken: `rt-next-${canary}` }));
    const error = await tokens.getToken(scope).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("onRefreshTokenRotated failed: Error: vault unavailable");
    for (const text of renderings(error)) expect(text).not.toContain(canary);

    endpoint.answerWith(() => tokenAnswer({ accessToken: "at-2" }));
    await tokens.getToken(scope);
    expect(endpoint.requests.at(-1)?.form.get("refresh_token")).toBe(`rt-next-${canary}`);
  });

  test("keeps the client secret and refresh token out of JSON.stringify and util.inspect", () => {
    const tokens = credential();
    expect(JSON.parse(JSON.stringify(tokens))).toEqual({ tenantId, clientId: "app-client-id", authorityHost: endpoint.authorityHost });
    expect(inspect(tokens, { depth: 10, showHidden: true })).not.toContain(canary);
    expect(Object.values(tokens).join(" ")).not.toContain(canary);
  });

  test("refuses empty or unsafe settings with InvalidInputError naming the setting", () => {
    expect(() => credential({ clientSecret: "", refreshToken: " " })).toThrow(InvalidInputError);
    expect(() => credential({ clientSecret: "" })).toThrow(/clientSecret is empty/);
    expect(() => credential({ authorityHost: "http://127.0.0.1:1" })).toThrow(/authorityHost must be an https URL/);
    expect(() => credential({ tenantId: "../common" })).toThrow(/tenantId must be a GUID or a domain name/);
  });

  test("serves 1,000 concurrent provider calls with one token request", async () => {
    endpoint.answerWith(() => tokenAnswer({ accessToken: "at-shared", refreshToken: "rt-2" }));
    const tokens = createTokenProvider(credential(), { scopes: [scope] });
    const results = await Promise.all(Array.from({ length: 1000 }, () => tokens.getToken()));
    expect(new Set(results)).toEqual(new Set(["at-shared"]));
    expect(endpoint.requests).toHaveLength(1);
  });

  test("rejects with AbortedError before redeeming when the signal is already aborted", async () => {
    await expect(credential().getToken(scope, { abortSignal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
    await flush();
    expect(endpoint.requests).toHaveLength(0);
  });
});
