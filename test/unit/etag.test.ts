import { describe, expect, test } from "vitest";
import { etagOf, ifMatchValue } from "../../src/etag.js";

describe("ifMatchValue", () => {
  test.each([
    ["abc", '"abc"'],
    ['"abc"', '"abc"'],
    ['W/"abc"', 'W/"abc"'],
    [" abc ", '" abc "'],
    ["MjAyMS0wMS0xNFQ=", '"MjAyMS0wMS0xNFQ="'],
  ])("quotes %j once as %j", (etag, expected) => {
    expect(ifMatchValue(etag)).toBe(expected);
  });
});

describe("etagOf", () => {
  test("returns the etag from attributes, and nothing for an empty or missing one", () => {
    expect(etagOf({ attributes: { etag: "e1" } })).toBe("e1");
    expect(etagOf({ attributes: { etag: "" } })).toBeUndefined();
    expect(etagOf({ attributes: null })).toBeUndefined();
    expect(etagOf({})).toBeUndefined();
  });
});
