import { describe, expect, test } from "vitest";
import { InvalidInputError } from "../../src/index.js";
import { fakeServiceClient, jsonResponse } from "../helpers.js";

const A = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const B = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";
const E3 = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const MINECRAFT = "2b3b6e1d-7c5f-4d6e-9a1b-3c5d7e9f1a2b";
const sku = (id: string, group: string, availableUnits: number) => ({ availableUnits, productSku: { id, licenseGroupId: group } });

function service(knownUsers: (user: string) => boolean = (user) => user.startsWith("u")) {
  return fakeServiceClient((request) => {
    const path = decodeURIComponent(new URL(request.url).pathname.replace("/v1", ""));
    if (path === `/customers/${A}/subscribedskus`) return jsonResponse(200, { items: [sku(E3, "group1", 2), sku(MINECRAFT, "group2", 5)] });
    if (path === `/customers/${B}/subscribedskus`) return jsonResponse(403, { code: 900308, description: "missing privileges" });
    const user = /^\/customers\/[^/]+\/users\/(.+)$/.exec(path)?.[1];
    if (user !== undefined)
      return knownUsers(user) ? jsonResponse(200, { id: user }) : jsonResponse(404, { code: 60002, description: "User was not found." });
    return jsonResponse(404, { code: 1000, description: path });
  });
}

const assign = (customerId: string, userId: string, ...skuIds: string[]) => ({
  customerId,
  userId,
  update: { licensesToAssign: skuIds.map((skuId) => ({ skuId })) },
});

describe("licenses.planBulk", () => {
  test("gives each row a verdict, reading each customer's SKUs once and making no write", async () => {
    const { pc, requests } = service();
    const rows = [
      assign(A, "u1", E3),
      assign(A, "u2", E3),
      assign(A, "u3", E3),
      assign(A, "ghost@contoso.com", E3),
      assign(A, "u1", "00000000-0000-0000-0000-00000000000f"),
      { customerId: A, userId: "u4", update: { licensesToRemove: [E3] }, requestId: "a37d3009-665d-4e12-b76e-1aa10cf80140" },
      assign(A, "u2", E3, MINECRAFT),
      assign(A, "u5", E3),
      assign("not-a-guid", "u1", E3),
      assign(B, "u1", E3),
    ];
    const plan = await pc.licenses.planBulk(rows);
    expect(plan.map((row) => row.verdict)).toEqual([
      "ok",
      "ok",
      "ok",
      "user-not-found",
      "sku-not-owned",
      "ok",
      "mixed-license-groups",
      "out-of-units",
      "invalid",
      "unchecked",
    ]);
    expect(plan[7]!.problems[0]).toContain("60012");
    expect(plan[7]).toMatchObject({ index: 7, item: rows[7], ok: false, requestId: undefined });
    expect(plan[5]).toMatchObject({ ok: true, requestId: "a37d3009-665d-4e12-b76e-1aa10cf80140", problems: [] });
    expect(plan[8]!.error).toBeInstanceOf(InvalidInputError);
    expect(plan[9]!.error).toMatchObject({ code: 900308 });
    expect(requests.every((request) => request.method === "GET")).toBe(true);
    const skuReads = requests.filter((request) => request.url.includes("/subscribedskus"));
    expect(skuReads).toHaveLength(2);
    expect(new URL(skuReads[0]!.url).search).toBe("?licenseGroupIds=Group1&licenseGroupIds=Group2");
    // Each distinct user of each customer once.
    expect(requests.filter((request) => request.url.includes("/users/"))).toHaveLength(7);
  });

  test("reads a customer's user list instead of each user when that takes fewer calls", async () => {
    const listed = Array.from({ length: 150 }, (_, n) => ({ id: `id-${n}`, userPrincipalName: `user${n}@contoso.com` }));
    const { pc, requests } = fakeServiceClient((request) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith("/subscribedskus")) return jsonResponse(200, { items: [sku(E3, "group1", 500)] });
      if (request.headers.get("MS-ContinuationToken") === "p2") return jsonResponse(200, { items: listed.slice(100) });
      return jsonResponse(200, {
        items: listed.slice(0, 100),
        links: { next: { uri: `/customers/${A}/users?seekOperation=Next`, headers: [{ key: "MS-ContinuationToken", value: "p2" }] } },
      });
    });
    const rows = [...Array.from({ length: 101 }, (_, n) => assign(A, `USER${n}@contoso.com`, E3)), assign(A, "nobody@contoso.com", E3)];
    const plan = await pc.licenses.planBulk(rows);
    expect(plan.filter((row) => row.ok)).toHaveLength(101);
    expect(plan.at(-1)!.verdict).toBe("user-not-found");
    const paths = requests.map((request) => new URL(request.url).pathname + new URL(request.url).search);
    expect(paths.filter((path) => path.includes("/users"))).toEqual([
      `/v1/customers/${A}/users`,
      `/v1/customers/${A}/users?seekOperation=Next`,
    ]);
  });

  test("refuses a source that is not a list before reading anything", async () => {
    const { pc, requests } = service();
    await expect(pc.licenses.planBulk(5 as never)).rejects.toBeInstanceOf(InvalidInputError);
    expect(requests).toHaveLength(0);
  });
});
