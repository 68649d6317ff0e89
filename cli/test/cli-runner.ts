/**
 * Two ways to run `partner-center` with the same expectations: the executable in a child process (the built
 * `cli/dist/src/main.js` when it is there and newer than every source file, else `cli/src/main.ts` through tsx),
 * and `runCli` in this process (what coverage sees).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ids as shared } from "../../test/helpers.js";
import { runCli } from "../src/run.js";

/** What one run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI on some arguments. */
export interface CliRunner {
  name: string;
  run(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
}

const root = fileURLToPath(new URL("../../", import.meta.url));
export const built = join(root, "cli", "dist", "src", "main.js");

// A build older than the sources (the CLI's or the library's) would test yesterday's CLI: then the sources run instead.
function isFreshBuild(): boolean {
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  return [join(root, "src"), join(root, "cli", "src")].every((dir) =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .every((file) => statSync(join(dir, file)).mtimeMs <= builtAt),
  );
}

// PARTNER_CENTER_CLI_BIN runs another build of main.js (an installed package's, say) through the same tests.
const chosen = process.env.PARTNER_CENTER_CLI_BIN || (isFreshBuild() ? built : undefined);
const command = chosen
  ? [chosen]
  : ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href, join(root, "cli", "src", "main.ts")];

/**
 * Credentials of the machine running the tests never reach the CLI, and a test without --mock never lets
 * DefaultAzureCredential leave the machine: AZURE_TOKEN_CREDENTIALS=dev keeps its chain to the developer
 * credentials (Azure CLI, PowerShell, azd, VS Code), which run local tools, and leaves out managed identity
 * (the IMDS probe) and workload identity.
 */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const kept = Object.entries(process.env).filter(([name]) => !/^(PARTNER_CENTER_|AZURE_)/.test(name));
  return {
    ...Object.fromEntries(kept.filter((entry): entry is [string, string] => entry[1] !== undefined)),
    AZURE_TOKEN_CREDENTIALS: "dev",
    ...extra,
  };
}

/** The command line that starts the CLI in a child process (node and its arguments, before the CLI's own). */
export const childCommand: readonly string[] = command;

/** The executable in a child process, as a user runs it. */
export const binary: CliRunner = {
  name: chosen ? "built binary" : "sources via tsx",
  run: (args, env = {}) =>
    new Promise((resolve) => {
      execFile(process.execPath, [...command, ...args], { env: cleanEnv(env), cwd: root, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error && typeof error.code === "number" ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      });
    }),
};

/** `runCli` in this process, its output captured. */
export const inProcess: CliRunner = {
  name: "in-process",
  async run(args, env = {}) {
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, env: cleanEnv(env) });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  },
};

/** A writable stream that keeps what is written to it. */
export function capture(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** Time a test that starts a child process may take: node and the sources' compilation on a busy 2-core machine. */
export const CHILD_TIMEOUT_MS = 30_000;

/** Both runners, for `describe.each`. */
export const runners: readonly CliRunner[] = [binary, inProcess];

/** Ids of the spec's examples, which the mock answers for: the shared ones (the user by name), and the CLI's own. */
export const ids = {
  customerId: shared.customerId,
  userId: shared.userPrincipalName,
  subscriptionId: shared.subscriptionId,
  skuId: shared.skuId,
  planId: "efb87545-963c-4e0d-99df-69c6916d9eb0",
  upgradeOfferId: "796B6B5F-613C-4E24-A17C-EBA730D49C02",
} as const;
