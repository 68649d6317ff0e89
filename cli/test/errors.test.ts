import { createServer } from "node:net";
import { describe, expect, inject, test, vi } from "vitest";
import { binary, CHILD_TIMEOUT_MS, ids, inProcess } from "./cli-runner.js";

// Tests here start child processes: node plus the CLI, on a machine that may be busy.
vi.setConfig({ testTimeout: CHILD_TIMEOUT_MS });

// Each typed error through the CLI: Prism answers with the spec's documented error examples (Prefer header),
// and the CLI prints one line with the class and service code, the ids to quote, and exits with the class's code.
const mock = ["--mock", "--mock-url", inject("prismUrl")];
const { customerId, userId, subscriptionId, skuId, upgradeOfferId } = ids;
const assign = ["licenses", "assign", customerId, userId, skuId];
const autoRenew = ["subscription", "auto-renew", customerId, subscriptionId, "off"];

const faults = [
  {
    args: assign,
    prefer: "code=400, example=licenseQuotaExceeded",
    exit: 12,
    error: "LicenseQuotaExceededError",
    code: 60012,
    inChild: true,
  },
  { args: assign, prefer: "code=400, example=partnerTokenNotAllowed", exit: 13, error: "PartnerTokenNotAllowedError", code: 900316 },
  {
    args: assign,
    prefer: "code=403, example=conditionalAccessBlocked",
    exit: 14,
    error: "ConditionalAccessBlockedError",
    code: 900309,
    inChild: true,
  },
  { args: assign, prefer: "code=404", exit: 6, error: "NotFoundError", code: 60002, inChild: true },
  { args: ["skus", "list", customerId], prefer: "code=401", exit: 4, error: "UnauthorizedError", code: 900421 },
  { args: ["skus", "list", customerId], prefer: "code=403, example=missingPrivileges", exit: 5, error: "ForbiddenError", code: 900308 },
  {
    args: ["licenses", "show", customerId, userId],
    prefer: "code=400, example=invalidInput",
    exit: 15,
    error: "BadRequestError",
    code: 800002,
  },
  {
    args: ["subscription", "show", customerId, subscriptionId],
    prefer: "code=429",
    exit: 8,
    error: "TooManyRequestsError",
    code: undefined,
    inChild: true,
  },
  { args: autoRenew, prefer: "PATCH code=409", exit: 7, error: "ConflictError", code: 900278 },
  { args: autoRenew, prefer: "PATCH code=400, example=staleEtag", exit: 7, error: "StaleEtagError", code: 2055 },
  // A bare 412 (no body, as a proxy sends it) is a stale etag too.
  { args: autoRenew, prefer: "PATCH code=412", exit: 7, error: "StaleEtagError", code: undefined },
  { args: ["upgrades", "list", customerId, subscriptionId], prefer: "code=500", exit: 9, error: "ServerError", code: 800003 },
  {
    args: ["upgrades", "perform", customerId, subscriptionId, upgradeOfferId, "--yes"],
    prefer: "POST code=200, example=upgradedWithErrors",
    exit: 16,
    error: "UpgradeRejectedError",
    code: undefined,
  },
] as const;

describe("typed errors become one line and their own exit code", () => {
  // --max-retries 0: the 429 and 500 examples come back at once instead of after Retry-After waits.
  const run = (runner: typeof binary, fault: (typeof faults)[number]) =>
    runner.run([...fault.args, ...mock, "--mock-prefer", fault.prefer, "--max-retries", "0", "--json"]);

  test.each(faults)("$error exits $exit ($prefer)", async (fault) => {
    const { code, stdout, stderr } = await run(inProcess, fault);
    expect(code).toBe(fault.exit);
    const [line, support, ...rest] = stderr.trimEnd().split("\n");
    expect(line).toMatch(new RegExp(`^error: ${fault.error}\\b.*${fault.code ?? ""}`));
    expect(support).toMatch(/^Quote to Microsoft support: .*MS-CorrelationId [0-9a-f-]{36}/);
    expect(rest).toEqual([]);
    expect(JSON.parse(stdout)).toMatchObject({
      error: fault.error,
      exitCode: fault.exit,
      ...(fault.code !== undefined && { code: fault.code }),
    });
  });

  test.concurrent.each(faults.filter((fault) => "inChild" in fault))("the executable exits $exit for $error", async (fault) => {
    const { code, stderr } = await run(binary, fault);
    expect(code).toBe(fault.exit);
    expect(stderr).toMatch(new RegExp(`^error: ${fault.error} \\(HTTP \\d+.*\\nQuote to Microsoft support: `));
  });
});

describe("failures before or without an answer", () => {
  test("bad arguments exit 2 naming the argument and the value given, and no ids, since nothing was sent", async () => {
    const { code, stderr } = await binary.run(["licenses", "assign", "not-a-guid", " ", skuId, ...mock]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: command-argument value 'not-a-guid' is invalid for argument 'customerId'\. must be a GUID/);
    expect(stderr).not.toMatch(/MS-RequestId|licenses\.assign/);
  });

  test("a service nobody listens on exits 10 with NetworkError", async () => {
    const { code, stderr } = await inProcess.run([
      "skus",
      "list",
      customerId,
      "--mock",
      "--mock-url",
      `http://127.0.0.1:${await closedPort()}`,
      "--max-retries",
      "0",
    ]);
    expect(code).toBe(10);
    expect(stderr).toMatch(/^error: NetworkError: /);
  });

  test("a credential that cannot get a token exits 3 with AuthenticationError and prints no secret", async () => {
    const secrets = { PARTNER_CENTER_REFRESH_TOKEN: "refresh-canary-0123456789", PARTNER_CENTER_CLIENT_SECRET: "secret-canary-0123456789" };
    const env = {
      ...secrets,
      PARTNER_CENTER_CLIENT_ID: "client",
      PARTNER_CENTER_TENANT_ID: "contoso.onmicrosoft.com",
      PARTNER_CENTER_AUTHORITY_HOST: `https://127.0.0.1:${await closedPort()}`,
    };
    const { code, stdout, stderr } = await binary.run(
      ["skus", "list", customerId, "--base-url", `http://127.0.0.1:${await closedPort()}`, "--json"],
      env,
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/^error: AuthenticationError: /);
    for (const secret of Object.values(secrets)) expect(stdout + stderr).not.toContain(secret);
  });

  test("half of the App+User settings exit 2 naming the missing ones", async () => {
    const { code, stderr } = await inProcess.run(["skus", "list", customerId], { PARTNER_CENTER_CLIENT_ID: "client" });
    expect(code).toBe(2);
    expect(stderr).toContain("PARTNER_CENTER_REFRESH_TOKEN is not set");
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
