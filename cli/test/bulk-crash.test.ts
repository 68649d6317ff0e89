import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { built, cleanEnv, ids } from "./cli-runner.js";
import { startWriteOnceServer, type WriteOnceServer } from "./write-once-server.js";

// The built CLI in child processes, killed with SIGKILL at random moments of a bulk run against a server that
// applies each MS-RequestId once; run again (with the input file, or with the report), until a run finishes.
// Every row must then be applied exactly once, and the report must say ok for every row.
vi.setConfig({ testTimeout: 120_000 });

let folder = "";
let server: WriteOnceServer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "partner-center-cli-crash-"));
  server = await startWriteOnceServer({ delayMs: 40 });
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** When to kill a run: after a time, or once the server has applied some more rows (however slow the machine). */
type Kill = { afterMs: number } | { afterRows: number };

// Runs the CLI; killed with SIGKILL when `kill` says, if it is still running then.
function runCli(args: readonly string[], kill?: Kill): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [built, ...args], { env: cleanEnv({}), cwd: folder, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    const appliedBefore = server.applied.size;
    const timer =
      kill === undefined
        ? undefined
        : "afterMs" in kill
          ? setTimeout(() => child.kill("SIGKILL"), kill.afterMs)
          : setInterval(() => {
              if (server.applied.size - appliedBefore >= kill.afterRows) child.kill("SIGKILL");
            }, 2);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const readCsv = async (file: string) => parse(await readFile(file, "utf8"), { columns: true }) as Array<Record<string, string>>;

const cases = [
  {
    command: ["licenses", "bulk"],
    header: "customerId,userId,action,skuId",
    row: (index: number) => `${ids.customerId},user${index}@contoso.com,assign,${ids.skuId}`,
  },
  {
    command: ["subscription", "bulk-auto-renew"],
    header: "customerId,subscriptionId,enabled",
    row: (index: number) => `${ids.customerId},${`00000000-0000-4000-8000-${String(index).padStart(12, "0")}`},false`,
  },
];

describe.each(cases)("$command.1 killed with SIGKILL and run again", ({ command, header, row }) => {
  test.each([
    ["the input file and the same --report", "input"],
    ["the report as input", "report"],
  ])("re-running with %s applies every row exactly once", async (_, resumeWith) => {
    const rows = 150;
    const name = `${command[1]}-${resumeWith}`;
    const input = join(folder, `${name}.csv`);
    const report = join(folder, `${name}-report.csv`);
    await writeFile(input, [header, ...Array.from({ length: rows }, (_, index) => row(index))].join("\n"));
    server.applied.clear();
    const args = (file: string) => [
      ...command,
      file,
      "--report",
      report,
      "--per-customer-concurrency",
      "8",
      "--mock",
      "--mock-url",
      server.url,
    ];

    const kills: Kill[] = [];
    const appliedAtKills: number[] = [];
    let finished: Run | undefined;
    for (let attempt = 0; attempt < 12 && !finished; attempt++) {
      // The first run always starts from the input; later ones from the input or the report, if there is one yet.
      const file = attempt > 0 && resumeWith === "report" && existsSync(report) ? report : input;
      // The first kill at a random moment of the start (before or after the first send, as the machine's speed has
      // it); the next three once 1 to 30 more rows have been applied, so that they land mid-run on any machine.
      const kill: Kill | undefined =
        attempt === 0
          ? { afterMs: 100 + Math.floor(Math.random() * 900) }
          : attempt < 4
            ? { afterRows: 1 + Math.floor(Math.random() * 30) }
            : undefined;
      const run = await runCli(args(file), kill);
      if (run.signal === "SIGKILL") {
        kills.push(kill!);
        appliedAtKills.push(server.applied.size);
        // Answers to the killed process's calls come in after it is gone.
        await vi.waitFor(() => expect(server.busy()).toBe(0));
        continue;
      }
      expect(run.stderr, `exit ${run.code}`).toBe("");
      finished = run;
    }
    expect(finished?.code, JSON.stringify(kills)).toBe(0);
    // At least one kill landed in the middle of the run, with some rows applied and some not.
    expect(
      appliedAtKills.some((applied) => applied > 0 && applied < rows),
      `applied at kills: ${appliedAtKills.join(", ")}`,
    ).toBe(true);
    const counts = [...server.applied.values()];
    expect(counts.length, "items applied").toBe(rows);
    expect(
      counts.every((count) => count === 1),
      `kills: ${JSON.stringify(kills)}`,
    ).toBe(true);
    const written = await readCsv(report);
    expect(written).toHaveLength(rows);
    expect(written.every((line) => line.status === "ok")).toBe(true);
    expect(existsSync(`${report}.journal`)).toBe(false);
  });
});
