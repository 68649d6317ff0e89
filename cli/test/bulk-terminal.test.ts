import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test, vi } from "vitest";
import { runCli } from "../src/run.js";
import { built, CHILD_TIMEOUT_MS, capture, cleanEnv, ids } from "./cli-runner.js";
import { startWriteOnceServer, type WriteOnceServer } from "./write-once-server.js";

// Bulk runs as an admin meets them, through the built CLI in a child process against a loopback service that keeps
// every write it receives (`--mock --mock-url`: a local credential; nothing else is reached): exit codes, the first
// lines of stderr, the summary, and what reached the service.
vi.setConfig({ testTimeout: 60_000 });

let folder = "";
let server: WriteOnceServer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-terminal-"));
  server = await startWriteOnceServer();
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});
beforeEach(() => {
  server.applied.clear();
  server.settings.delayMs = 0;
  delete server.settings.throttleSeconds;
});

const target = () => ["--mock", "--mock-url", server.url];
const readCsv = async (file: string) => parse(await readFile(file, "utf8"), { columns: true }) as Array<Record<string, string>>;
const licenseRows = (count: number, separator = ",") =>
  [
    ["customerId", "userId", "action", "skuId"].join(separator),
    ...Array.from({ length: count }, (_, index) => [ids.customerId, `user${index}@contoso.com`, "assign", ids.skuId].join(separator)),
  ].join("\n");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `during` gets the child once it has started (to signal it), `input` goes to its stdin. */
function run(args: readonly string[], options: { during?: (child: ReturnType<typeof spawn>) => void; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [built, ...args, ...target()], { env: cleanEnv({}), cwd: folder });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.stdin.end(options.input ?? "");
    options.during?.(child);
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS * 1.5);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const whenWritesArrive = async (count = 1) => vi.waitFor(() => expect(server.writes).toBeGreaterThanOrEqual(count), { timeout: 20_000 });

describe("the report path", () => {
  test("a report in a folder that does not exist: exit 2 before anything is sent", async () => {
    const input = join(folder, "no-dir.csv");
    await writeFile(input, licenseRows(3));
    const before = server.writes;
    const { code, stderr } = await run(["licenses", "bulk", input, "--report", join(folder, "no-such-dir", "r.csv")]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toMatch(
      /^error: InvalidInputError: licenses bulk .* was not sent: cannot write the report .*no-such-dir.*: no folder/,
    );
    expect(server.writes).toBe(before);
  });

  test("a report that cannot be put in place at the end: the summary, then the report saved elsewhere, its path given", async () => {
    const place = join(folder, "vanishing");
    await mkdir(place);
    const report = join(place, "r.csv");
    await writeFile(report, licenseRows(20));
    server.settings.delayMs = 100;
    const before = server.writes;
    // The report is also the input, so it is written aside and renamed at the end; its folder goes in between.
    const result = await run(["licenses", "bulk", report, "--report", report, "--concurrency", "2"], {
      during: () => void whenWritesArrive(before + 1).then(() => rm(place, { recursive: true, force: true })),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("20 rows: 20 ok, 0 failed");
    const saved = /saved it to (\S+)/.exec(result.stderr)?.[1];
    expect(result.stderr.split("\n")[0]).toMatch(/^warning: could not write the report to .*r\.csv \(.*\); saved it to /);
    expect(saved && (await readCsv(saved)).map((row) => row.status)).toEqual(Array(20).fill("ok"));
    await rm(saved!, { force: true });
  });
});

describe("Ctrl-C", () => {
  test("in flight: ok / failed / interrupted in flight / not sent, their own statuses, exit 130; the same command then finishes once", async () => {
    const input = join(folder, "ctrl-c.csv");
    const report = join(folder, "ctrl-c-report.csv");
    await writeFile(input, licenseRows(60));
    server.settings.delayMs = 300;
    const before = server.writes;
    const stopped = await run(["licenses", "bulk", input, "--report", report, "--concurrency", "4"], {
      during: (child) => void whenWritesArrive(before + 6).then(() => child.kill("SIGINT")),
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/60 rows: \d+ ok, 0 failed, [1-9]\d* interrupted in flight, [1-9]\d* not sent/);
    const statuses = new Set((await readCsv(report)).map((row) => row.status));
    expect(statuses).toEqual(new Set(["ok", "interrupted", "not-sent"]));
    expect(existsSync(`${report}.journal`)).toBe(true);

    server.settings.delayMs = 0;
    const again = await run(["licenses", "bulk", input, "--report", report]);
    expect(again.code).toBe(0);
    expect([...server.applied.values()]).toEqual(Array(60).fill(1));
    expect((await readCsv(report)).every((row) => row.status === "ok")).toBe(true);
  });

  test("while every row waits out a 429: exit 130, interrupted; a cap on re-queues fails the rows instead", async () => {
    const input = join(folder, "throttled.csv");
    await writeFile(input, licenseRows(5));
    server.settings.throttleSeconds = 1;
    const before = server.writes;
    const stopped = await run(["licenses", "bulk", input, "--report", join(folder, "throttled-report.csv")], {
      during: (child) => void whenWritesArrive(before + 10).then(() => child.kill("SIGINT")),
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(/5 rows: 0 ok, 0 failed, [1-5] interrupted in flight, [0-4] not sent/);
    expect(stopped.stdout).toContain("Interrupted:");

    const capped = await run(["licenses", "bulk", input, "--max-throttle-retries", "1", "--json"]);
    expect(capped.code).toBe(1);
    const summary = JSON.parse(capped.stdout) as { ok: number; failed: number; failures: Array<{ errorClass: string }> };
    expect(summary).toMatchObject({ ok: 0, failed: 5 });
    expect(summary.failures.map((failure) => failure.errorClass)).toEqual(Array(5).fill("TooManyRequestsError"));
    expect(server.applied.size).toBe(0);
  });
});

describe("input", () => {
  test("a ;-separated CSV (European Excel) is read, and its report keeps ;", async () => {
    const input = join(folder, "excel.csv");
    const report = join(folder, "excel-report.csv");
    await writeFile(input, licenseRows(3, ";"));
    const { code, stdout } = await run(["licenses", "bulk", input, "--report", report]);
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe(`licenses bulk ${input}: 3 rows: 3 ok, 0 failed`);
    expect((await readFile(report, "utf8")).split("\n")[0]).toBe(
      "customerId;userId;action;skuId;status;errorClass;code;message;requestId;correlationId",
    );
    expect(server.applied.size).toBe(3);
  });

  test("- reads the rows from standard input; 1 row is 1 row", async () => {
    const { code, stdout } = await run(["subscription", "bulk-auto-renew", "-"], {
      input: `customerId,subscriptionId,enabled\n${ids.customerId},${ids.subscriptionId},off\n`,
    });
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toBe("subscription bulk-auto-renew -: 1 row: 1 ok, 0 failed");
    expect(server.applied.size).toBe(1);
  });

  test("--dry-run checks every row, says what would be sent, and sends nothing", async () => {
    const input = join(folder, "dry.csv");
    const report = join(folder, "dry-report.csv");
    await writeFile(input, `${licenseRows(2)}\nxyz,adele@contoso.com,assign,${ids.skuId}\n`);
    const before = server.writes;
    const { code, stdout } = await run(["licenses", "bulk", input, "--dry-run", "--report", report]);
    expect(code).toBe(1);
    expect(stdout).toContain("3 rows: 2 would be sent, 1 refused");
    expect(stdout).toContain('data row 3 (line 4): InvalidInputError: the row was not sent: customerId must be a GUID, not "xyz"');
    expect((await readCsv(report)).map((row) => [row.status, (row.message ?? "").split(" ")[1]])).toEqual([
      ["dry-run", "assign"],
      ["dry-run", "assign"],
      ["failed", "row"],
    ]);
    expect(server.writes).toBe(before);
    expect(existsSync(`${report}.journal`)).toBe(false);
  });
});

describe("--plan", () => {
  test("reports a verdict per row in a run's columns, and writes nothing", async () => {
    const input = join(folder, "plan.csv");
    const report = join(folder, "plan-report.csv");
    await writeFile(input, `${licenseRows(2)}\n${ids.customerId},adele@contoso.com,grant,${ids.skuId}\n`);
    const prism = ["--mock", "--mock-url", inject("prismUrl")];
    const result = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [built, "licenses", "bulk", input, "--plan", "--report", report, ...prism], {
        env: cleanEnv({}),
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
      child.on("close", (code) => resolve({ code, stdout, stderr: "" }));
    });
    expect(result.stdout).toMatch(/^licenses bulk --plan .*: 3 rows: .*1 invalid.*; nothing was written/);
    expect(result.stdout).toContain("data row 3 (line 4): invalid: action must be assign or remove");
    const rows = await readCsv(report);
    expect(Object.keys(rows[0]!)).toEqual([
      "customerId",
      "userId",
      "action",
      "skuId",
      "status",
      "errorClass",
      "code",
      "message",
      "requestId",
      "correlationId",
      "verdict",
    ]);
    expect(rows.map((row) => row.status)).toEqual(["planned", "planned", "planned"]);
    expect(rows[2]!.verdict).toBe("invalid");
  });
});

describe("the confirmation prompt", () => {
  test("in a terminal, answering no sends nothing and exits 130", async () => {
    const input = join(folder, "prompt.csv");
    await writeFile(input, licenseRows(2));
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = capture();
    const stdout = capture();
    const tty = Object.assign(stderr.stream, { isTTY: true, columns: 120 });
    const before = server.writes;
    const running = runCli(["licenses", "bulk", input, ...target()], { stdout: stdout.stream, stderr: tty, stdin, env: cleanEnv({}) });
    await vi.waitFor(() => expect(stderr.text()).toContain("[y/N]"));
    stdin.write("n\n");
    expect(await running).toBe(130);
    expect(stderr.text()).toContain(`licenses bulk: send 2 rows of ${input} to Partner Center? [y/N]`);
    expect(stdout.text()).toContain("cancelled; nothing was sent");
    expect(server.writes).toBe(before);
  });
});
