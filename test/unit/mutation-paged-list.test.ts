import { describe, expect, test } from "vitest";
import { InvalidInputError } from "../../src/index.js";
import { fakeServiceClient } from "../helpers.js";

/** byPage's settings and continuation tokens, each refusal with the problem line it gives, before anything is sent. */
const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function customers() {
  const { pc, requests } = fakeServiceClient(
    () => new Response(JSON.stringify({ totalCount: 1, items: [{ id: "c-1" }], attributes: { objectType: "Collection" } })),
  );
  return { list: pc.customers.list(), requests };
}

function problems(settings: unknown): readonly string[] {
  const { list, requests } = customers();
  try {
    list.byPage(settings as never);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(requests).toHaveLength(0);
    return (error as InvalidInputError).problems;
  }
  return [];
}

const notOurs = "settings.continuationToken is not a token a page of this list gave";
const badServiceToken = "settings.continuationToken holds a service token that cannot be sent in a header";
const otherList = "settings.continuationToken belongs to another list than /customers";

describe("byPage's continuation token", () => {
  test.each([
    ["text that is not base64url JSON", "not a token"],
    ["an object", token({ path: "/customers" })],
    ["one element", token(["/customers"])],
    ["three elements", token(["/customers", null, "x"])],
    ["a path that is not a string", token([1, null])],
  ])("refuses %s as not ours", (_, continuationToken) => {
    expect(problems({ continuationToken })).toEqual([notOurs]);
  });

  test.each([
    ["a number", 5],
    ["line breaks", "a\r\nX-Evil: 1"],
  ])("refuses a service token holding %s", (_, serviceToken) => {
    expect(problems({ continuationToken: token(["/customers?seek=2", serviceToken]) })).toEqual([badServiceToken]);
  });

  test.each([
    ["a relative path", "customers?seek=2"],
    ["a path with two leading slashes", "//customers?seek=2"],
    ["a longer path", "/customersX?seek=2"],
    ["a path that climbs out", "/customers/../users"],
    ["a path naming another host before the list's", "//other.example/customers?seek=2"],
    ["a path no URL parser takes", "http://["],
  ])("refuses %s as another list's", (_, path) => {
    expect(problems({ continuationToken: token([path, "t"]) })).toEqual([otherList]);
  });

  test.each([
    ["/customers?seek=2", "t"],
    ["/customers/?seek=2", "t"],
    ["/Customers?seek=2", null],
  ])("takes %s with the service token %j", (path, serviceToken) => {
    expect(problems({ continuationToken: token([path, serviceToken]) })).toEqual([]);
  });
});

describe("byPage's settings", () => {
  test("a refusal names the list's byPage", () => {
    const { list } = customers();
    expect(() => list.byPage({ maxPageSize: 0 })).toThrow("customers.list.byPage was not sent: settings.maxPageSize must be positive");
    expect(() => list.byPage({ continuationToken: "not a token" })).toThrow(`customers.list.byPage was not sent: ${notOurs}`);
  });

  test.each([
    [{ continuationToken: 5 }, "settings.continuationToken must be a string"],
    [{ continuationToken: "" }, "settings.continuationToken must not be empty"],
    [{ maxPageSize: "2" }, "settings.maxPageSize must be a number"],
    [{ maxPageSize: 1.5 }, "settings.maxPageSize must be a whole number"],
    [{ maxPageSize: 0 }, "settings.maxPageSize must be positive"],
  ])("refuses %j", (settings, line) => {
    expect(problems(settings)).toEqual([line]);
  });
});

describe("the list as an async iterator", () => {
  test("next and return work without a for-await loop", async () => {
    const { list } = customers();
    await expect(list.next()).resolves.toMatchObject({ done: false, value: { id: "c-1" } });
    await expect(list.return()).resolves.toMatchObject({ done: true });
    const other = customers().list;
    await expect(other.return()).resolves.toMatchObject({ done: true });
  });
});
