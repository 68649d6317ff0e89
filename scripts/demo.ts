/**
 * `npm run demo`: the `partner-center` CLI at work against the embedded Prism mock of the spec (`--mock`), run
 * in-process: list SKUs, assign a license, run out of licenses (exit code 12), show the user's licenses and the
 * subscription, switch auto-renew off, list and
 * perform an upgrade, then a bulk CSV with a failure and the re-run of just that row from the report; last, the road
 * from a list to a bulk run: customers list, users list --csv, the rows checked (licenses bulk --plan) and sent.
 * Exits 0 when every command ended with the exit code shown and the mock flagged no request.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { CliIo } from "../cli/src/io.js";
import { runCli } from "../cli/src/run.js";

const customerId = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
const subscriptionId = "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";
const skuId = "f8a1db68-be16-40ed-86d5-cb42ce701560";
const upgradeOfferId = "796B6B5F-613C-4E24-A17C-EBA730D49C02";

// stderr is passed through and kept, to catch the CLI's warning about a request the mock flags.
let stderrText = "";
const stderr = new Writable({
  write(chunk: Buffer, _encoding, done) {
    stderrText += chunk.toString();
    process.stderr.write(chunk, done);
  },
});
// The demo runs on the mock only; should a command ever reach for DefaultAzureCredential, its chain stays on this
// machine (developer tools, no managed identity probe of IMDS).
process.env.AZURE_TOKEN_CREDENTIALS = "dev";
const io: CliIo = { stdout: process.stdout, stderr, env: process.env };
const surprises: string[] = [];

/** Prints the command line, runs it, and notes any exit code other than the expected one. */
async function cli(args: string[], expected = 0, redirect?: string): Promise<void> {
  console.log(
    `\n$ partner-center ${args.map((arg) => (/[\s"',]/.test(arg) ? `'${arg}'` : arg)).join(" ")}${redirect ? ` > ${redirect}` : ""}`,
  );
  const code = await runCli(args, io);
  console.log(`(exit code ${code})`);
  if (code !== expected) surprises.push(`${args.slice(0, 2).join(" ")} exited with ${code}, not ${expected}`);
}

/** Runs a command with its stdout kept (as a shell's `> file` would), and returns it. */
async function captured(args: string[], file: string): Promise<string> {
  let text = "";
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  console.log(`\n$ partner-center ${args.join(" ")} > ${file}`);
  const code = await runCli(args, { ...io, stdout });
  console.log(`(exit code ${code})`);
  if (code !== 0) surprises.push(`${args.slice(0, 2).join(" ")} exited with ${code}, not 0`);
  return text;
}

const folder = await mkdtemp(join(tmpdir(), "partner-center-demo-"));
try {
  await cli(["skus", "list", customerId, "--mock"]);
  await cli(["licenses", "assign", customerId, "adele.vance@contoso.onmicrosoft.com", skuId, "--mock"]);
  // Prism answers with the spec's documented 60012 example when asked through the Prefer header.
  await cli(
    [
      "licenses",
      "assign",
      customerId,
      "adele.vance@contoso.onmicrosoft.com",
      skuId,
      "--mock",
      "--mock-prefer",
      "code=400, example=licenseQuotaExceeded",
    ],
    12,
  );
  await cli(["licenses", "show", customerId, "adele.vance@contoso.onmicrosoft.com", "--mock"]);
  await cli(["subscription", "show", customerId, subscriptionId, "--mock"]);
  await cli(["subscription", "auto-renew", customerId, subscriptionId, "off", "--mock"]);
  await cli(["upgrades", "list", customerId, subscriptionId, "--mock"]);
  await cli(["upgrades", "perform", customerId, subscriptionId, upgradeOfferId, "--quantity", "5", "--yes", "--mock", "--json"]);

  const rows = join(folder, "licenses.csv");
  const report = join(folder, "report.csv");
  const typo = "0c39d6d5-c70d-4c55-bc02-f620844f3fd";
  await writeFile(
    rows,
    [
      "customerId,userId,action,skuId",
      `${customerId},adele.vance@contoso.onmicrosoft.com,assign,${skuId}`,
      `${typo},alex.wilber@contoso.onmicrosoft.com,assign,${skuId}`,
      `${customerId},megan.bowen@contoso.onmicrosoft.com,remove,${skuId}`,
    ].join("\n"),
  );
  console.log(`\n${rows}: three rows, the second with a customer id one character short`);
  await cli(["licenses", "bulk", rows, "--report", report, "--mock"], 1);
  console.log(`\n${report}:\n${await readFile(report, "utf8")}`);
  console.log("Fixing the customer id in the report, then feeding the report back: only the failed row is sent.");
  await writeFile(report, (await readFile(report, "utf8")).replace(`${typo},`, `${customerId},`));
  await cli(["licenses", "bulk", report, "--only-failed", "--report", report, "--mock"]);
  console.log(`\n${report}, every row ok; the first and third keep the request ids of the first run:\n${await readFile(report, "utf8")}`);

  // From a list to a bulk run: find the customer, list its users as CSV, add the action and SKU, check, send.
  await cli(["customers", "list", "--name-starts-with", "Contoso", "--mock"]);
  const users = join(folder, "users.csv");
  const listed = await captured(["users", "list", customerId, "--csv", "--mock"], users);
  console.log(listed.trimEnd());
  const [header = "", ...lines] = listed.trimEnd().split("\n");
  await writeFile(users, [`${header},action,skuId`, ...lines.map((line) => `${line},assign,${skuId}`)].join("\n"));
  console.log(`\n${users}: the same rows with action and skuId columns added:\n${await readFile(users, "utf8")}`);
  // --plan reads only (SKUs owned, free units, users found) and gives each row a verdict before anything is written.
  await cli(["licenses", "bulk", users, "--plan", "--mock"]);
  await cli(["licenses", "bulk", users, "--report", join(folder, "users-report.csv"), "--mock"]);
} finally {
  await rm(folder, { recursive: true, force: true });
}

if (stderrText.includes("does not match the spec")) surprises.push("the mock flagged a request as not matching the spec");
if (surprises.length > 0) {
  console.error(`\nThe demo did not go as expected:\n  ${surprises.join("\n  ")}`);
  process.exitCode = 1;
} else {
  console.log("\nEvery command ended as expected.");
}
