/**
 * A thousand calls at once through one client: they share a single token request, and when a fifth of the
 * requests fail with 503 every call still finishes, keeping one MS-RequestId across its attempts, with each
 * write applied once.
 */
import { afterAll, afterEach, beforeEach, expect, test } from "vitest";
import { getResponseMeta } from "../../src/index.js";
import { clientOf, type FaultServer, faults, publicMethods, startFaultServer } from "../fault-server.js";
import { seededRandom, staticCredential } from "../helpers.js";

const callCount = 1000;
const failureRate = 0.2;
const figures = { tokenRequests: 0, succeeded: 0, duplicateWrites: 0 };
// A thousand calls take a second or two here; the default 5 s is too tight on a busy machine.
const testTimeoutMs = 30_000;

let server: FaultServer;
beforeEach(async () => {
  server = await startFaultServer();
});
afterEach(async () => {
  expect(await server.settle()).toEqual({ busy: 0, open: 0 });
  await server.close();
});
afterAll(() => {
  console.log(
    `concurrency: ${callCount} calls -> ${figures.tokenRequests} token requests; ` +
      `${callCount} calls with ${failureRate * 100}% 503 -> ${figures.succeeded} succeeded, duplicate writes: ${figures.duplicateWrites}`,
  );
});

test(
  "asks a slow credential once for a thousand concurrent calls that all need a token",
  async () => {
    const credential = staticCredential("slow-token", 3_600_000, 20);
    const pc = clientOf(server, { credential });
    // Every method that does not contend for one subscription's etag, in turn.
    const methods = publicMethods.filter((method) => method.target !== "updateSubscription");
    const results = await Promise.allSettled(
      Array.from({ length: callCount }, (_, index) => methods[index % methods.length]!.call(pc, {})),
    );
    figures.tokenRequests = credential.calls;
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(credential.calls).toBe(1);
    expect(new Set(server.requests.map((request) => request.headers.authorization))).toEqual(new Set(["Bearer slow-token"]));
  },
  testTimeoutMs,
);

test(
  "finishes a thousand concurrent reads and writes while a fifth of the requests fail with 503",
  async () => {
    const random = seededRandom(20_240_604);
    server.script("any", () => (random() < failureRate ? faults.status(503) : undefined));
    const pc = clientOf(server, { retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 30_000 });
    const [read, assign] = ["licenses.listSubscribedSkus", "licenses.assign"].map(
      (name) => publicMethods.find((method) => method.name === name)!,
    );
    const calls = Array.from({ length: callCount }, (_, index) => (index % 2 === 0 ? read! : assign!));
    const results = await Promise.allSettled(calls.map((method) => method.call(pc, {})));

    const succeeded = results.flatMap((result) => (result.status === "fulfilled" ? [result.value as object] : []));
    const writeCalls = calls.filter((method) => method.write).length;
    figures.succeeded = succeeded.length;
    figures.duplicateWrites = server.appliedWrites.size - writeCalls;
    expect(succeeded).toHaveLength(callCount);
    // The faults really happened: about a fifth of all requests.
    const failed = server.requests.filter((request) => request.answeredWith === "503").length;
    expect(failed / server.requests.length).toBeGreaterThan(failureRate / 2);
    // One id per logical call: the ids the answers echo are all different, and the server saw no other id.
    const echoed = new Set(succeeded.map((result) => getResponseMeta(result)?.requestId));
    expect(echoed.size).toBe(callCount);
    expect(new Set(server.requests.map((request) => request.requestId))).toEqual(echoed);
    expect(server.appliedWrites.size).toBe(writeCalls);
  },
  testTimeoutMs,
);
