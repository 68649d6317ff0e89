import { describe, expect, test } from "vitest";
import { attachResponseMeta, errorFromResponse, getResponseMeta } from "../../src/response.js";

/** Results that cannot carry a note, and the title of a proxy's HTML page. */
describe("attachResponseMeta", () => {
  const meta = { status: 202, requestId: "r-1", correlationId: "c-1" };

  test.each([undefined, null, "accepted", 0, true])("returns %j as it is", (result) => {
    expect(attachResponseMeta(result, meta)).toBe(result);
  });

  test("an object keeps its meta without a new property", () => {
    const result = { id: "s-1" };
    expect(attachResponseMeta(result, meta)).toBe(result);
    expect(getResponseMeta(result)).toEqual(meta);
    expect(Object.keys(result)).toEqual(["id"]);
  });
});

describe("an HTML error page", () => {
  test("is described by its title, attributes or not", () => {
    const page = '<!DOCTYPE html><html><head><title lang="en"> Gateway Timeout </title></head></html>';
    const error = errorFromResponse("subscriptions.get", new Response(page, { status: 504 }), page);
    expect(error.description).toBe('the error body was an HTML page ("Gateway Timeout")');
  });
});
