import { describe, expect, test } from "vitest";
import { errorFromResponse } from "../../src/response.js";

// What an error says about the body of a failed answer, each expected value written from the rule: a service
// fault gives its code, words (description, or a 429's message), string data and source; anything else is named
// for what it was, without quoting it (an HTML page gives only its title, cut to 120 characters).
const errorFor = (body: unknown, headers: Record<string, string> = {}, status = 400) =>
  errorFromResponse("licenses.assign", new Response(null, { status, headers }), body);

describe("the body of a failed answer", () => {
  test.each([
    ["an empty text", "", "the error body was empty"],
    ["blank text", " \n ", "the error body was empty"],
    ["no body", undefined, "the error body was empty"],
    ["null", null, "the error body was empty"],
    ["a JSON array", [{ code: 1 }], "the error body was not a service fault"],
    ["a JSON number", 42, "the error body was not a service fault"],
    ["text that is not JSON", "{bad", "the error body was not valid JSON (4 characters)"],
    ["an HTML page", "<html><head><title> 502 Bad Gateway </title></head></html>", 'the error body was an HTML page ("502 Bad Gateway")'],
    ["an HTML page, any case, doctype first", "<!DOCTYPE html><TITLE>Down</TITLE>", 'the error body was an HTML page ("Down")'],
    ["an HTML page without a title", "  <html><body>x</body></html>", "the error body was an HTML page"],
    ["an HTML page with an empty title", "<html><title> </title></html>", "the error body was an HTML page"],
  ])("%s is described, not quoted", (_, body, description) => {
    const error = errorFor(body);
    expect(error.description).toBe(description);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(`licenses.assign failed with HTTP 400: ${description}`);
  });

  test("an HTML page's title is cut to 120 characters", () => {
    const error = errorFor(`<html><title>${"t".repeat(130)}</title></html>`);
    expect(error.description).toBe(`the error body was an HTML page ("${"t".repeat(120)}")`);
  });

  test("text that is only HTML-like is not JSON", () => {
    expect(errorFor("x <html>").description).toBe("the error body was not valid JSON (8 characters)");
  });

  // The service's data items are strings or objects ("a list of error objects"): each is kept as it came.
  test("a fault gives its code, words, data as it came and source", () => {
    const error = errorFor({
      code: "60012",
      description: "out of licenses",
      data: ["a", 1, null, { skuId: "s" }, "b"],
      source: "PartnerFD",
    });
    expect(error).toMatchObject({
      code: "60012",
      description: "out of licenses",
      data: ["a", 1, null, { skuId: "s" }, "b"],
      source: "PartnerFD",
    });
    expect(error.message).toBe("licenses.assign failed with HTTP 400 code 60012: out of licenses");
  });

  test("a 429's message stands in for a missing or blank description", () => {
    expect(errorFor({ statusCode: 429, message: "Rate limit is exceeded" }, {}, 429).description).toBe("Rate limit is exceeded");
    expect(errorFor({ description: "  ", message: "m" }).description).toBe("m");
    expect(errorFor({ description: "d", message: "m" }).description).toBe("d");
  });

  test("a fault without usable fields gives none of them", () => {
    const error = errorFor({ code: { nested: 1 }, description: 7, data: "not a list", source: " " });
    expect(error.code).toBeUndefined();
    expect(error.description).toBeUndefined();
    expect(error.data).toEqual([]);
    expect(error.source).toBeUndefined();
    expect(error.message).toBe("licenses.assign failed with HTTP 400");
  });

  test("Retry-After is read into retryAfterMs, and its absence leaves it unset", () => {
    expect(errorFor({}, { "Retry-After": "5" }, 429).retryAfterMs).toBe(5000);
    expect(errorFor({}, {}, 429).retryAfterMs).toBeUndefined();
  });

  test("the echoed ids come from the answer, else from what was sent", () => {
    const sent = { requestId: "sent-r", correlationId: "sent-c" };
    const echoed = errorFromResponse("x", new Response(null, { status: 400, headers: { "MS-RequestId": "echo-r" } }), {}, sent);
    expect(echoed).toMatchObject({ requestId: "echo-r", correlationId: "sent-c" });
  });
});
