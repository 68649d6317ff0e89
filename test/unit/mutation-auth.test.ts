import { getEventListeners } from "node:events";
import { describe, expect, test, vi } from "vitest";
import { createTokenProvider } from "../../src/auth.js";
import { AbortedError, AuthenticationError } from "../../src/errors.js";

/** The token provider's default refresh margin and the messages of its failures. */
const scopes = ["https://api.partnercenter.microsoft.com/.default"];
const NOW = 1_000_000_000;

function provider(expiresInMs: number) {
  let n = 0;
  const getToken = vi.fn(async () => ({ token: `token-${++n}`, expiresOnTimestamp: NOW + expiresInMs }));
  return { tokens: createTokenProvider({ getToken }, { scopes, now: () => NOW }), getToken };
}

describe("the default refresh margin of five minutes", () => {
  test("a token with six minutes left is reused", async () => {
    const { tokens, getToken } = provider(6 * 60_000);
    expect(await tokens.getToken()).toBe("token-1");
    expect(await tokens.getToken()).toBe("token-1");
    expect(getToken).toHaveBeenCalledOnce();
  });

  test("a token with four minutes left is fetched again", async () => {
    const { tokens, getToken } = provider(4 * 60_000);
    expect(await tokens.getToken()).toBe("token-1");
    expect(await tokens.getToken()).toBe("token-2");
    expect(getToken).toHaveBeenCalledTimes(2);
  });
});

describe("failures", () => {
  test("a credential's failure names the scopes asked for", async () => {
    const tokens = createTokenProvider(
      { getToken: async () => Promise.reject(new Error("AADSTS700016")) },
      { scopes: ["a/.default", "b"] },
    );
    const error = await tokens.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe(
      "The credential could not provide a Partner Center token for scopes a/.default b: Error: AADSTS700016",
    );
  });

  test("an abort while waiting names what was aborted and keeps the reason", async () => {
    const tokens = createTokenProvider({ getToken: () => new Promise(() => undefined) }, { scopes });
    const controller = new AbortController();
    const reason = new Error("user pressed stop");
    const pending = tokens.getToken({ signal: controller.signal });
    controller.abort(reason);
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toBe("Getting a Partner Center token was aborted");
    expect((error as Error).cause).toBe(reason);
  });

  test("a wait that ends leaves no listener on the caller's signal", async () => {
    const { tokens } = provider(60 * 60_000);
    const { signal } = new AbortController();
    expect(await tokens.getToken({ forceRefresh: true, signal })).toBe("token-1");
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });
});
