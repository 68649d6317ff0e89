/**
 * The CLI as an admin meets it, through the executable in a child process: against the scripted loopback service
 * (test/fault-server.ts, which records what reached it), the shared Prism mock, or a list server that holds its
 * second page back. Each case checks the exit code, the first lines of stderr and what the service received.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test, vi } from "vitest";
import { type FaultServer, faults, startFaultServer } from "../../test/fault-server.js";
import { binary, CHILD_TIMEOUT_MS, childCommand, cleanEnv, ids } from "./cli-runner.js";

vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

const { customerId, userId, subscriptionId, skuId, upgradeOfferId } = ids;
const root = fileURLToPath(new URL("../../", import.meta.url));
const prism = ["--mock", "--mock-url", inject("prismUrl")];

/** A child CLI whose output can be watched while it runs. */
interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code (130 when a signal ended it the way a shell reports SIGINT). */
  exit: Promise<number>;
}

function start(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [...childCommand, ...args], { env: cleanEnv(env), cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exit = once(child, "close").then(([code, signal]) => (signal === "SIGINT" ? 130 : (code as number)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(condition: () => boolean, what: string, timeoutMs = CHILD_TIMEOUT_MS - 5_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lines = (text: string) => text.trimEnd().split("\n");

describe("against a scripted service", () => {
  let service: FaultServer;
  let at: string[];
  beforeAll(async () => {
    service = await startFaultServer();
    at = ["--mock", "--mock-url", service.url];
  });
  afterAll(() => service.close());
  beforeEach(() => {
    service.requests.length = 0;
    service.script("any", []);
  });
  const writes = () => service.requests.filter((request) => request.method !== "GET");

  test("a 429 with Retry-After 30 says so on stderr; Ctrl-C then prints the MS-RequestId to reuse, exits 130, and the reuse is applied once", async () => {
    service.script("updateUserLicenses", faults.tooManyRequests(3, 30));
    const run = start(["licenses", "assign", customerId, userId, skuId, ...at]);
    await until(() => run.stderr().includes("\n"), "the retry notice");
    expect(lines(run.stderr())[0]).toBe("throttled, retrying in 30 s (1 of 3)");
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
    const sent = service.requestsOf("updateUserLicenses");
    expect(sent).toHaveLength(1);
    const requestId = sent[0]!.requestId!;
    const [, interrupted, reuse] = lines(run.stderr());
    expect(interrupted).toBe(`interrupted: the write may have reached the service (MS-RequestId ${requestId}).`);
    expect(reuse).toContain(`--request-id ${requestId}`);

    service.script("updateUserLicenses", []);
    const again = await binary.run(["licenses", "assign", customerId, userId, skuId, ...at, "--request-id", requestId]);
    expect(again.code).toBe(0);
    expect(service.requestsOf("updateUserLicenses").map((request) => request.requestId)).toEqual([requestId, requestId]);
    expect(service.appliedWrites.size).toBe(1);
  });

  test("a read retried after a 429 goes on to succeed, having said it waits", async () => {
    service.script("getSubscription", [faults.retryAfterSeconds(429, 1)]);
    const { code, stderr } = await binary.run(["subscription", "show", customerId, subscriptionId, ...at]);
    expect(code).toBe(0);
    expect(lines(stderr)).toEqual(["throttled, retrying in 1 s (1 of 3)"]);
  });

  test("a SKU id that is not a GUID is refused by its argument name and value, before anything is sent", async () => {
    const { code, stderr } = await binary.run(["licenses", "assign", customerId, userId, "xyz", ...at]);
    expect(code).toBe(2);
    expect(lines(stderr)[0]).toBe(
      "error: command-argument value 'xyz' is invalid for argument 'skuId'. must be a GUID, such as 0c39d6d5-c70d-4c55-bc02-f620844f3fd1",
    );
    expect(service.requests).toEqual([]);
  });

  test("--dry-run of licenses assign and remove sends nothing and shows the request", async () => {
    const assign = await binary.run(["licenses", "assign", customerId, userId, skuId, "--dry-run", ...at]);
    expect(assign.code).toBe(0);
    expect(assign.stdout).toMatch(/^Dry run, nothing sent\. Would POST \/customers\/.*\/licenseupdates/);
    const remove = await binary.run(["licenses", "remove", customerId, userId, skuId, "--dry-run", "--json", ...at]);
    expect(remove.code).toBe(0);
    expect(JSON.parse(remove.stdout)).toMatchObject({ dryRun: true, method: "POST", body: { licensesToRemove: [skuId] } });
    expect(service.requests).toEqual([]);
  });

  test("--dry-run of auto-renew and of an upgrade only reads", async () => {
    const autoRenew = await binary.run(["subscription", "auto-renew", customerId, subscriptionId, "off", "--dry-run", ...at]);
    expect(autoRenew.code).toBe(0);
    expect(autoRenew.stdout).toMatch(/^Dry run, nothing changed: would turn auto-renew off for .* \(now on\)\./);
    const upgrade = await binary.run(["upgrades", "perform", customerId, subscriptionId, upgradeOfferId, "--dry-run", ...at]);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toMatch(/^Dry run, nothing changed\. Would upgrade subscription .* \(25 licenses\): eligible\./);
    expect(service.requests.map((request) => request.operation)).toEqual(["getSubscription", "listUpgrades"]);
  });

  test("upgrades perform without a terminal to confirm in needs --yes: refused before anything is sent", async () => {
    const refused = await binary.run(["upgrades", "perform", customerId, subscriptionId, upgradeOfferId, ...at]);
    expect(refused.code).toBe(2);
    expect(lines(refused.stderr)[0]).toBe(
      "error: InvalidInputError: upgrades perform was not sent: it cannot be undone: add --yes to confirm it (there is no terminal to ask in)",
    );
    expect(service.requests).toEqual([]);
    const confirmed = await binary.run(["upgrades", "perform", customerId, subscriptionId, upgradeOfferId, "--yes", ...at]);
    expect(confirmed.code).toBe(0);
    expect(writes().map((request) => request.operation)).toEqual(["createUpgrade"]);
  });
});

describe("against the mock", () => {
  test("auto-renew asked on but answered off: a warning and exit 17", async () => {
    const { code, stdout, stderr } = await binary.run(["subscription", "auto-renew", customerId, subscriptionId, "on", ...prism]);
    expect(code).toBe(17);
    expect(stdout).toMatch(/^Auto-renew is off for /);
    expect(lines(stderr)[0]).toMatch(
      /^warning: asked to turn auto-renew on, but the service answered with auto-renew off \(MS-RequestId [0-9a-f-]{36}\)$/,
    );
  });

  test("--mock says it is starting the mock before the first answer", async () => {
    const { code, stdout, stderr } = await binary.run(["customers", "show", customerId, "--mock"]);
    expect(code).toBe(0);
    expect(lines(stderr)[0]).toBe("starting the mock...");
    expect(stdout).toMatch(/^id: /);
  });

  test("a table is fitted to the terminal's width, wrapped between words, numbers right-aligned", async () => {
    const { code, stdout } = await binary.run(["skus", "list", customerId, ...prism], { COLUMNS: "95" });
    expect(code).toBe(0);
    const table = lines(stdout);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(95);
    expect(table[0]).toMatch(/^SKU ID +NAME +PART NUMBER +GROUP +FREE +USED +TOTAL$/);
    // Wrapped between words only: every word on screen is a whole word of a heading or of the answer's fields.
    const json = await binary.run(["skus", "list", customerId, ...prism, "--json"]);
    const words = new Set(`SKU ID NAME PART NUMBER GROUP FREE USED TOTAL ${json.stdout}`.split(/[\s",:{}[\]]+/));
    for (const word of stdout.split(/\s+/).filter((token) => token && !/^-+$/.test(token))) expect(words).toContain(word);
    expect(table.length).toBeGreaterThan(4);
    const totalEnd = table[0]!.length;
    const first = table[2]!;
    expect(first.length).toBe(totalEnd);
    expect(first).toMatch(/ 3 +22 +25$/);
  });
});

describe("no credentials and no --mock", () => {
  test("three lines: the variables to set, az login, --mock; exit 3", async () => {
    const { code, stdout, stderr } = await binary.run(["skus", "list", customerId]);
    expect(code).toBe(3);
    expect(stdout).toBe("");
    const said = lines(stderr);
    expect(said).toHaveLength(3);
    expect(said[0]).toMatch(/^error: no credentials: set PARTNER_CENTER_CLIENT_ID, .*PARTNER_CENTER_REFRESH_TOKEN \(App\+User/);
    expect(said[1]).toContain("az login");
    expect(said[2]).toContain("--mock");
  });

  test("--verbose adds what each Azure Identity credential said", async () => {
    const { code, stderr } = await binary.run(["skus", "list", customerId, "--verbose"]);
    expect(code).toBe(3);
    expect(lines(stderr).length).toBeGreaterThan(4);
    expect(stderr).toContain("ChainedTokenCredential authentication failed");
    expect(stderr).toContain("Azure CLI could not be found");
  });

  test("arguments and options are named as the command line spells them, with the value given", async () => {
    const guid = await binary.run(["skus", "list", "not-a-guid"]);
    expect(guid.code).toBe(2);
    expect(lines(guid.stderr)[0]).toMatch(/^error: command-argument value 'not-a-guid' is invalid for argument 'customerId'\./);
    const baseUrl = await binary.run(["skus", "list", customerId, "--base-url", "http://example.com/v1"]);
    expect(baseUrl.code).toBe(2);
    expect(lines(baseUrl.stderr)[0]).toBe(
      'error: InvalidInputError: the command was not sent: --base-url "http://example.com/v1" must be an absolute https URL (http only for localhost/loopback)',
    );
    expect(guid.stderr + baseUrl.stderr).not.toMatch(/listSubscribedSkus|createPartnerCenterClient|options\./);
  });
});

describe("customers list streams its pages", () => {
  let server: Server;
  let url = "";
  let release: () => void = () => {};
  const received: Array<string | undefined> = [];
  const customer = (id: string, name: string) => ({ id, companyProfile: { companyName: name, domain: `${name}.onmicrosoft.com` } });
  const first = "11111111-1111-4111-8111-111111111111";
  const second = "22222222-2222-4222-8222-222222222222";
  beforeAll(async () => {
    const held = new Promise<void>((resolve) => (release = resolve));
    server = createServer((request, response) => {
      const token = request.headers["ms-continuationtoken"] as string | undefined;
      received.push(token);
      const send = (body: unknown) => response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
      if (!token)
        return send({
          totalCount: 1,
          items: [customer(first, "Fabrikam")],
          links: {
            next: {
              uri: "/v1/customers?size=1&seekOperation=Next",
              method: "GET",
              headers: [{ key: "MS-ContinuationToken", value: "page-2" }],
            },
          },
        });
      void held.then(() => send({ totalCount: 1, items: [customer(second, "Contoso")] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  test("the first page's rows are printed while the second is still on its way", async () => {
    const run = start(["customers", "list", "--csv", "--mock", "--mock-url", url]);
    await until(() => run.stdout().includes(first), "the first page's row");
    expect(run.stdout()).not.toContain(second);
    await until(() => received.length === 2, "the second page's request");
    expect(received).toEqual([undefined, "page-2"]);
    expect(run.stdout()).not.toContain(second);
    release();
    expect(await run.exit).toBe(0);
    expect(lines(run.stdout())).toEqual([
      "customerId,companyName,domain,relationship",
      `${first},Fabrikam,Fabrikam.onmicrosoft.com,`,
      `${second},Contoso,Contoso.onmicrosoft.com,`,
    ]);
  });
});
