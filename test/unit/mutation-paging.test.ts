import { describe, expect, test } from "vitest";
import { UnexpectedResponseError } from "../../src/index.js";
import { nextPage } from "../../src/paging.js";
import { fakeServiceClient } from "../helpers.js";

/** The forms of a next link against bases with and without a version, the link's token header, and loops from a token. */
const API = "https://api.partnercenter.microsoft.com/v1";
const follow = (baseUrl: string, uri: string) => nextPage(baseUrl, uri, [], "customers.list").path;

describe("a next link's form", () => {
  test.each([
    // Rooted without the version: a later segment that looks like one is not the version.
    [API, "/customers/v2/subscriptions?seek=2", "/customers/v2/subscriptions?seek=2"],
    // A base whose path does not end in a version (a proxy): the default version the link starts with is dropped.
    ["https://proxy.example/v2/mock", "/v1/customers?seek=2", "/customers?seek=2"],
    // A version of two digits, as the base's.
    ["https://proxy.example/v10", "/v10/customers?seek=2", "/customers?seek=2"],
    // A base with no path: a link under another version than the default keeps it.
    ["https://proxy.example", "/v2/customers?seek=2", "/v2/customers?seek=2"],
    ["https://proxy.example", "/v1/customers?seek=2", "/customers?seek=2"],
  ])("under %s, %s is read as %s", (baseUrl, uri, path) => {
    expect(follow(baseUrl, uri)).toBe(path);
  });

  test.each([
    ["a version of two digits other than the base's", "/v12/customers?seek=2"],
    ["the root of another version", "/v2"],
    ["the root of the base's own version, which is no list", "/v1"],
  ])("refuses a link to %s (%s)", (_, uri) => {
    expect(() => follow(API, uri)).toThrow(UnexpectedResponseError);
    expect(() => follow(API, uri)).toThrow("the next-page link points outside https://api.partnercenter.microsoft.com/v1");
  });
});

describe("a next link's continuation token", () => {
  test("a token header with no value carries no token, and does not cancel one given before it", () => {
    const headers = [
      { key: "MS-ContinuationToken", value: "token-2" },
      { key: "MS-ContinuationToken", value: null },
    ];
    expect(nextPage(API, "/customers?seek=2", headers, "customers.list").continuationToken).toBe("token-2");
  });

  test("a link with no headers carries no token", () => {
    expect(nextPage(API, "/customers?seek=2", undefined, "customers.list")).toEqual({
      path: "/customers?seek=2",
      continuationToken: undefined,
    });
  });
});

describe("a walk's loops", () => {
  const answer = (next?: { uri: string; headers?: Array<{ key: string; value: string }> }) =>
    new Response(
      JSON.stringify({
        totalCount: 1,
        items: [{ id: "c-1" }],
        attributes: { objectType: "Collection" },
        ...(next && { links: { next: { method: "GET", headers: [], ...next } } }),
      }),
    );

  test("a walk resumed from a token stops when the service links back to the page the token named", async () => {
    const { pc, requests } = fakeServiceClient(() =>
      answer({ uri: "/customers?seek=2", headers: [{ key: "MS-ContinuationToken", value: "t" }] }),
    );
    const continuationToken = Buffer.from(JSON.stringify(["/customers?seek=2", "t"])).toString("base64url");
    const pages = pc.customers.list().byPage({ continuationToken });
    expect((await pages.next()).value).toHaveLength(1);
    await expect(pages.next()).rejects.toThrow("the service sent a next link it had sent before; it was not read again");
    expect(requests).toHaveLength(1);
  });

  test("an empty continuation token names the same page as none", async () => {
    const links = [{ uri: "/customers?seek=2" }, { uri: "/customers?seek=2", headers: [{ key: "MS-ContinuationToken", value: "" }] }];
    const { pc, requests } = fakeServiceClient((_, sent) => answer(links[sent.length - 1]));
    const pages = pc.customers.list().byPage();
    await pages.next();
    await pages.next();
    await expect(pages.next()).rejects.toThrow("the service sent a next link it had sent before; it was not read again");
    expect(requests).toHaveLength(2);
  });
});
