import { describe, expect, test } from "vitest";
import { cutTokens, redactSecrets, scrubError } from "../../src/redact.js";

/** The redaction rule's edges, by example: what is hidden, and the look-alikes that keep their words. */
describe("Bearer and Basic credentials", () => {
  test.each([
    ["Authorization: Bearer   abc.def1", "Authorization: Bearer [redacted]"],
    ["Bearer\tabc.def1 was refused", "Bearer [redacted] was refused"],
    ["Basic abcdefghijklmnopqrstuvwxyz", "Basic [redacted]"],
    ["bearer ABCDEFGHIJKLMNOPQRST!", "bearer [redacted]!"],
  ])("%j is hidden", (text, redacted) => {
    expect(redactSecrets(text)).toBe(redacted);
  });

  test.each(["Bearer token expired", "Business Basic subscriptions", "Basic abcdefghijklmnopqrs"])("%j keeps its words", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("a string under a secret's name", () => {
  test.each([
    "clientSecret",
    "client_secret",
    "client-secret",
    "refreshToken",
    "refresh_token",
    "accessToken",
    "access-token",
    "idToken",
    "id_token",
    "clientAssertion",
    "client_assertion",
    "PASSWORD",
    "Authorization",
  ])("%s is hidden, whatever it looks like", (key) => {
    const error = Object.assign(new Error("sign-in failed"), { details: { [key]: "plain" } });
    expect(scrubError(error).details).toEqual({ [key]: "[redacted]" });
  });

  test.each(["client_secret_expires_at", "requires_authorization", "secret", "token_type"])(
    "%s, which only holds such a name, is kept",
    (key) => {
      const error = Object.assign(new Error("sign-in failed"), { details: { [key]: "plain" } });
      expect(scrubError(error).details).toEqual({ [key]: "plain" });
    },
  );

  test("other strings are kept unless they are secret-shaped", () => {
    const error = Object.assign(new Error("invalid_grant for Bearer abc.def1"), { code: "invalid_grant", missing: undefined, count: 2 });
    scrubError(error);
    expect(error.message).toBe("invalid_grant for Bearer [redacted]");
    expect(error.code).toBe("invalid_grant");
    expect(error.missing).toBeUndefined();
    expect(error.count).toBe(2);
  });
});

describe("a value under a secret's name that is not a string", () => {
  test("is walked, not replaced: its shape stays", () => {
    const error = Object.assign(new Error("sign-in failed"), {
      details: { password: null, authorization: { scheme: "Bearer", parameter: "Bearer abc.def1" } },
    });
    expect(scrubError(error).details).toEqual({ password: null, authorization: { scheme: "Bearer", parameter: "Bearer [redacted]" } });
  });
});

describe("cutting a call's tokens out of an answer", () => {
  const tokens = new Set(["token-value-long"]);

  test("the answer keeps its layout when it holds no escapes", () => {
    expect(cutTokens('{ "seen": "token-value-long" }', tokens)).toBe('{ "seen": "[redacted]" }');
  });

  test("a token spelled with JSON escapes is found in the decoded strings", () => {
    expect(cutTokens('{ "seen": "\\u0074oken-value-long" }', tokens)).toBe('{"seen":"[redacted]"}');
    expect(cutTokens('{ "path": "a\\/b" }', tokens)).toBe('{ "path": "a\\/b" }');
  });

  test("an answer with other escapes only keeps its layout", () => {
    expect(cutTokens('{ "seen": "line\\ntoken-value-long" }', tokens)).toBe('{ "seen": "line\\n[redacted]" }');
  });
});
