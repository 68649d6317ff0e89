import { describe, expect, inject, test, vi } from "vitest";
import { CHILD_TIMEOUT_MS, ids, inProcess, runners } from "./cli-runner.js";

// Tests here start child processes: node plus the CLI, on a machine that may be busy.
vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

// Every command against the Prism mock the test run shares (--mock-url), checked in --json and in text.
const mock = ["--mock", "--mock-url", inject("prismUrl")];
const { customerId, userId, subscriptionId, skuId, planId, upgradeOfferId } = ids;

const commands = [
  {
    name: "skus list",
    args: ["skus", "list", customerId, "--group", "group1", "group2"],
    json: { 0: { productSku: { id: skuId } } },
    text: "ENTERPRISEPACK",
  },
  {
    name: "licenses show",
    args: ["licenses", "show", customerId, userId],
    json: { 0: { productSku: { id: skuId } } },
    text: "EXCHANGE_S_ENTERPRISE",
  },
  {
    name: "licenses assign",
    args: ["licenses", "assign", customerId, userId, skuId, "--exclude-plan", planId],
    json: { licensesToAssign: [{ skuId }] },
    text: `Assigned ${skuId}`,
  },
  {
    name: "licenses remove",
    args: ["licenses", "remove", customerId, userId, skuId],
    json: { attributes: { objectType: "LicenseUpdate" } },
    text: `Removed ${skuId}`,
  },
  {
    name: "subscription show",
    args: ["subscription", "show", customerId, subscriptionId],
    json: { id: subscriptionId, autoRenewEnabled: true },
    text: "auto-renew:      on",
  },
  {
    name: "subscription auto-renew",
    args: ["subscription", "auto-renew", customerId, subscriptionId, "off"],
    json: { autoRenewEnabled: false },
    text: "Auto-renew is off",
  },
  {
    name: "upgrades list",
    args: ["upgrades", "list", customerId, subscriptionId],
    json: { 0: { targetOffer: { id: upgradeOfferId }, isEligible: true } },
    text: "no: The subscription has add-ons",
  },
  {
    name: "upgrades perform",
    args: ["upgrades", "perform", customerId, subscriptionId, upgradeOfferId.toLowerCase(), "--quantity", "3", "--yes"],
    json: { sourceSubscriptionId: subscriptionId },
    text: "Upgraded",
  },
] as const;

describe.each(runners)("every command against the mock ($name)", (runner) => {
  test.concurrent.each(commands)("$name --json prints the answer as JSON", async ({ args, json }) => {
    const { code, stdout, stderr } = await runner.run([...args, ...mock, "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject(json);
  });
});

// The text form is the same code in both runners; in-process keeps the child processes for what only they can show.
describe("every command against the mock, as text", () => {
  test.each(commands)("$name prints a readable answer", async ({ args, text }) => {
    const { code, stdout } = await inProcess.run([
      ...args,
      ...mock,
      "--locale",
      "en-GB",
      "--application-name",
      "cli tests",
      "--validation",
      "strict",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(text);
  });
});

describe("--mock without a running mock", () => {
  // The real thing once per runner: Prism started from the spec inside the CLI's process, and stopped again.
  test.each(runners)("$name starts the embedded Prism, answers, and exits", async (runner) => {
    const { code, stdout } = await runner.run(["skus", "list", customerId, "--mock", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveLength(2);
  });
});
