/**
 * Secrets never leak. With canary values for an access token (a JWT, as Entra issues, and an opaque one), a refresh
 * token and a client secret, every way the library produces an error is driven: each service status, a cut-off or
 * misshaped 2xx, a refused connection, a dropped body, a timeout, an abort, credentials that fail with the secrets in
 * their words, the refresh-token credential against a local token endpoint, and a service that echoes the
 * Authorization header it was sent. No canary may appear in any rendering of any error or cause, nor in anything
 * written to the console, stdout or stderr while the tests run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { format, inspect } from "node:util";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import {
  AbortedError,
  AuthenticationError,
  BadRequestError,
  ConditionalAccessBlockedError,
  ConflictError,
  createPartnerCenterClient,
  ForbiddenError,
  InvalidInputError,
  LicenseQuotaExceededError,
  NetworkError,
  NotFoundError,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
  PartnerTokenNotAllowedError,
  RefreshTokenCredential,
  ServerError,
  StaleEtagError,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnexpectedResponseError,
  UpgradeRejectedError,
} from "../../src/index.js";
import { type FakeTokenEndpoint, fakeJwt, oauthErrorAnswer, startFakeTokenEndpoint, tokenAnswer } from "../fake-token-endpoint.js";
import { ids, staticCredential } from "../helpers.js";

const { customerId, subscriptionId, userId, skuId } = ids;

// Two access tokens (a JWT as Entra issues, and an opaque one that no shape-based redaction could recognise),
// a refresh token before and after rotation, and a client secret with the `~` and `.` Entra secrets contain.
const canaries = {
  access: `${fakeJwt({ sub: "CANARY-ACCESS-5f2e9a" })}CANARY-ACCESS-5f2e9a`,
  opaque: "opaque.CANARY-OPAQUE-8c41d7~Zq",
  opaqueNext: "opaque.CANARY-NEXT-2d90b3~Zq",
  refresh: "0.AAAA-CANARY-REFRESH-3b7f61.x~y",
  rotated: "0.AAAA-CANARY-ROTATED-a06e52.x~y",
  secret: "Xy8Q~CANARY-SECRET-91d0c4.Kp",
} as const;

// Any 16 characters in a row of a canary count as a leak: a token cut short (an HTML title clipped at 120
// characters, a redaction that stops at a character it did not expect) is still a leak.
const WINDOW = 16;
const windows = new Map<string, string>();
for (const [name, value] of Object.entries(canaries)) {
  for (let start = 0; start + WINDOW <= value.length; start += 1) windows.set(value.slice(start, start + WINDOW), name);
}

/** The canaries `text` holds a piece of. */
function leakedIn(text: string): string[] {
  const found = new Set<string>();
  for (let start = 0; start + WINDOW <= text.length; start += 1) {
    const name = windows.get(text.slice(start, start + WINDOW));
    if (name) found.add(name);
  }
  return [...found];
}

// Counters for the summary line.
let scenarios = 0;
let checks = 0;
const leaks: string[] = [];

/** One check: `text` must hold no canary. Returns what leaked, so the test can fail with it. */
function check(where: string, text: string): string[] {
  checks += 1;
  const found = leakedIn(text);
  if (found.length > 0) leaks.push(`${where}: ${found.join(", ")}`);
  return found.map((name) => `${where} holds the ${name} canary`);
}

/** Every way a log line could show a value. */
function renderings(value: unknown): Array<[string, string]> {
  const json = (() => {
    try {
      return JSON.stringify(value) ?? "undefined";
    } catch (error) {
      return `JSON.stringify threw ${String(error)}`;
    }
  })();
  return [
    ...(value instanceof Error
      ? ([
          ["message", value.message],
          ["stack", String(value.stack)],
        ] as Array<[string, string]>)
      : []),
    ["JSON.stringify", json],
    ["util.inspect", inspect(value, { depth: Infinity, showHidden: true })],
    ["String", String(value)],
  ];
}

/** The error, its causes and (for AggregateError) its errors: every link a logger may print. */
function chain(subject: unknown): Array<[string, unknown]> {
  const links: Array<[string, unknown]> = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (value === undefined || seen.has(value) || depth > 10) return;
    seen.add(value);
    links.push([path, value]);
    if (typeof value !== "object" || value === null) return;
    if ("cause" in value) visit(value.cause, `${path}.cause`, depth + 1);
    if (value instanceof AggregateError)
      value.errors.forEach((inner: unknown, index) => visit(inner, `${path}.errors[${index}]`, depth + 1));
  };
  visit(subject, "error", 0);
  return links;
}

/** Counts a scenario and checks every rendering of the subject (an error, a credential) and of each cause. */
function expectNoSecrets(name: string, subject: unknown): void {
  scenarios += 1;
  const problems = chain(subject).flatMap(([path, link]) =>
    renderings(link).flatMap(([how, text]) => check(`${name}: ${how}(${path})`, text)),
  );
  expect(problems).toEqual([]);
}

/** Runs a call that must fail, and returns what it threw. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("the call was expected to fail but succeeded");
}

// ---------------------------------------------------------------------------------------------------------------
// Output capture: everything written through console.*, process.stdout, process.stderr and process warnings.

const output: string[] = [];
const restorers: Array<() => void> = [];
const onWarning = (warning: Error) => output.push(`warning: ${warning.name}: ${warning.message}`);

function captureOutput(): void {
  for (const method of ["log", "info", "warn", "error", "debug", "trace", "dir"] as const) {
    const original = console[method].bind(console);
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(format(...args));
      original(...(args as []));
    });
    restorers.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    const spy = vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      output.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return original(chunk, ...rest);
    }) as typeof stream.write);
    restorers.push(() => spy.mockRestore());
  }
  process.on("warning", onWarning);
  restorers.push(() => process.off("warning", onWarning));
}

// ---------------------------------------------------------------------------------------------------------------
// A scripted Partner Center stand-in on 127.0.0.1: each test sets how it answers, and it records the Authorization
// header of every request so a test can show the canary really was sent (and so was there to leak).

type Script = (request: IncomingMessage, response: ServerResponse, index: number) => void;

interface Api {
  url: string;
  authorizations: Array<string | undefined>;
  play(script: Script): void;
  close(): Promise<void>;
}

async function startApi(): Promise<Api> {
  const authorizations: Array<string | undefined> = [];
  let script: Script = (_, response) => void response.writeHead(500).end();
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      authorizations.push(request.headers.authorization);
      script(request, response, authorizations.length - 1);
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    authorizations,
    play(next) {
      authorizations.length = 0;
      script = next;
    },
    close: () => closeServer(server),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify(body));
}

/** What a hostile or careless service does with the Authorization header: quotes it everywhere it can. */
function echoed(request: IncomingMessage): { header: string; token: string } {
  const header = request.headers.authorization ?? "";
  return { header, token: header.replace(/^Bearer\s+/i, "") };
}

/** An answer of `status` with a ServiceFault that echoes the Authorization header (see echoFault). */
function echoing(status: number, code: number | undefined, words: string) {
  return (request: IncomingMessage, response: ServerResponse) => json(response, status, echoFault(request, code, words));
}

/** A ServiceFault whose description, data and source echo the Authorization header and the bare token. */
function echoFault(request: IncomingMessage, code: number | undefined, words: string) {
  const { header, token } = echoed(request);
  return {
    ...(code !== undefined && { code }),
    description: `${words} Request had Authorization: ${header}; token ${token}`,
    data: [header, token, `token=${token}`],
    source: `PartnerCenter.Gateway ${token}`,
  };
}

const subscription = {
  id: subscriptionId,
  friendlyName: "Sales",
  quantity: 5,
  autoRenewEnabled: true,
  status: "active",
  attributes: { etag: "etag-1", objectType: "Subscription" },
};
const upgrade = { targetOffer: { id: "offer-1", name: "Microsoft 365 E3" }, upgradeType: "upgrade_only", isEligible: true, quantity: 5 };

// ---------------------------------------------------------------------------------------------------------------

let api: Api;
let tokenEndpoint: FakeTokenEndpoint;

/** A client over the scripted API with the JWT canary as its token, quick retries and a short timeout. */
function client(options: Partial<PartnerCenterClientOptions> = {}): PartnerCenterClient {
  return createPartnerCenterClient({
    credential: staticCredential(canaries.access),
    baseUrl: api.url,
    retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 60_000 },
    timeoutMs: 2_000,
    ...options,
  });
}

/** A credential handing out the given tokens in turn (the last one again when they run out). */
function tokensInTurn(...tokens: string[]): TokenCredential {
  let next = 0;
  return {
    async getToken(): Promise<AccessToken> {
      const token = tokens[Math.min(next++, tokens.length - 1)]!;
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

function refreshTokenCredential(onRefreshTokenRotated?: (token: string) => void): RefreshTokenCredential {
  return new RefreshTokenCredential({
    tenantId: "partner.onmicrosoft.com",
    clientId: "app-client-id",
    clientSecret: canaries.secret,
    refreshToken: canaries.refresh,
    authorityHost: tokenEndpoint.authorityHost,
    fetch: tokenEndpoint.fetch,
    ...(onRefreshTokenRotated && { onRefreshTokenRotated }),
  });
}

beforeAll(async () => {
  captureOutput();
  api = await startApi();
  tokenEndpoint = await startFakeTokenEndpoint();
});

afterAll(async () => {
  // msal may only ever have asked the fake authority.
  expect(tokenEndpoint?.strayUrls).toEqual([]);
  await api?.close();
  await tokenEndpoint?.close();
  for (const restore of restorers.splice(0)) restore();
  // What the tests above wrote: each captured write, and all of them joined (a canary split across two writes).
  for (const [index, text] of output.entries()) check(`output #${index}`, text);
  check("all output", output.join(""));
  console.log(`secrets: ${scenarios} scenarios, ${checks} checks, leaks: ${leaks.length}`);
  expect(leaks).toEqual([]);
});

describe("output capture", () => {
  test("sees what is written through console, process.stdout and process.stderr", () => {
    const before = output.length;
    console.info("(secrets test: output capture probe)");
    process.stdout.write("(secrets test: output capture probe)\n");
    process.stderr.write("(secrets test: output capture probe)\n");
    expect(output.slice(before)).toEqual([
      "(secrets test: output capture probe)",
      "(secrets test: output capture probe)\n",
      "(secrets test: output capture probe)\n",
    ]);
  });
});

describe("every ServiceError status keeps the canaries out while the service echoes the Authorization header", () => {
  test.each([
    {
      name: "400 (BadRequestError)",
      type: BadRequestError,
      call: (pc: PartnerCenterClient) => pc.licenses.update(customerId, userId, { licensesToAssign: [{ skuId }] }),
      answer: echoing(400, 400017, "The request is invalid."),
      check: (error: unknown) =>
        // The service's words stay; only the credential goes.
        expect((error as BadRequestError).description).toBe(
          "The request is invalid. Request had Authorization: Bearer [redacted]; token [redacted]",
        ),
    },
    {
      name: "400 code 60012 (LicenseQuotaExceededError)",
      type: LicenseQuotaExceededError,
      call: (pc: PartnerCenterClient) => pc.licenses.assign(customerId, userId, skuId),
      answer: echoing(400, 60012, "No licenses available for SKU."),
    },
    {
      name: "400 code 900316 (PartnerTokenNotAllowedError)",
      type: PartnerTokenNotAllowedError,
      call: (pc: PartnerCenterClient) => pc.licenses.listSubscribedSkus(customerId),
      answer: echoing(400, 900316, "Partner tokens are not allowed."),
    },
    {
      name: "400 code 2055 (StaleEtagError)",
      type: StaleEtagError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.update(customerId, subscription),
      answer: echoing(400, 2055, "The etag is stale."),
    },
    {
      name: "401 twice, after one token refresh (UnauthorizedError)",
      type: UnauthorizedError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.get(customerId, subscriptionId),
      answer: echoing(401, 401, "Token expired."),
      attempts: 2,
    },
    {
      name: "403 code 900309 (ConditionalAccessBlockedError)",
      type: ConditionalAccessBlockedError,
      call: (pc: PartnerCenterClient) => pc.licenses.listAssigned(customerId, userId),
      answer: echoing(403, 900309, "Blocked by Conditional Access."),
    },
    {
      name: "403 (ForbiddenError)",
      type: ForbiddenError,
      call: (pc: PartnerCenterClient) => pc.upgrades.list(customerId, subscriptionId),
      answer: echoing(403, 1000, "Forbidden."),
    },
    {
      name: "404 (NotFoundError)",
      type: NotFoundError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.get(customerId, subscriptionId),
      answer: echoing(404, 800002, "Subscription not found."),
    },
    {
      name: "409 (ConflictError)",
      type: ConflictError,
      call: (pc: PartnerCenterClient) => pc.upgrades.perform(customerId, subscriptionId, upgrade),
      answer: echoing(409, 800060, "Operation in progress."),
    },
    {
      name: "412 (StaleEtagError)",
      type: StaleEtagError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.update(customerId, subscription),
      answer: echoing(412, undefined, "Precondition failed."),
    },
    {
      name: "429 with a Retry-After longer than allowed (TooManyRequestsError)",
      type: TooManyRequestsError,
      call: (pc: PartnerCenterClient) => pc.upgrades.list(customerId, subscriptionId),
      answer: (request: IncomingMessage, response: ServerResponse) =>
        json(
          response,
          429,
          { statusCode: 429, message: `Rate limit is exceeded for ${echoed(request).header}. Try again in 120 seconds.` },
          { "Retry-After": "120" },
        ),
      check: (error: unknown) => expect((error as TooManyRequestsError).retryAfterMs).toBe(120_000),
    },
    {
      name: "500 after a retry (ServerError)",
      type: ServerError,
      call: (pc: PartnerCenterClient) => pc.licenses.remove(customerId, userId, skuId),
      answer: echoing(500, 800003, "Try again later."),
      attempts: 2,
    },
    {
      name: "an HTML 502 whose title quotes the header (ServerError)",
      type: ServerError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.get(customerId, subscriptionId),
      answer: (request: IncomingMessage, response: ServerResponse) =>
        void response
          .writeHead(502, { "Content-Type": "text/html" })
          .end(
            `<!DOCTYPE html><html><head><title>502 Bad Gateway for ${echoed(request).header}</title></head><body>${echoed(request).token}</body></html>`,
          ),
      attempts: 2,
    },
    {
      name: "an empty 503 (ServerError)",
      type: ServerError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.get(customerId, subscriptionId),
      answer: (_: IncomingMessage, response: ServerResponse) => void response.writeHead(503).end(),
      attempts: 2,
    },
    {
      name: "a text 500 that quotes the header (ServerError)",
      type: ServerError,
      call: (pc: PartnerCenterClient) => pc.subscriptions.get(customerId, subscriptionId),
      answer: (request: IncomingMessage, response: ServerResponse) =>
        void response.writeHead(500, { "Content-Type": "text/plain" }).end(`upstream failed; Authorization: ${echoed(request).header}`),
      attempts: 2,
    },
  ])("keeps the canaries out of $name", async ({ name, type, call, answer, attempts = 1, check: extra }) => {
    // A hostile service: every answer quotes the Authorization header it got.
    api.play((request, response) => answer(request, response));
    const error = await failure(() => call(client()));
    expect(error).toBeInstanceOf(type);
    expect(api.authorizations).toEqual(Array.from({ length: attempts }, () => `Bearer ${canaries.access}`));
    extra?.(error);
    expectNoSecrets(name, error);
  });
});

describe("redaction keeps the service's own words", () => {
  test("leaves a description without a credential as the service wrote it", async () => {
    const words = "Microsoft 365 Business Basic is not eligible; the Bearer token lacks the user_impersonation scope.";
    api.play((_, response) => json(response, 400, { code: 400017, description: words, data: ["Business Basic"] }));
    const error = (await failure(() => client().subscriptions.get(customerId, subscriptionId))) as BadRequestError;
    expect(error.description).toBe(words);
    expect(error.data).toEqual(["Business Basic"]);
    expect(error.message).toContain(words);
  });
});

describe("answers that are not errors by status keep the canaries out", () => {
  test("keeps the canaries out of a cut-off 200 (UnexpectedResponseError)", async () => {
    api.play((request, response) => {
      const body = JSON.stringify({ ...subscription, friendlyName: echoed(request).header });
      response.writeHead(200, { "Content-Type": "application/json" }).end(body.slice(0, body.length - 20));
    });
    const error = await failure(() => client().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expectNoSecrets("cut-off 200", error);
  });

  test("keeps the canaries out of a 200 whose strict-mode enum value quotes the header (UnexpectedResponseError)", async () => {
    api.play((request, response) =>
      json(response, 200, { ...subscription, status: echoed(request).header, billingCycle: echoed(request).token }),
    );
    const error = await failure(() => client({ validation: "strict" }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expectNoSecrets("misshaped 200", error);
  });

  test("keeps the canaries out of a 200 upgrade answer listing upgradeErrors that quote the header (UpgradeRejectedError)", async () => {
    api.play((request, response) =>
      json(response, 200, {
        sourceSubscriptionId: subscriptionId,
        status: "failed",
        upgradeErrors: [
          { code: "other", description: `Rejected for ${echoed(request).header}`, additionalDetails: `token ${echoed(request).token}` },
        ],
      }),
    );
    const error = await failure(() => client().upgrades.perform(customerId, subscriptionId, upgrade));
    expect(error).toBeInstanceOf(UpgradeRejectedError);
    expectNoSecrets("upgrade rejected", error);
  });

  test("keeps the canaries out of a modify that meets a stale etag on every round (StaleEtagError)", async () => {
    api.play((request, response) =>
      request.method === "GET" ? json(response, 200, subscription) : json(response, 400, echoFault(request, 2055, "The etag is stale.")),
    );
    const error = await failure(() => client().subscriptions.setAutoRenew(customerId, subscriptionId, false, { maxAttempts: 2 }));
    expect(error).toBeInstanceOf(StaleEtagError);
    expect(api.authorizations).toHaveLength(4);
    expectNoSecrets("modify stale etag", error);
  });
});

describe("failures without an answer keep the canaries out", () => {
  test("keeps the canaries out of a refused connection (NetworkError)", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    const error = await failure(() => client({ baseUrl }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecrets("connection refused", error);
  });

  test("keeps the canaries out of a connection dropped in the middle of the body", async () => {
    api.play((request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "4096" });
      response.write(`{"friendlyName":"${echoed(request).header}",`);
      setTimeout(() => response.destroy(), 10);
    });
    const error = await failure(() => client().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecrets("dropped body", error);
  });

  test("keeps the canaries out of a timeout (TimeoutError)", async () => {
    api.play(() => undefined);
    const error = await failure(() => client({ timeoutMs: 100, retry: false }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(TimeoutError);
    expectNoSecrets("timeout", error);
  });

  test("keeps the canaries out of an abort in flight (AbortedError)", async () => {
    api.play(() => undefined);
    const error = await failure(() => client().subscriptions.get(customerId, subscriptionId, { signal: AbortSignal.timeout(50) }));
    expect(error).toBeInstanceOf(AbortedError);
    expectNoSecrets("abort in flight", error);
  });

  test("keeps the canaries out of an abort during the wait before a retry (AbortedError)", async () => {
    api.play((request, response) => json(response, 503, echoFault(request, 503, "Busy."), { "Retry-After": "30" }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(() => client().subscriptions.get(customerId, subscriptionId, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expectNoSecrets("abort in retry wait", error);
  });
});

describe("a service echoing an opaque (non-JWT) token cannot make the library leak it", () => {
  const opaqueClient = (options: Partial<PartnerCenterClientOptions> = {}) =>
    client({ credential: staticCredential(canaries.opaque), ...options });

  test("keeps an echoed opaque token out of the description, data and source of a 400", async () => {
    api.play((request, response) => json(response, 400, echoFault(request, 400017, "Invalid.")));
    const error = await failure(() => opaqueClient().licenses.update(customerId, userId, { licensesToAssign: [{ skuId }] }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(api.authorizations).toEqual([`Bearer ${canaries.opaque}`]);
    expect((error as BadRequestError).description).toContain("Authorization: Bearer [redacted]");
    expectNoSecrets("opaque echo 400", error);
  });

  test("keeps an opaque token written with JSON escapes out of the description", async () => {
    api.play((request, response) => {
      const escaped = [...echoed(request).token].map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
      response
        .writeHead(404, { "Content-Type": "application/json" })
        .end(`{"code":800002,"description":"Not found for ${escaped}","data":["${escaped}"]}`);
    });
    const error = await failure(() => opaqueClient().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(NotFoundError);
    expectNoSecrets("opaque escaped echo", error);
  });

  test("keeps an opaque token quoted in an HTML 502 title out of the description", async () => {
    api.play(
      (request, response) =>
        void response
          .writeHead(502, { "Content-Type": "text/html" })
          .end(`<html><head><title>Bad gateway: ${echoed(request).token}</title></head></html>`),
    );
    const error = await failure(() => opaqueClient().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(ServerError);
    expectNoSecrets("opaque HTML title", error);
  });

  test("keeps an opaque token echoed in the MS-RequestId and MS-CorrelationId headers of an error out of the ids", async () => {
    api.play((request, response) =>
      json(
        response,
        404,
        { code: 800002, description: "Not found." },
        { "MS-RequestId": echoed(request).token, "MS-CorrelationId": echoed(request).header },
      ),
    );
    const error = await failure(() => opaqueClient().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(NotFoundError);
    expectNoSecrets("opaque ids echo on 404", error);
  });

  test("keeps an opaque token echoed in the id headers of a cut-off 200 out of the ids", async () => {
    api.play(
      (request, response) =>
        void response
          .writeHead(200, {
            "Content-Type": "application/json",
            "MS-RequestId": echoed(request).token,
            "MS-CorrelationId": echoed(request).header,
          })
          .end('{"id":"'),
    );
    const error = await failure(() => opaqueClient().subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expectNoSecrets("opaque ids echo on 200", error);
  });

  test("keeps an opaque token quoted in a 200 upgrade answer out of UpgradeRejectedError and its result", async () => {
    api.play((request, response) =>
      json(response, 200, { status: "failed", upgradeErrors: [{ code: 4, description: `Conflict for token ${echoed(request).token}` }] }),
    );
    const error = await failure(() => opaqueClient().upgrades.perform(customerId, subscriptionId, upgrade));
    expect(error).toBeInstanceOf(UpgradeRejectedError);
    expect((error as UpgradeRejectedError).result.upgradeErrors).toEqual([
      { code: "concurrency_conflicts", description: "Conflict for token [redacted]" },
    ]);
    expectNoSecrets("opaque upgrade rejected", error);
  });

  test("keeps an opaque token out of a network failure whose error quotes the request's Authorization header", async () => {
    const proxy = async (request: Request): Promise<Response> => {
      const header = request.headers.get("Authorization") ?? "";
      throw new TypeError(`proxy refused ${request.method} ${request.url}; token ${header.replace(/^Bearer /, "")}`, {
        cause: Object.assign(new Error(`upstream closed; sent headers: Authorization=${header}`), {
          code: "ECONNRESET",
          sent: { authorization: header },
        }),
      });
    };
    const error = await failure(() => opaqueClient({ fetch: proxy }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoSecrets("opaque proxy failure", error);
  });

  test("keeps both tokens of a call out when the answer after a 401 refresh echoes the refused one", async () => {
    const seen: string[] = [];
    api.play((request, response, index) => {
      seen.push(echoed(request).token);
      if (index === 0) return json(response, 401, echoFault(request, 401, "Expired."));
      json(response, 500, { code: 800003, description: `Tokens seen: ${seen.join(" and ")}`, data: seen });
    });
    const error = await failure(() =>
      opaqueClient({ credential: tokensInTurn(canaries.opaque, canaries.opaqueNext) }).subscriptions.get(customerId, subscriptionId),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(api.authorizations).toEqual([`Bearer ${canaries.opaque}`, `Bearer ${canaries.opaqueNext}`, `Bearer ${canaries.opaqueNext}`]);
    expectNoSecrets("opaque refused token echo", error);
  });
});

describe("credentials that fail with the secrets in their words keep them out", () => {
  const form = `client_id=app-client-id&client_secret=${encodeURIComponent(canaries.secret)}&grant_type=refresh_token&refresh_token=${encodeURIComponent(canaries.refresh)}`;

  test("keeps the canaries out of an AADSTS-style credential error quoting the request, with a cause and a response object", async () => {
    const failing: TokenCredential = {
      async getToken() {
        const inner = new Error(
          `POST https://login.microsoftonline.com/t/oauth2/v2.0/token body: client_secret=${canaries.secret}&refresh_token=${canaries.refresh}`,
        );
        throw Object.assign(
          new Error(
            `AADSTS7000215: Invalid client secret provided. Request body: ${form}. Previous header: Authorization: Bearer ${canaries.access}. JSON: {"refresh_token":"${canaries.refresh}","client_secret":"${canaries.secret}"}`,
            { cause: inner },
          ),
          {
            name: "CredentialError",
            errorResponse: {
              error: "invalid_client",
              error_description: `client_secret=${canaries.secret}`,
              body: { refresh_token: canaries.refresh, access_token: canaries.access },
            },
          },
        );
      },
    };
    api.play((_, response) => json(response, 200, subscription));
    const error = await failure(() => client({ credential: failing }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(api.authorizations).toEqual([]);
    expectNoSecrets("credential error", error);
  });

  test("keeps the canaries out of a credential that throws a string", async () => {
    const failing: TokenCredential = {
      getToken: () => Promise.reject(`token request failed: refresh_token=${canaries.refresh}; password=${canaries.secret}`),
    };
    const error = await failure(() => client({ credential: failing }).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecrets("credential string", error);
  });
});

describe("RefreshTokenCredential against a local token endpoint keeps the canaries out", () => {
  const rtcClient = (credential: TokenCredential) => client({ credential });

  test("keeps the canaries out of an invalid_grant that echoes the secret, the refresh token and a JWT", async () => {
    tokenEndpoint.answerWith(({ form }) =>
      oauthErrorAnswer(
        "invalid_grant",
        `AADSTS70000: The provided grant is invalid. Got ${form.get("refresh_token")} with secret ${form.get("client_secret")}; last token ${canaries.access}`,
      ),
    );
    const error = await failure(() => rtcClient(refreshTokenCredential()).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(tokenEndpoint.requests.at(-1)?.form.get("client_secret")).toBe(canaries.secret);
    expectNoSecrets("invalid_grant echo", error);
  });

  test("keeps the canaries out of an invalid_client (HTTP 401) that quotes the request body", async () => {
    tokenEndpoint.answerWith(({ form }) =>
      oauthErrorAnswer("invalid_client", `AADSTS7000215: Invalid client secret provided. Request: ${form.toString()}`, 401),
    );
    const error = await failure(() => rtcClient(refreshTokenCredential()).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecrets("invalid_client echo", error);
  });

  test("keeps the canaries out when the token endpoint cannot be reached and the failure quotes the request", async () => {
    const credential = new RefreshTokenCredential({
      tenantId: "partner.onmicrosoft.com",
      clientId: "app-client-id",
      clientSecret: canaries.secret,
      refreshToken: canaries.refresh,
      authorityHost: tokenEndpoint.authorityHost,
      fetch: async (input, init) => {
        throw new TypeError(`proxy refused ${String(input)} with body ${String(init?.body)}`, {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { body: init?.body }),
        });
      },
    });
    const error = await failure(() => rtcClient(credential).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecrets("token endpoint unreachable", error);
  });

  test("keeps the canaries out of a token endpoint that answers an HTML page", async () => {
    tokenEndpoint.answerWith(() => ({ status: 500, body: `<html><title>${canaries.secret}</title></html>` }));
    const error = await failure(() => rtcClient(refreshTokenCredential()).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecrets("token endpoint HTML", error);
  });

  test("keeps the canary token out when the API answers 401 twice to the token the endpoint issued", async () => {
    tokenEndpoint.requests.length = 0;
    tokenEndpoint.answerWith(() => tokenAnswer({ accessToken: canaries.access, refreshToken: canaries.rotated }));
    api.play((request, response) => json(response, 401, echoFault(request, 401, "Token rejected.")));
    const error = await failure(() => rtcClient(refreshTokenCredential()).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(tokenEndpoint.requests.map((request) => request.form.get("refresh_token"))).toEqual([canaries.refresh, canaries.rotated]);
    expect(api.authorizations).toEqual([`Bearer ${canaries.access}`, `Bearer ${canaries.access}`]);
    expectNoSecrets("issued token refused", error);
  });

  test("keeps the canaries out when onRefreshTokenRotated fails with the new refresh token in its words", async () => {
    tokenEndpoint.answerWith(() => tokenAnswer({ accessToken: canaries.access, refreshToken: canaries.rotated }));
    const credential = refreshTokenCredential((next) => {
      throw new Error(`vault refused to store ${next} (previous ${canaries.refresh}, token ${canaries.access})`);
    });
    const error = await failure(() => rtcClient(credential).subscriptions.get(customerId, subscriptionId));
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecrets("rotation callback", error);
  });

  test("hides the secret and both refresh tokens from util.inspect, JSON.stringify and String of a used credential", async () => {
    tokenEndpoint.answerWith(() => tokenAnswer({ accessToken: canaries.access, refreshToken: canaries.rotated }));
    api.play((_, response) => json(response, 200, subscription));
    const credential = refreshTokenCredential();
    const pc = rtcClient(credential);
    await pc.subscriptions.get(customerId, subscriptionId);
    expect(JSON.parse(JSON.stringify(credential))).toEqual({
      tenantId: "partner.onmicrosoft.com",
      clientId: "app-client-id",
      authorityHost: tokenEndpoint.authorityHost,
    });
    expectNoSecrets("credential renderings", credential);
    expectNoSecrets("client renderings", pc);
  });
});

describe("base URLs", () => {
  test.each([
    ["plain http to a public host", "http://api.partnercenter.microsoft.com/v1"],
    ["plain http to a private address", "http://10.0.0.5/v1"],
    ["plain http to a host that starts like a loopback address", "http://127.0.0.1.example.com/v1"],
    ["plain http to a host that starts with localhost", "http://localhost.example.com/v1"],
    ["https with the client secret as the URL's password", `https://app:${canaries.secret}@api.partnercenter.microsoft.com/v1`],
  ])("refuses %s with a clear InvalidInputError", (label, baseUrl) => {
    const error = (() => {
      try {
        createPartnerCenterClient({ credential: staticCredential(canaries.access), baseUrl });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toContain(
      "options.baseUrl must be an absolute https URL (http only for localhost/loopback)",
    );
    expectNoSecrets(`baseUrl: ${label}`, error);
  });
});
