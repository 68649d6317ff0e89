import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { binary, CHILD_TIMEOUT_MS, ids, inProcess } from "./cli-runner.js";

// Tests here start child processes: node plus the CLI, on a machine that may be busy.
vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

// Bulk runs from a file against the shared mock: a run with failures writes a report of every row, and feeding the
// report back sends only the rows that did not succeed.
const mock = ["--mock", "--mock-url", inject("prismUrl")];
const { customerId, subscriptionId, skuId, planId } = ids;
const quotaExceeded = ["--mock-prefer", "code=400, example=licenseQuotaExceeded"];
let folder = "";

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-bulk-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const readCsv = async (file: string) => parse(await readFile(file, "utf8"), { columns: true }) as Array<Record<string, string>>;

describe("licenses bulk, then its report fed back", () => {
  test("re-runs send only the failed rows until every row is ok", async () => {
    const rows = join(folder, "licenses.csv");
    const report = join(folder, "licenses-report.csv");
    await writeFile(
      rows,
      [
        "customerId,userId,action,skuId,excludedPlans,note",
        `${customerId},adele@contoso.com,assign,${skuId},${planId},kept as is`,
        `not-a-guid,alex@contoso.com,assign,${skuId},,`,
        `${customerId},megan@contoso.com,grant,${skuId},,`,
        `${customerId},lee@contoso.com,remove,${skuId},,`,
      ].join("\n"),
    );

    const first = await binary.run(["licenses", "bulk", rows, "--report", report, "--json", ...mock]);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({
      rows: 4,
      ok: 2,
      failed: 2,
      skipped: 0,
      failures: [
        { row: 2, line: 3, errorClass: "InvalidInputError" },
        { row: 3, line: 4, errorClass: "InvalidInputError" },
      ],
    });
    const afterFirst = await readCsv(report);
    expect(Object.keys(afterFirst[0]!)).toEqual([
      "customerId",
      "userId",
      "action",
      "skuId",
      "excludedPlans",
      "note",
      "status",
      "errorClass",
      "code",
      "message",
      "requestId",
      "correlationId",
    ]);
    expect(afterFirst.map((row) => row.status)).toEqual(["ok", "failed", "failed", "ok"]);
    expect(afterFirst[1]).toMatchObject({ message: 'the row was not sent: customerId must be a GUID, not "not-a-guid"', requestId: "" });
    expect(afterFirst[2]!.message).toContain('action must be assign or remove, not "grant"');
    expect(afterFirst[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // The operator fixes the two rows in the report; this time the service is out of licenses.
    await writeFile(report, (await readFile(report, "utf8")).replace("not-a-guid", customerId).replace(",grant,", ",assign,"));
    const second = await binary.run(["licenses", "bulk", report, "--only-failed", "--report", report, ...mock, ...quotaExceeded]);
    expect(second.code).toBe(1);
    expect(second.stdout).toContain("4 rows: 0 ok, 2 failed, 2 skipped");
    expect(second.stdout).toContain("data row 2 (line 3): LicenseQuotaExceededError (code 60012)");
    const afterSecond = await readCsv(report);
    // The rows that were ok were not sent again: had they been, the mock would have failed them too.
    expect(afterSecond.map((row) => [row.status, row.errorClass])).toEqual([
      ["ok", ""],
      ["failed", "LicenseQuotaExceededError"],
      ["failed", "LicenseQuotaExceededError"],
      ["ok", ""],
    ]);
    expect([afterSecond[0]!.requestId, afterSecond[3]!.requestId]).toEqual([afterFirst[0]!.requestId, afterFirst[3]!.requestId]);

    // The report as plain input (no --only-failed) also skips what is ok.
    const third = await binary.run(["licenses", "bulk", report, "--report", report, ...mock]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain("4 rows: 2 ok, 0 failed, 2 skipped");
    expect((await readCsv(report)).map((row) => row.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect((await readCsv(report))[0]).toMatchObject({ note: "kept as is", excludedPlans: planId });
  });
});

describe("subscription bulk-auto-renew", () => {
  test("reads JSON, writes a JSON report, and re-runs its failures", async () => {
    const rows = join(folder, "renew.json");
    const report = join(folder, "renew-report.json");
    const input = [
      { customerId, subscriptionId, enabled: false },
      { customerId, subscriptionId, enabled: "maybe" },
      { CustomerId: customerId, SubscriptionId: "not-a-guid", Enabled: "on" },
    ];
    await writeFile(rows, JSON.stringify(input));
    const first = await inProcess.run([
      "subscription",
      "bulk-auto-renew",
      rows,
      "--report",
      report,
      "--concurrency",
      "2",
      "--per-customer-concurrency",
      "1",
      ...mock,
    ]);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("3 rows: 1 ok, 2 failed");
    const written = JSON.parse(await readFile(report, "utf8")) as Array<Record<string, string>>;
    expect(written.map((row) => [row.enabled, row.status, row.errorClass])).toEqual([
      ["false", "ok", ""],
      ["maybe", "failed", "InvalidInputError"],
      ["on", "failed", "InvalidInputError"],
    ]);
    expect(written[2]).toMatchObject({ customerId, subscriptionId: "not-a-guid" });

    written[1]!.enabled = "true";
    written[2]!.subscriptionId = subscriptionId;
    await writeFile(report, JSON.stringify(written));
    const second = await inProcess.run([
      "subscription",
      "bulk-auto-renew",
      report,
      "--only-failed",
      "--report",
      report,
      "--json",
      ...mock,
      "--mock-prefer",
      "PATCH code=409",
    ]);
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ok: 0,
      skipped: 1,
      failed: 2,
      failures: [
        { row: 2, errorClass: "ConflictError", code: "900278" },
        { row: 3, errorClass: "ConflictError" },
      ],
    });
  });

  test("a file without the needed columns exits 2 before sending anything", async () => {
    const rows = join(folder, "wrong.csv");
    await writeFile(rows, `customerId,subscription\n${customerId},${subscriptionId}\n`);
    const { code, stderr } = await inProcess.run(["subscription", "bulk-auto-renew", rows, ...mock]);
    expect(code).toBe(2);
    expect(stderr).toContain("missing column(s) subscriptionId, enabled; expected customerId,subscriptionId,enabled");
  });

  test("--only-failed on a file that is not a report exits 2", async () => {
    const rows = join(folder, "plain.csv");
    await writeFile(rows, `customerId,subscriptionId,enabled\n${customerId},${subscriptionId},false\n`);
    const { code, stderr } = await inProcess.run(["subscription", "bulk-auto-renew", rows, "--only-failed", ...mock]);
    expect(code).toBe(2);
    expect(stderr).toContain("status (--only-failed reads a report of an earlier run)");
  });

  test("a file that does not exist exits 2", async () => {
    const { code, stderr } = await inProcess.run(["licenses", "bulk", join(folder, "missing.csv"), ...mock]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: InvalidInputError: licenses bulk was not sent: .*missing\.csv: ENOENT/);
  });

  test("Ctrl-C stops the run, marks the rows not sent as not-sent, still writes the report, and exits 130", async () => {
    const rows = join(folder, "interrupted.csv");
    const report = join(folder, "interrupted-report.csv");
    await writeFile(
      rows,
      `customerId,subscriptionId,enabled\n${customerId},${subscriptionId},false\n${customerId},${subscriptionId},true\n`,
    );
    const listeners = process.listenerCount("SIGINT");
    const running = inProcess.run(["subscription", "bulk-auto-renew", rows, "--report", report, ...mock]);
    // The command listens for SIGINT from its start; the rows are still being read then, so none is sent.
    await vi.waitFor(() => expect(process.listenerCount("SIGINT")).toBe(listeners + 1));
    process.emit("SIGINT");
    const { code, stdout } = await running;
    expect(code).toBe(130);
    expect(stdout).toContain("2 rows: 0 ok, 0 failed, 0 interrupted in flight, 2 not sent");
    expect(stdout).toContain(
      "Interrupted: 0 rows in flight may have been applied (status interrupted, MS-RequestId kept); 2 rows not sent",
    );
    expect((await readCsv(report)).map((row) => row.status)).toEqual(["not-sent", "not-sent"]);
    expect(process.listenerCount("SIGINT")).toBe(listeners);
  });
});
