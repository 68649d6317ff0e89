import { describe, expect, test } from "vitest";
import { runBulk } from "../../src/bulk/run-bulk.js";
import { TooManyRequestsError } from "../../src/errors.js";
import { collect } from "../helpers.js";

// The rule: a throttled item keeps its place. After its customer's pause it is re-sent before the items of that
// customer that waited behind it, so each customer's items still start in the order they came.
describe("a throttled bulk item", () => {
  test("is re-sent first once its customer's pause ends, before the items behind it", async () => {
    const sent: number[] = [];
    const task = {
      customerOf: () => "c0",
      async run(n: number) {
        sent.push(n);
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (n === 1 && sent.filter((seen) => seen === 1).length === 1) {
          throw new TooManyRequestsError({ operation: "x", status: 429, retryAfterMs: 20 });
        }
        return n;
      },
    };
    const results = await collect(runBulk([0, 1, 2, 3, 4], task, { rate: false, perCustomerRate: false, perCustomerConcurrency: 1 }));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(sent).toEqual([0, 1, 1, 2, 3, 4]);
  });
});
