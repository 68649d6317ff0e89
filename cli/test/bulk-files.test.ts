import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthenticationError, InvalidInputError, LicenseQuotaExceededError, NetworkError } from "../../src/errors.js";
import { attachResponseMeta } from "../../src/response.js";
import { autoRenewJob, licenseJob } from "../src/bulk/jobs.js";
import { carriedOutcome, failedOutcome, OUTCOME_COLUMNS, okOutcome, requestIdToReuse, shouldRun } from "../src/bulk/report.js";
import { ReportWriter } from "../src/bulk/report-writer.js";
import { openRows, sniffDelimiter } from "../src/bulk/rows.js";

// The CSV/JSON and report logic of the bulk commands, without a CLI or a mock around it.
let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-files-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const known = ["customerId", "userId", "status"];

// Reads a whole file through the streaming reader.
async function readTable(path: string, names: readonly string[], operation = "reading") {
  const source = await openRows(path, names, operation);
  const rows: Array<Record<string, string>> = [];
  for await (const row of source.rows) rows.push(row.cells);
  return { columns: source.columns, rows };
}

interface Table {
  columns: string[];
  rows: Array<Record<string, string>>;
}

// Writes rows through the report writer, settling them in reverse to show it keeps input order.
function writeTable(path: string, table: Table) {
  const writer = ReportWriter.open(path, table.columns, ",", false, "test");
  for (const [index, row] of table.rows.entries()) writer.add(index, row);
  for (let index = table.rows.length - 1; index >= 0; index--) writer.settle(index, {});
  return writer.finish();
}

describe("openRows and ReportWriter", () => {
  test("a ;-separated CSV (European Excel) is read, with data rows and their file lines", async () => {
    const file = join(folder, "semicolons.csv");
    await writeFile(file, 'customerId;userId;note\na;b;"x;y"\n\nc;d;e\n');
    const source = await openRows(file, known, "licenses bulk");
    expect(source.delimiter).toBe(";");
    const rows = [];
    for await (const row of source.rows) rows.push(row);
    expect(rows).toEqual([
      { index: 0, line: 2, cells: { customerId: "a", userId: "b", note: "x;y" } },
      { index: 1, line: 4, cells: { customerId: "c", userId: "d", note: "e" } },
    ]);
  });

  test.each([
    ["a,b,c", ","],
    ["a;b;c", ";"],
    ['"a;b",c', ","],
    ["a;b,c", ","],
  ])("the header %s is separated by %s", (header, delimiter) => {
    expect(sniffDelimiter(header)).toBe(delimiter);
  });

  test("a report path in a folder that does not exist is refused when opened", () => {
    expect(() => ReportWriter.open(join(folder, "no-such-dir", "r.csv"), ["a"], ",", false, "licenses bulk")).toThrow(
      /licenses bulk was not sent: cannot write the report .*no-such-dir/,
    );
  });

  test("reads a CSV with a BOM, odd header case, quoted cells and blank lines", async () => {
    const file = join(folder, "in.csv");
    await writeFile(file, '\uFEFFCUSTOMERID, UserId ,Note\n a , "b, c" ,"say ""hi"""\n\n');
    expect(await readTable(file, known)).toEqual({
      columns: ["customerId", "userId", "Note"],
      rows: [{ customerId: "a", userId: "b, c", Note: 'say "hi"' }],
    });
  });

  test("reads a JSON array, turning every value into text", async () => {
    const file = join(folder, "in.json");
    await writeFile(
      file,
      JSON.stringify([
        { customerid: "a", enabled: false, extra: null },
        { userId: 7, list: [1] },
      ]),
    );
    expect(await readTable(file, known)).toEqual({
      columns: ["customerId", "enabled", "extra", "userId", "list"],
      rows: [
        { customerId: "a", enabled: "false", extra: "" },
        { userId: "7", list: "[1]" },
      ],
    });
  });

  test.each([
    ["dup.csv", "customerId,CustomerId\na,b\n", "column customerId appears more than once"],
    ["ragged.csv", "customerId,userId\na\n", "Invalid Record Length"],
    ["object.json", '{"customerId":"a"}', "it must hold an array of objects"],
    ["broken.json", "[{", "JSON"],
  ])("refuses %s with InvalidInputError", async (name, text, problem) => {
    const file = join(folder, name);
    await writeFile(file, text);
    const error = await readTable(file, known, "licenses bulk").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toMatch(/^licenses bulk was not sent: /);
    expect((error as InvalidInputError).problems.join()).toContain(problem);
  });

  test.each(["out.csv", "out.json"])("what %s holds reads back the same", async (name) => {
    const file = join(folder, name);
    const table: Table = {
      columns: ["customerId", "message"],
      rows: [{ customerId: "a", message: 'comma, "quote"\nnewline' }, { customerId: "b" }],
    };
    writeTable(file, table);
    expect(await readTable(file, known)).toEqual({ columns: table.columns, rows: [table.rows[0], { customerId: "b", message: "" }] });
  });

  test("cells are written as they are (no formula escaping), so a report reads back as the same input", async () => {
    const file = join(folder, "formula.csv");
    writeTable(file, { columns: ["userId"], rows: [{ userId: "=1+1" }] });
    expect(await readFile(file, "utf8")).toBe("userId\n=1+1\n");
  });
});

describe("report rows", () => {
  const sent = { requestId: "11111111-1111-4111-8111-111111111111", correlationId: "22222222-2222-4222-8222-222222222222" };

  test("an ok row keeps the ids it was sent with", () => {
    const value = attachResponseMeta({}, { status: 201, requestId: "echoed", correlationId: "echoed" });
    expect(okOutcome(value, sent)).toEqual({ status: "ok", errorClass: "", code: "", message: "", ...sent });
    expect(okOutcome(value)).toMatchObject({ requestId: "echoed", correlationId: "echoed" });
  });

  test("a service failure gives class, code, the message without the ids suffix, and the ids", () => {
    const error = new LicenseQuotaExceededError({
      operation: "licenses.update",
      status: 400,
      code: 60012,
      description: "out of licenses",
      requestId: "r",
      correlationId: "c",
    });
    expect(failedOutcome(error, sent)).toEqual({
      status: "failed",
      errorClass: "LicenseQuotaExceededError",
      code: "60012",
      message: "licenses.update failed with HTTP 400 code 60012: out of licenses",
      ...sent,
    });
    expect(failedOutcome(error)).toMatchObject({ requestId: "r", correlationId: "c" });
    expect(failedOutcome(new NetworkError("no route"), sent)).toMatchObject({ errorClass: "NetworkError", code: "", ...sent });
  });

  test("a row refused before sending carries no ids", () => {
    expect(failedOutcome(new InvalidInputError("row 2", ["action must be assign or remove"]), sent)).toMatchObject({
      requestId: "",
      correlationId: "",
      message: "row 2 was not sent: action must be assign or remove",
    });
    // No token, so the call never left: the id it would have been sent with was never seen by the service.
    expect(failedOutcome(new AuthenticationError("no token"), sent)).toMatchObject({
      errorClass: "AuthenticationError",
      requestId: "",
      correlationId: "",
    });
  });

  test.each([
    [{}, false, true],
    [{ status: "" }, false, true],
    [{ status: "failed" }, false, true],
    [{ status: " OK " }, false, false],
    [{}, true, false],
    [{ status: "ok" }, true, false],
    [{ status: "Failed" }, true, true],
  ])("shouldRun(%o, onlyFailed %s) is %s", (row, onlyFailed, expected) => {
    expect(shouldRun(row, onlyFailed)).toBe(expected);
  });

  test("a row interrupted in flight is sent again under its id; one not sent gets a new one", () => {
    const id = "33333333-3333-4333-8333-333333333333";
    expect(requestIdToReuse({ status: "interrupted", requestId: id })).toBe(id);
    expect(requestIdToReuse({ status: "not-sent", requestId: "" })).toBeUndefined();
    expect(shouldRun({ status: "not-sent" }, true)).toBe(true);
    expect(shouldRun({ status: "interrupted" }, true)).toBe(true);
    expect(carriedOutcome({ status: "ok", requestId: id })).toMatchObject({ status: "ok", requestId: id });
    expect(OUTCOME_COLUMNS).toContain("status");
  });
});

const C = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const S = "f8a1db68-be16-40ed-86d5-cb42ce701560";

describe("rows to items", () => {
  test.each([
    [
      { customerId: C, userId: "u", action: "assign", skuId: S },
      { customerId: C, userId: "u", update: { licensesToAssign: [{ skuId: S }] } },
    ],
    [
      { customerId: C, userId: "u", action: " Assign ", skuId: S, excludedPlans: "p1; p2,p3 p4" },
      { customerId: C, userId: "u", update: { licensesToAssign: [{ skuId: S, excludedPlans: ["p1", "p2", "p3", "p4"] }] } },
    ],
    [
      { customerId: C, userId: "u", action: "REMOVE", skuId: S, excludedPlans: "" },
      { customerId: C, userId: "u", update: { licensesToRemove: [S] } },
    ],
    [
      { customerId: C, userId: "u", action: "remove", skuId: S, excludedPlans: "p" },
      { problems: ["excludedPlans only goes with action assign"] },
    ],
    [{ customerId: C, userId: "u", skuId: S, action: "grant" }, { problems: ['action must be assign or remove, not "grant"'] }],
    [
      { customerId: "xyz", userId: "", skuId: S, action: "assign" },
      { problems: ['customerId must be a GUID, not "xyz"', "userId is empty"] },
    ],
  ])("licenses: %o", (row, item) => {
    expect(licenseJob.toItem(row)).toEqual(item);
  });

  test.each([
    ["true", true],
    ["ON", true],
    ["yes", true],
    ["1", true],
    ["false", false],
    ["off", false],
    [" No ", false],
    ["0", false],
  ])("auto-renew: enabled %s is %s", (enabled, expected) => {
    expect(autoRenewJob.toItem({ customerId: C, subscriptionId: S, enabled })).toEqual({
      customerId: C,
      subscriptionId: S,
      enabled: expected,
    });
  });

  test("auto-renew: anything else is a problem", () => {
    expect(autoRenewJob.toItem({ customerId: C, subscriptionId: S, enabled: "maybe" })).toEqual({
      problems: [expect.stringContaining('not "maybe"')],
    });
  });
});
