import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { childCommand, cleanEnv } from "./cli-runner.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

// `| head`: the reader takes one line and closes the pipe while the CLI still has lines to write.
function firstLineThenClose(args: readonly string[]): Promise<{ code: number | null; line: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...childCommand, ...args], { env: cleanEnv({}), cwd: root });
    let out = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) child.stdout.destroy();
    });
    child.on("close", (code) => resolve({ code, line: out.split("\n")[0] ?? "", stderr }));
  });
}

test("a reader that closes the pipe early ends the output quietly, with no EPIPE trace", async () => {
  const { code, line, stderr } = await firstLineThenClose(["--help"]);
  expect(line).toMatch(/^Usage: partner-center/);
  expect(stderr).not.toMatch(/EPIPE|Unhandled/);
  expect(code).toBe(0);
}, 30_000);

test("a list piped into a reader that stops after its header line exits 0 without a stack trace", async () => {
  const { code, line, stderr } = await firstLineThenClose(["customers", "list", "--mock"]);
  expect(line).toMatch(/CUSTOMER ID/);
  expect(stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
  expect(code).toBe(0);
}, 60_000);
