import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { CHILD_TIMEOUT_MS, ids, inProcess } from "./cli-runner.js";

vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

// The list commands against the shared Prism mock, and their CSV fed to the bulk commands unchanged.
const mock = ["--mock", "--mock-url", inject("prismUrl")];
const { customerId, skuId } = ids;
let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-lists-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const rowsOf = (csv: string) => parse(csv, { columns: true }) as Array<Record<string, string>>;

describe("list commands", () => {
  test("customers list follows the next link: both pages, as a table, JSON and CSV", async () => {
    const table = await inProcess.run(["customers", "list", ...mock]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^CUSTOMER ID +COMPANY +DOMAIN +RELATIONSHIP$/);
    expect(table.stdout).toContain("contosocorpdemo.onmicrosoft.com");
    const json = await inProcess.run(["customers", "list", ...mock, "--json", "--page-size", "2"]);
    expect(JSON.parse(json.stdout)).toHaveLength(3);
    const csv = await inProcess.run(["customers", "list", ...mock, "--csv", "--name-starts-with", "Contoso"]);
    expect(rowsOf(csv.stdout).map((row) => row.companyName)).toEqual(["Contoso190", "Contoso", "Contoso"]);
  });

  test("customers show and users show print fields", async () => {
    const customer = await inProcess.run(["customers", "show", customerId, ...mock]);
    expect(customer.code).toBe(0);
    expect(customer.stdout).toMatch(/^id: +\S+/);
    const user = await inProcess.run(["users", "show", customerId, ids.userId, ...mock]);
    expect(user.code).toBe(0);
    expect(user.stdout).toContain("user principal name:");
  });

  test("users list --csv, with action and skuId added, is input to licenses bulk", async () => {
    const listed = await inProcess.run(["users", "list", customerId, ...mock, "--csv", "--state", "active"]);
    expect(listed.code).toBe(0);
    const users = rowsOf(listed.stdout);
    expect(Object.keys(users[0]!)).toEqual(["customerId", "userId", "userPrincipalName", "displayName", "userState", "usageLocation"]);
    const file = join(folder, "users.csv");
    await writeFile(
      file,
      stringify(
        users.map((row) => ({ ...row, action: "assign", skuId })),
        { header: true },
      ),
    );
    const report = join(folder, "users-report.csv");
    const bulk = await inProcess.run(["licenses", "bulk", file, "--report", report, ...mock]);
    expect(bulk.code).toBe(0);
    expect(rowsOf(await readFile(report, "utf8")).map((row) => row.status)).toEqual(users.map(() => "ok"));
  });

  test("subscriptions list --all-customers --csv, with enabled added, is input to subscription bulk-auto-renew", async () => {
    const listed = await inProcess.run(["subscriptions", "list", "--all-customers", ...mock, "--csv"]);
    expect(listed.code).toBe(0);
    const subscriptions = rowsOf(listed.stdout);
    expect(new Set(subscriptions.map((row) => row.customerId)).size).toBe(3);
    const file = join(folder, "subs.csv");
    await writeFile(
      file,
      stringify(
        subscriptions.map((row) => ({ ...row, enabled: "false" })),
        { header: true },
      ),
    );
    const bulk = await inProcess.run(["subscription", "bulk-auto-renew", file, ...mock]);
    expect(bulk.code).toBe(0);
  });

  test("subscriptions list of one customer, as a table and JSON", async () => {
    const table = await inProcess.run(["subscriptions", "list", customerId, ...mock]);
    expect(table.stdout.split("\n")[0]).toMatch(/^SUBSCRIPTION ID +OFFER +QUANTITY +STATUS +AUTO-RENEW +ENDS$/);
    const json = await inProcess.run(["subscription", "list", customerId, ...mock, "--json", "--order-id", "some-order"]);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ customerId, subscription: { status: "active" } });
  });

  test("a walk whose customers cannot be listed fails with the class's exit code, the CSV header already out", async () => {
    const { code, stdout, stderr } = await inProcess.run([
      "subscriptions",
      "list",
      "--all-customers",
      ...mock,
      "--mock-prefer",
      "code=403, example=missingPrivileges",
      "--csv",
    ]);
    expect(code).toBe(5);
    expect(stdout.split("\n")[0]).toBe(
      "customerId,subscriptionId,offerName,friendlyName,quantity,subscriptionStatus,autoRenewEnabled,billingCycle,commitmentEndDate",
    );
    expect(stderr).toMatch(/^error: ForbiddenError \(HTTP 403, code 900308\)/);
  });
});
