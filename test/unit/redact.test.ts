import { describe, expect, test } from "vitest";
import { redactSecrets, scrubError } from "../../src/redact.js";

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
