import { describe, expect, test, vi } from "vitest";
import { binary, CHILD_TIMEOUT_MS, ids, inProcess, runners } from "./cli-runner.js";

// Tests here start child processes: node plus the CLI, on a machine that may be busy.
vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

// Every command and group, with what its help must mention (its arguments and own options).
const pages: ReadonlyArray<{ command: string; mentions: readonly string[] }> = [
  {
    command: "",
    mentions: [
      "customers",
      "users",
      "skus",
      "licenses",
      "subscription",
      "upgrades",
      "--json",
      "--mock",
      "Exit codes",
      "LicenseQuotaExceededError",
      "PARTNER_CENTER_REFRESH_TOKEN",
      "--verbose",
    ],
  },
  { command: "customers", mentions: ["list", "show"] },
  { command: "customers list", mentions: ["--name-starts-with", "--domain-starts-with", "--page-size", "--csv"] },
  { command: "customers show", mentions: ["<customerId>"] },
  { command: "users", mentions: ["list", "show"] },
  { command: "users list", mentions: ["<customerId>", "--state", "--page-size", "--csv", "licenses bulk"] },
  { command: "users show", mentions: ["<customerId>", "<userId>"] },
  { command: "subscriptions list", mentions: ["[customerId]", "--all-customers", "--order-id", "--mpn-id", "--csv", "bulk-auto-renew"] },
  { command: "skus", mentions: ["list"] },
  { command: "skus list", mentions: ["<customerId>", "--group"] },
  { command: "licenses", mentions: ["show", "assign", "remove", "bulk"] },
  { command: "licenses show", mentions: ["<customerId>", "<userId>"] },
  { command: "licenses assign", mentions: ["<customerId>", "<userId>", "<skuId...>", "--exclude-plan", "--dry-run", "--request-id"] },
  { command: "licenses remove", mentions: ["<customerId>", "<userId>", "<skuId...>", "--dry-run", "--request-id"] },
  { command: "licenses bulk", mentions: ["<file>", "--report", "--only-failed", "customerId,userId,action"] },
  { command: "subscription", mentions: ["list", "show", "auto-renew", "bulk-auto-renew"] },
  { command: "subscription show", mentions: ["<customerId>", "<subscriptionId>"] },
  { command: "subscription auto-renew", mentions: ["<customerId>", "<subscriptionId>", "<state>", '(choices: "on", "off")', "--dry-run"] },
  { command: "subscription bulk-auto-renew", mentions: ["<file>", "--report", "--only-failed", "customerId,subscriptionId,enabled"] },
  { command: "upgrades", mentions: ["list", "perform"] },
  { command: "upgrades list", mentions: ["<customerId>", "<subscriptionId>"] },
  { command: "upgrades perform", mentions: ["<customerId>", "<subscriptionId>", "<targetOfferId>", "--quantity", "--dry-run", "--yes"] },
];

describe.each(runners)("--help ($name)", (runner) => {
  test.concurrent.each(pages)("`$command --help` exits 0 and names its arguments", async ({ command, mentions }) => {
    const { code, stdout } = await runner.run([...command.split(" ").filter(Boolean), "--help"]);
    expect(code).toBe(0);
    for (const mention of mentions) expect(stdout).toContain(mention);
  });
});

describe("usage errors", () => {
  test.each([
    { args: ["licenses", "frobnicate"], says: "unknown command" },
    { args: ["skus", "list"], says: "missing required argument" },
    { args: ["subscription", "auto-renew", ids.customerId, ids.subscriptionId, "maybe"], says: "Allowed choices are on, off" },
    { args: ["upgrades", "perform", ids.customerId, ids.subscriptionId, "c", "--quantity", "0"], says: "whole number of at least 1" },
    { args: ["skus", "list", ids.customerId, "--mock", "--base-url", "https://example.com"], says: "cannot be used with option '--mock'" },
    { args: ["customers", "list", "--name-starts-with", "a", "--domain-starts-with", "b"], says: "cannot be used with option" },
    { args: ["subscriptions", "list"], says: "give a <customerId> or --all-customers" },
    { args: ["subscriptions", "list", ids.customerId, "--mpn-id", "abc"], says: "argument 'abc' is invalid. must be a partner (MPN) id" },
    { args: ["customers", "list", "--name-starts-with", ""], says: "argument '' is invalid. must not be empty" },
    { args: ["users", "show", ids.customerId, " adele@contoso.com"], says: "must not start or end with white space" },
    { args: ["subscriptions", "list", ids.customerId, "--all-customers"], says: "give a <customerId> or --all-customers" },
  ])("$args exits 2 with commander's message", async ({ args, says }) => {
    const { code, stderr } = await inProcess.run(args);
    expect(code).toBe(2);
    expect(stderr).toContain(says);
  });

  test("a group without a command shows its help and exits 2", async () => {
    const { code, stderr } = await binary.run(["licenses"]);
    expect(code).toBe(2);
    expect(stderr).toContain("assign");
  });
});
