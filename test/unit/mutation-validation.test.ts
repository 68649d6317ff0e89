import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidInputError } from "../../src/errors.js";
import {
  abortSignal,
  describeIssues,
  guid,
  headerSafe,
  headerText,
  identifier,
  isJsonSafe,
  positiveInteger,
  userId,
  validate,
} from "../../src/validation.js";

/**
 * The input rules one by one, each with the problem line the caller reads: every refusal names the argument and
 * says what is wrong with it in words, so a rule that stops refusing, or refuses with an empty or generic message,
 * fails here.
 */
function problems(schema: z.ZodType, value: unknown): readonly string[] {
  try {
    validate("probe", { arg: schema }, { arg: value });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).problems;
  }
  return [];
}

const GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

describe("guid", () => {
  it.each([
    [42, "arg must be a string"],
    ["not-a-guid", "arg must be a GUID"],
    [`x${GUID}`, "arg must be a GUID"],
    [`${GUID}x`, "arg must be a GUID"],
    [` ${GUID}`, "arg must be a GUID"],
  ])("refuses %j", (value, line) => {
    expect(problems(guid, value)).toEqual([line]);
  });

  it("takes a GUID in either case", () => {
    expect(problems(guid, GUID)).toEqual([]);
    expect(problems(guid, GUID.toUpperCase())).toEqual([]);
  });
});

describe("userId", () => {
  it.each([
    [7, "arg must be a string"],
    ["", "arg must not be empty"],
    ["a\nb", "arg must not contain control characters"],
    ["a\u007f", "arg must not contain control characters"],
    [" user@contoso.com", "arg must not start or end with white space (it would be sent as written)"],
    ["user\uD800@contoso.com", "arg must not contain a lone surrogate (malformed Unicode)"],
    [".", "arg must not be '.' or '..'"],
    ["..", "arg must not be '.' or '..'"],
  ])("refuses %j", (value, line) => {
    expect(problems(userId, value)).toEqual([line]);
  });

  it("takes 1024 characters and refuses 1025", () => {
    expect(problems(userId, "a".repeat(1024))).toEqual([]);
    expect(problems(userId, "a".repeat(1025))).toEqual(["arg must be at most 1024 characters"]);
  });

  it.each(["...", ".a", "user@contoso.com", "😀@contoso.com"])("takes %j", (value) => {
    expect(problems(userId, value)).toEqual([]);
  });
});

describe("identifier", () => {
  it.each([
    [null, "arg must be a string"],
    ["", "arg must not be empty"],
    ["sku\u0007", "arg must not contain control characters"],
    ["sku ", "arg must not start or end with white space (it would be sent as written)"],
    ["\uDC00", "arg must not contain a lone surrogate (malformed Unicode)"],
  ])("refuses %j", (value, line) => {
    expect(problems(identifier, value)).toEqual([line]);
  });
});

describe("headerText", () => {
  it.each([
    [1, "arg must be a string"],
    ["", "arg must not be empty"],
    ["app\r\nX-Evil: 1", "arg must not contain control characters"],
    ["Caf€", "arg must not contain characters beyond U+00FF (it is sent in an HTTP header)"],
  ])("refuses %j", (value, line) => {
    expect(problems(headerText, value)).toEqual([line]);
  });

  it("takes Latin-1 text, which a header can carry", () => {
    expect(problems(headerText, "Café ÿ")).toEqual([]);
  });
});

describe("positiveInteger", () => {
  it.each([
    ["1", "arg must be a number"],
    [1.5, "arg must be a whole number"],
    [0, "arg must be positive"],
    [-3, "arg must be positive"],
  ])("refuses %j", (value, line) => {
    expect(problems(positiveInteger, value)).toEqual([line]);
  });
});

describe("abortSignal", () => {
  it("refuses what is not an AbortSignal", () => {
    expect(problems(abortSignal, { aborted: false })).toEqual(["arg must be an AbortSignal"]);
    expect(problems(abortSignal, new AbortController().signal)).toEqual([]);
  });
});

describe("headerSafe", () => {
  const etag = headerSafe("pass the etag the service returned");
  it.each([
    [5, "arg must be a string"],
    ["", "arg must not be empty; pass the etag the service returned"],
    ["   ", "arg must not be blank; pass the etag the service returned"],
    ["a\tb", "arg must be printable ASCII (it is sent in a header)"],
    ['é"abc"', "arg must be printable ASCII (it is sent in a header)"],
    ['"abc"é', "arg must be printable ASCII (it is sent in a header)"],
  ])("refuses %j", (value, line) => {
    // The empty value breaks the later rules too; every problem is listed.
    expect(problems(etag, value)).toContain(line);
  });

  it("takes printable ASCII with inner spaces", () => {
    expect(problems(etag, 'W/"a b"')).toEqual([]);
  });
});

describe("isJsonSafe", () => {
  it("is false for what JSON cannot carry and true for plain data", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(isJsonSafe({ n: 1n })).toBe(false);
    expect(isJsonSafe(cycle)).toBe(false);
    expect(isJsonSafe({ a: [1, "b", null] })).toBe(true);
  });
});

describe("describeIssues", () => {
  it("names the whole input when an issue has no path", () => {
    expect(describeIssues([{ code: "custom", path: [], message: "is wrong", input: 1 }])).toEqual(["input is wrong"]);
    expect(describeIssues([{ code: "custom", path: ["a", 0, "b"], message: "is wrong", input: 1 }])).toEqual(["a[0].b is wrong"]);
  });
});

describe("validate with a changed shape under the same operation name", () => {
  // Each operation's object schema is kept for reuse; a different shape must never be checked by the old one.
  it("checks an added argument", () => {
    expect(validate("shape-grows", { a: guid }, { a: GUID })).toEqual({ a: GUID });
    expect(() => validate("shape-grows", { a: guid, b: guid }, { a: GUID, b: "nope" })).toThrow("b must be a GUID");
  });

  it("checks a dropped argument no more", () => {
    expect(() => validate("shape-shrinks", { a: guid, b: guid }, { a: GUID, b: "nope" })).toThrow(InvalidInputError);
    expect(validate("shape-shrinks", { a: guid }, { a: GUID, b: "nope" } as { a: unknown })).toEqual({ a: GUID });
  });

  it("checks an argument whose schema changed", () => {
    expect(() => validate("shape-swaps", { a: guid, b: guid }, { a: GUID, b: "user@contoso.com" })).toThrow(InvalidInputError);
    expect(validate("shape-swaps", { a: guid, b: userId }, { a: GUID, b: "user@contoso.com" })).toEqual({
      a: GUID,
      b: "user@contoso.com",
    });
  });

  it("checks a renamed argument", () => {
    expect(validate("shape-renames", { a: guid }, { a: GUID })).toEqual({ a: GUID });
    expect(() => validate("shape-renames", { b: guid }, { b: "nope" })).toThrow("b must be a GUID");
  });

  it("reuses nothing across operations", () => {
    expect(validate("op-one", { a: z.string() }, { a: "x" })).toEqual({ a: "x" });
    expect(() => validate("op-two", { a: guid }, { a: "x" })).toThrow("op-two was not sent: a must be a GUID");
  });
});
