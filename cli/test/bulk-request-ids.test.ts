import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BulkResult } from "../../src/bulk/run-bulk.js";
import type { PartnerCenterClient } from "../../src/client.js";
import type { BulkLicenseItem } from "../../src/operations/bulk.js";
import { licenseJob } from "../src/bulk/jobs.js";
import { requestIdToReuse } from "../src/bulk/report.js";
import { runBulkFile } from "../src/bulk/run.js";
import { ids } from "./cli-runner.js";

// A report row whose write may have reached the service is sent again under the MS-RequestId it had, so that the
// service applies it at most once; a row the service refused gets a new id.
const { customerId, skuId } = ids;
const earlier = "2f0d0a4e-5c55-4b8e-9d2b-3f3c1b7c9a10";

describe("requestIdToReuse", () => {
  test.each([
    ["TimeoutError", earlier],
    ["NetworkError", earlier],
    ["ServerError", earlier],
    ["UnexpectedResponseError", earlier],
    ["AbortedError", earlier],
    ["LicenseQuotaExceededError", undefined],
    ["BadRequestError", undefined],
    ["TooManyRequestsError", undefined],
    ["InvalidInputError", undefined],
  ])("a failed row with %s: the id to reuse is %s", (errorClass, expected) => {
    expect(requestIdToReuse({ status: "failed", errorClass, requestId: earlier })).toBe(expected);
  });

  test("only failed rows with a GUID qualify", () => {
    expect(requestIdToReuse({ status: "ok", errorClass: "", requestId: earlier })).toBeUndefined();
    expect(requestIdToReuse({ status: "failed", errorClass: "TimeoutError", requestId: "" })).toBeUndefined();
    expect(requestIdToReuse({ status: "failed", errorClass: "TimeoutError", requestId: "not-a-guid" })).toBeUndefined();
    expect(requestIdToReuse({ status: " Failed ", errorClass: "TimeoutError", requestId: ` ${earlier} ` })).toBe(earlier);
  });
});

describe("licenses bulk re-run of a report", () => {
  let folder = "";
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "partner-center-cli-ids-"));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  test("hands the bulk call the earlier id of a timed-out row and none for a refused one", async () => {
    const report = join(folder, "report.csv");
    await writeFile(
      report,
      [
        "customerId,userId,action,skuId,status,errorClass,code,message,requestId,correlationId",
        `${customerId},adele@contoso.com,assign,${skuId},failed,TimeoutError,,no answer,${earlier},`,
        `${customerId},alex@contoso.com,assign,${skuId},failed,LicenseQuotaExceededError,60012,no licenses,a1b2c3d4-0000-4000-8000-000000000001,`,
        `${customerId},lee@contoso.com,assign,${skuId},ok,,,,a1b2c3d4-0000-4000-8000-000000000002,`,
      ].join("\n"),
    );
    const seen: BulkLicenseItem[] = [];
    const job = {
      ...licenseJob,
      async *run(_pc: PartnerCenterClient, items: AsyncIterable<BulkLicenseItem>): AsyncIterable<BulkResult<BulkLicenseItem, unknown>> {
        let index = 0;
        for await (const item of items) {
          seen.push(item);
          yield { index: index++, item, requestId: item.requestId ?? "a1b2c3d4-0000-4000-8000-00000000000f", ok: true, value: {} };
        }
      },
    };
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
    const summary = await runBulkFile(job, report, { pc: async () => ({}) as PartnerCenterClient, io, options: {} });
    expect(summary).toMatchObject({ rows: 3, ok: 2, skipped: 1 });
    expect(seen.map((item) => item.userId)).toEqual(["adele@contoso.com", "alex@contoso.com"]);
    expect(seen[0]!.requestId).toBe(earlier);
    // A refused row's id is not reused: it gets a new one (made here, so a journal can hold it before sending).
    expect(seen[1]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1]!.requestId).not.toMatch(/^a1b2c3d4/);
  });
});
