import { describe, expect, test } from "vitest";
import { createPartnerCenterClient, InvalidInputError, NotFoundError } from "../../src/index.js";
import { collect, jsonResponse, staticCredential } from "../helpers.js";

const A = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const B = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";
const C = "eebd1b55-5360-4438-a11d-5c06918c3014";
const user = (name: string) => ({ userPrincipalName: name });
const next = (uri: string, token: string) => ({ next: { uri, headers: [{ key: "MS-ContinuationToken", value: token }] } });

/** Answers by "path?query token"; `before` may hold an answer back or replace it (a 429). */
function serve(answers: Record<string, unknown>, before?: (key: string, count: number) => Promise<Response | undefined>) {
  const requests: string[] = [];
  const pc = createPartnerCenterClient({
    credential: staticCredential(),
    retry: false,
    fetch: async (request) => {
      const url = new URL(request.url);
      const key = `${url.pathname.replace("/v1", "")}${url.search} ${request.headers.get("MS-ContinuationToken") ?? ""}`.trim();
      requests.push(key);
      const early = await before?.(key, requests.filter((seen) => seen === key).length);
      if (early) return early;
      return key in answers ? jsonResponse(200, answers[key]) : jsonResponse(404, { code: 20002, description: `no ${key}` });
    },
  });
  return { pc, requests };
}

const users = {
  [`/customers/${A}/users`]: { items: [user("a1"), user("a2")], links: next(`/customers/${A}/users?seekOperation=Next`, "a-2") },
  [`/customers/${A}/users?seekOperation=Next a-2`]: { items: [user("a3")] },
  [`/customers/${B}/users`]: { items: [user("b1")] },
};

describe("users.listAcrossCustomers", () => {
  test("reads every page of every customer given and yields one result per customer", async () => {
    const { pc, requests } = serve(users);
    const results = await collect(pc.users.listAcrossCustomers([A, { id: B }]));
    const byCustomer = Object.fromEntries(results.map((result) => [result.customerId, result.items.map((item) => item.userPrincipalName)]));
    expect(byCustomer).toEqual({ [A]: ["a1", "a2", "a3"], [B]: ["b1"] });
    expect(results.every((result) => result.ok)).toBe(true);
    expect(requests).toHaveLength(3);
  });

  test("walks all the partner's customers when none are given", async () => {
    const { pc, requests } = serve({ "/customers": { items: [{ id: A }, { id: B }] }, ...users });
    const results = await collect(pc.users.listAcrossCustomers());
    expect(results.map((result) => result.customerId).sort()).toEqual([A, B].sort());
    expect(requests[0]).toBe("/customers");
  });

  test("a 429 pauses that customer and its list goes on from the refused page, no page read twice", async () => {
    const { pc, requests } = serve(users, async (key, count) =>
      key === `/customers/${A}/users?seekOperation=Next a-2` && count === 1
        ? jsonResponse(429, { statusCode: 429 }, { "Retry-After": "0" })
        : undefined,
    );
    const results = await collect(pc.users.listAcrossCustomers([A, B]));
    expect(results.find((result) => result.customerId === A)).toMatchObject({ ok: true, items: [user("a1"), user("a2"), user("a3")] });
    expect(requests.filter((key) => key === `/customers/${A}/users`)).toHaveLength(1);
    expect(requests.filter((key) => key === `/customers/${A}/users?seekOperation=Next a-2`)).toHaveLength(2);
  });

  test("streams: a customer whose list is done is yielded while another's is still being read", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const { pc } = serve(users, async (key) => {
      if (key === `/customers/${A}/users`) await held;
      return undefined;
    });
    const walk = pc.users.listAcrossCustomers([A, B])[Symbol.asyncIterator]();
    expect((await walk.next()).value).toMatchObject({ customerId: B, ok: true });
    release();
    expect((await walk.next()).value).toMatchObject({ customerId: A, ok: true });
    expect((await walk.next()).done).toBe(true);
  });

  test("a customer that fails is reported with its error and the others go on", async () => {
    const { pc } = serve(users);
    const results = await collect(pc.users.listAcrossCustomers([C, "not-a-guid", B], { list: { state: "active" } }));
    const outcome = Object.fromEntries(results.map((result) => [result.customerId, result.ok ? "ok" : result.error.name]));
    expect(outcome).toEqual({ [C]: NotFoundError.name, "not-a-guid": InvalidInputError.name, [B]: "ok" });
  });

  test("refuses a source that is not a list, or bad list options, before reading anything", () => {
    const { pc, requests } = serve(users);
    expect(() => pc.users.listAcrossCustomers(42 as never)).toThrow(InvalidInputError);
    expect(() => pc.users.listAcrossCustomers(undefined, { list: { state: "gone" as never } })).toThrow("users.list was not sent");
    expect(() => pc.subscriptions.listAcrossCustomers([A], { list: { mpnId: "x" } })).toThrow("digits only");
    expect(requests).toHaveLength(0);
  });
});

describe("subscriptions.listAcrossCustomers", () => {
  test("reads each customer's subscriptions once, with the list options given", async () => {
    const { pc, requests } = serve({
      [`/customers/${A}/subscriptions?mpn_id=4847383`]: { totalCount: 1, items: [{ id: "s-a" }] },
      [`/customers/${B}/subscriptions?mpn_id=4847383`]: { totalCount: 0, items: [] },
    });
    const results = await collect(pc.subscriptions.listAcrossCustomers([A, B], { list: { mpnId: "4847383" }, concurrency: 2 }));
    expect(results.flatMap((result) => result.items.map((item) => item.id))).toEqual(["s-a"]);
    expect(requests.sort()).toEqual([`/customers/${A}/subscriptions?mpn_id=4847383`, `/customers/${B}/subscriptions?mpn_id=4847383`]);
  });
});
