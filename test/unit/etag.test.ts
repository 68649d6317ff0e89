import { describe, expect, test } from "vitest";
import { etagOf, ifMatchValue } from "../../src/etag.js";

// The rule: an etag already written as an entity-tag (RFC 9110: an optional W/, then a value between two double
// quotes) goes out as it is; anything else, a value with a quote at one end only included, is put in quotes.
describe("ifMatchValue", () => {
  test.each([
    ["abc", '"abc"'],
    ['"abc"', '"abc"'],
    ['W/"abc"', 'W/"abc"'],
    [" abc ", '" abc "'],
    ["MjAyMS0wMS0xNFQ=", '"MjAyMS0wMS0xNFQ="'],
    ['""', '""'],
    ['"abc', '""abc"'],
    ['abc"', '"abc""'],
    ['"', '"""'],
    ['W/"abc', '"W/"abc"'],
    ["W/abc", '"W/abc"'],
    ['w/"abc"', '"w/"abc""'],
    ['"a"b', '""a"b"'],
    ['x"abc"', '"x"abc""'],
  ])("quotes %j once as %j", (etag, expected) => {
    expect(ifMatchValue(etag)).toBe(expected);
  });
});

describe("etagOf", () => {
  test("returns the etag from attributes, and nothing for an empty or missing one", () => {
    expect(etagOf({ attributes: { etag: "e1" } })).toBe("e1");
    expect(etagOf({ attributes: { etag: "" } })).toBeUndefined();
    expect(etagOf({ attributes: { etag: " \t" } })).toBeUndefined();
    expect(etagOf({ attributes: { etag: 42 } })).toBeUndefined();
    expect(etagOf({ attributes: null })).toBeUndefined();
    expect(etagOf({})).toBeUndefined();
  });
});
