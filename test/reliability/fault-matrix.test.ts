/**
 * Every public method against every fault the fault server plays, each case with one asserted outcome: success
 * after retrying, or one typed error. Every case also checks that a logical call keeps one MS-RequestId, that a
 * write is applied at most once, that attempts and time stay within what the options allow, and that no
 * exchange is left open on the server.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  NetworkError,
  NotFoundError,
  type PartnerCenterError,
  ServerError,
  StaleEtagError,
  TimeoutError,
  TooManyRequestsError,
  UnexpectedResponseError,
} from "../../src/index.js";
import { clientOf, type Fault, faults, type PublicMethod, publicMethods, type RecordedRequest, startFaultServer } from "../fault-server.js";
import { staticCredential } from "../helpers.js";

const retry = { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 };
// Long enough that a loaded CI machine answers a healthy attempt in time; short enough to keep hangs cheap.
const timeoutMs = 500;
// Slack for scheduling on a loaded machine (five cases run at once); the bound stays far below a hang.
const marginMs = 1000;
const everyAttempt = retry.maxRetries + 1;

type ErrorClass = abstract new (...args: never[]) => PartnerCenterError;

/** What a case must end in; `attempts` counts the requests the faulted operation receives. */
interface Expectation {
  error?: ErrorClass;
  /** Fields the error must have (e.g. its description). */
  fields?: Record<string, unknown>;
  attempts: number;
  /** Logical calls of the faulted operation, each with its own MS-RequestId; default 1. */
  calls?: number;
  /** Token requests the credential gets; default 1. */
  tokenRequests?: number;
  /** Retry-After the client must have waited, at least (server-side gap between first and last attempt). */
  waitsMs?: number;
}

interface Scenario {
  name: string;
  faults: Fault[];
  expect(method: PublicMethod): Expectation;
}

const always = (make: () => Fault): Fault[] => Array.from({ length: everyAttempt }, make);
const succeeds =
  (attempts: number, more: Partial<Expectation> = {}) =>
  (): Expectation => ({ attempts, ...more });
const fails = (error: ErrorClass, attempts: number, fields?: Record<string, unknown>) => (): Expectation => ({
  error,
  attempts,
  ...(fields && { fields }),
});

const scenarios: Scenario[] = [
  { name: "503 once", faults: [faults.status(503)], expect: succeeds(2) },
  { name: "503 with Retry-After in seconds", faults: [faults.retryAfterSeconds(503, 1)], expect: succeeds(2, { waitsMs: 1000 }) },
  { name: "503 with Retry-After as an HTTP date", faults: [faults.retryAfterDate(503, 1500)], expect: succeeds(2) },
  { name: "429 storm within maxRetryAfterMs", faults: faults.tooManyRequests(2, 1), expect: succeeds(3, { waitsMs: 2000 }) },
  {
    name: "429 storm past maxRetries",
    faults: faults.tooManyRequests(everyAttempt, 0),
    expect: fails(TooManyRequestsError, everyAttempt, { status: 429, retryAfterMs: 0 }),
  },
  {
    name: "429 asking for more than maxRetryAfterMs",
    faults: faults.tooManyRequests(1, 3),
    expect: fails(TooManyRequestsError, 1, { retryAfterMs: 3000 }),
  },
  { name: "connection dropped before headers once", faults: [faults.dropBeforeHeaders()], expect: succeeds(2) },
  {
    name: "connection dropped before headers every time",
    faults: always(faults.dropBeforeHeaders),
    expect: fails(NetworkError, everyAttempt),
  },
  { name: "connection dropped after headers once", faults: [faults.dropAfterHeaders()], expect: succeeds(2) },
  { name: "connection dropped mid-body once", faults: [faults.dropMidBody()], expect: succeeds(2) },
  { name: "connection dropped mid-body every time", faults: always(faults.dropMidBody), expect: fails(NetworkError, everyAttempt) },
  { name: "hang once", faults: [faults.hang()], expect: succeeds(2) },
  { name: "hang every time", faults: always(faults.hang), expect: fails(TimeoutError, everyAttempt) },
  { name: "slow body", faults: [faults.slowBody()], expect: succeeds(1) },
  { name: "body stalled every time", faults: always(faults.stalledBody), expect: fails(TimeoutError, everyAttempt) },
  { name: "empty 2xx", faults: [faults.emptySuccess()], expect: fails(UnexpectedResponseError, 1, { problems: ["the body was empty"] }) },
  {
    name: "empty 503 every time",
    faults: always(() => faults.emptyError(503)),
    expect: fails(ServerError, everyAttempt, { status: 503, description: "the error body was empty" }),
  },
  { name: "HTML 502 once", faults: [faults.html(502)], expect: succeeds(2) },
  {
    name: "HTML 502 every time",
    faults: always(() => faults.html(502)),
    expect: fails(ServerError, everyAttempt, { status: 502, description: 'the error body was an HTML page ("502 Bad Gateway")' }),
  },
  {
    name: "truncated JSON 2xx",
    faults: [faults.truncatedJson()],
    expect: fails(UnexpectedResponseError, 1, { problems: [expect.stringContaining("not valid JSON")] }),
  },
  {
    name: "malformed JSON 2xx",
    faults: [faults.malformedJson()],
    expect: fails(UnexpectedResponseError, 1, { problems: [expect.stringContaining("not valid JSON")] }),
  },
  { name: "401 once", faults: [faults.unauthorized()], expect: succeeds(2, { tokenRequests: 2 }) },
  {
    name: "2055 stale etag once",
    faults: [faults.staleEtag()],
    expect: (method) =>
      method.rereadsOnStaleEtag ? { attempts: 2, calls: 2 } : { error: StaleEtagError, attempts: 1, fields: { status: 400, code: 2055 } },
  },
  { name: "404, never retried", faults: [faults.status(404)], expect: fails(NotFoundError, 1, { status: 404 }) },
];

/** The longest a case may take: every logical call using all its attempts, timeouts and waits, plus the Retry-After asked. */
function deadlineMs(method: PublicMethod, scenario: Scenario): number {
  const perCallMs = (retry.maxRetries + 2) * timeoutMs + retry.maxRetries * retry.maxDelayMs;
  // A read-modify-write is two logical calls (GET, PATCH) per round.
  const calls = (method.rereadsOnStaleEtag ? 2 : 1) * (scenario.expect(method).calls ?? 1);
  const honouredMs = scenario.faults.map((fault) => fault.retryAfterMs ?? 0).filter((ms) => ms <= retry.maxRetryAfterMs);
  return calls * perCallMs + honouredMs.reduce((sum, ms) => sum + ms, 0) + marginMs;
}

/** Runs one method against one script on a fresh server and returns everything the checks need. */
async function play(method: PublicMethod, scenario: Scenario) {
  const server = await startFaultServer();
  try {
    server.script(method.target, scenario.faults);
    const credential = staticCredential();
    const pc = clientOf(server, { credential, retry, timeoutMs });
    const startedAt = Date.now();
    const error = await method.call(pc, {}).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { error, elapsedMs: Date.now() - startedAt, tokenRequests: credential.calls, server, leftOpen: await server.settle() };
  } finally {
    await server.close();
  }
}

/** Groups requests by MS-RequestId: one group per logical call. */
function byRequestId(requests: RecordedRequest[]): RecordedRequest[][] {
  const groups = new Map<string | undefined, RecordedRequest[]>();
  for (const request of requests) groups.set(request.requestId, [...(groups.get(request.requestId) ?? []), request]);
  return [...groups.values()];
}

const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);
let casesRun = 0;
let duplicateWrites = 0;

beforeAll(() => void process.on("unhandledRejection", collect));
afterAll(() => {
  process.off("unhandledRejection", collect);
  expect(unhandled).toEqual([]);
  console.log(
    `fault matrix: ${publicMethods.length} methods x ${scenarios.length} faults = ${casesRun} cases, duplicate writes: ${duplicateWrites}`,
  );
});

/** The expected outcome in words, for the test's name. */
function outcomeOf({ error, attempts }: Expectation): string {
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  return error ? `throws ${error.name} after ${tries}` : `succeeds after ${tries}`;
}

describe.each(publicMethods)("$name", (method) => {
  const cases = scenarios.map((scenario) => [scenario.name, outcomeOf(scenario.expect(method)), scenario] as const);
  test.concurrent.each(cases)("%s: %s", async (_fault, _outcome, scenario) => {
    const expected = scenario.expect(method);
    const { error, server, elapsedMs, tokenRequests, leftOpen } = await play(method, scenario);
    casesRun += 1;
    const applied = server.appliedWrites.size;
    duplicateWrites += Math.max(0, applied - 1);

    if (expected.error) {
      expect(error).toBeInstanceOf(expected.error);
      expect(error).toMatchObject(expected.fields ?? {});
    } else {
      expect(error).toBeUndefined();
    }
    const attempts = server.requestsOf(method.target);
    expect(attempts).toHaveLength(expected.attempts);
    expect(new Set(attempts.map((request) => request.requestId)).size).toBe(expected.calls ?? 1);
    expect(tokenRequests).toBe(expected.tokenRequests ?? 1);
    if (expected.waitsMs) expect(attempts.at(-1)!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(expected.waitsMs - 50);

    // Writes: applied once at most, and exactly once when the call succeeded.
    expect(applied).toBeLessThanOrEqual(1);
    if (method.write && !expected.error) expect(applied).toBe(1);
    // Every logical call: its own MS-RequestId, at most maxRetries + 1 attempts (+1 for the one token refresh).
    for (const call of byRequestId(server.requests)) {
      const refreshes = call.some((request) => request.answeredWith === "401") ? 1 : 0;
      expect(call.length).toBeLessThanOrEqual(retry.maxRetries + 1 + refreshes);
    }
    expect(elapsedMs).toBeLessThanOrEqual(deadlineMs(method, scenario));
    expect(leftOpen).toEqual({ busy: 0, open: 0 });
  });
});
