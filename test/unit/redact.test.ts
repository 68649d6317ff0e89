import { describe, expect, test } from "vitest";
import { cutTokens, redactSecrets, scrubError, withoutTokensInHeaders } from "../../src/redact.js";

// Each expected text is written out by hand from the redaction rule (redact.ts): a Basic credential is a base64
// "user:password" (RFC 7617), and a client assertion is a signed JWT or any opaque value under that name.
const basic = Buffer.from("app-id:s3cret-pass").toString("base64");

describe("redactSecrets: credential shapes", () => {
  test.each([
    ["a Basic credential in a header", `Authorization: Basic ${basic}`, "Authorization: Basic [redacted]"],
    ["a Basic credential in prose, any case", `sent basic ${basic} to the proxy`, "sent basic [redacted] to the proxy"],
    [
      "a client_assertion form field",
      "client_id=app&client_assertion=abc.def.ghi&grant_type=x",
      "client_id=app&client_assertion=[redacted]&grant_type=x",
    ],
    ["a client_assertion JSON member", '{"client_assertion": "opaque-assertion-value"}', '{"client_assertion": "[redacted]"}'],
    [
      "a client_assertion query parameter",
      "https://login.test/token?client_assertion=zzz&x=1",
      "https://login.test/token?client_assertion=[redacted]&x=1",
    ],
  ])("removes %s", (_, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  test.each([
    ["a product name", "Microsoft 365 Business Basic is not eligible"],
    ["words after Bearer", "the Bearer token expired"],
  ])("keeps %s", (_, text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  test("a cause holding a client assertion under its own name loses its value", () => {
    const cause = Object.assign(new Error("token request failed"), { clientAssertion: "opaque", body: "client_assertion=opaque2" });
    scrubError(cause);
    expect(cause).toMatchObject({ clientAssertion: "[redacted]", body: "client_assertion=[redacted]" });
  });
});

describe("redaction edges", () => {
  test.each([
    ["a credential after several spaces", "Authorization: Bearer   abc123", "Authorization: Bearer [redacted]"],
    ["a long credential of letters only", "Bearer abcdefghijklmnopqrstuvwxyz", "Bearer [redacted]"],
  ])("removes %s", (_, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  test("an empty named secret changes nothing", () => {
    expect(redactSecrets("abc", [""])).toBe("abc");
  });

  test("values under a secret's name, in any of its spellings, are cut; other names are kept", () => {
    const spellings = [
      "client-secret",
      "clientSecret",
      "refresh-token",
      "refreshtoken",
      "accessToken",
      "id_token",
      "idtoken",
      "client-assertion",
    ];
    const kept = { notpassword: "keep", passwordHint: "keep", clientsecretish: "keep", body: "plain words" };
    const holder = Object.assign(Object.fromEntries(spellings.map((key) => [key, "v"])), kept);
    scrubError(holder);
    expect(holder).toEqual({ ...Object.fromEntries(spellings.map((key) => [key, "[redacted]"])), ...kept });
  });

  test("causes are walked four levels deep, cycles included, and objects that are not plain data are left alone", () => {
    const deepest = { password: "p4" };
    const error = new Error("top", { cause: { a: { b: { c: deepest } } } });
    const socket = new (class Socket {
      password = "stays";
    })();
    Object.assign(error, { self: error, socket });
    scrubError(error);
    expect(deepest.password).toBe("[redacted]");
    expect(socket.password).toBe("stays");
    const tooDeep = { password: "p5" };
    scrubError({ a: { b: { c: { d: { e: tooDeep } } } } });
    expect(tooDeep.password).toBe("p5");
  });
});

describe("cutting the tokens a call sent", () => {
  const token = "tok-0123456789";
  test("headers without a token come back as they are; with one, as a copy without it", () => {
    const clean = new Headers({ a: "1" });
    expect(withoutTokensInHeaders(clean, new Set([token]))).toBe(clean);
    expect(withoutTokensInHeaders(clean, new Set())).toBe(clean);
    const quoting = new Headers({ a: "1", b: `x ${token}` });
    const cut = withoutTokensInHeaders(quoting, new Set([token]));
    expect([...cut]).toEqual([
      ["a", "1"],
      ["b", "x [redacted]"],
    ]);
  });

  test("a JSON text with escapes but no token is returned as it came, and one spelling the token with escapes is cut", () => {
    const text = '{ "a": "\\u0041", "b": "x\\/y" }';
    expect(cutTokens(text, new Set([token]))).toBe(text);
    expect(cutTokens("plain \\ text", new Set([token]))).toBe("plain \\ text");
    const escaped = JSON.stringify({ m: token }).replace("t", "\\u0074");
    expect(cutTokens(escaped, new Set([token]))).toBe('{"m":"[redacted]"}');
    expect(cutTokens(`a ${token}`, new Set())).toBe(`a ${token}`);
  });
});
