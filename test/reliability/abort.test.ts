/**
 * The caller's AbortSignal: it ends a request in flight and a pending retry wait at once, with AbortedError,
 * and nothing more reaches the server afterwards; an already-aborted signal sends nothing at all.
 */
import { setTimeout as delay } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, test, vi } from "vitest";
import { AbortedError } from "../../src/index.js";
import { clientOf, type FaultServer, faults, type PublicMethod, publicMethods, startFaultServer } from "../fault-server.js";

// Long enough that only the signal can end the call early: a timeout or the wait itself would take this long.
const waitMs = 1000;
const options = { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5000 }, timeoutMs: 5 * waitMs };

// Node's fetch reaches the Request's signal through a WeakRef: a garbage collection mid-request once cut the abort
// off from the socket. A test that collects at that moment proves it no longer does.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Runs a test against a server of its own (tests run concurrently), closed afterwards. */
function withServer(run: (server: FaultServer) => Promise<void>): () => Promise<void> {
  return async () => {
    const server = await startFaultServer();
    try {
      await run(server);
    } finally {
      await server.close();
    }
  };
}

/** Starts the call, aborts it once `ready` holds, and says how long the call took to end after the abort. */
async function abortWhen(server: FaultServer, method: PublicMethod, ready: () => boolean) {
  const controller = new AbortController();
  const pending = method.call(clientOf(server, options), { signal: controller.signal }).then(
    () => undefined,
    (error: unknown) => error,
  );
  await vi.waitFor(() => expect(ready()).toBe(true), { interval: 5, timeout: waitMs });
  const abortedAt = Date.now();
  controller.abort();
  const error = await pending;
  return { error, endedAfterMs: Date.now() - abortedAt };
}

function expectAborted(error: unknown): void {
  expect(error).toBeInstanceOf(AbortedError);
  expect((error as Error).message).toMatch(/was aborted/);
}

describe.concurrent.each(publicMethods)("$name", (method) => {
  const attemptsOn = (server: FaultServer) => server.requestsOf(method.target).length;

  test(
    "stops the request in flight with AbortedError when the signal fires",
    withServer(async (server) => {
      server.script(method.target, [faults.hang()]);
      const { error, endedAfterMs } = await abortWhen(server, method, () => attemptsOn(server) === 1);
      expectAborted(error);
      expect(endedAfterMs).toBeLessThan(waitMs);
      expect(await server.settle()).toEqual({ busy: 0, open: 0 });
      expect(attemptsOn(server)).toBe(1);
    }),
  );

  test(
    "closes the aborted exchange on the server even when a garbage collection runs mid-request",
    withServer(async (server) => {
      server.script(method.target, [faults.hang()]);
      const { error } = await abortWhen(server, method, () => attemptsOn(server) === 1 && (collectGarbage(), true));
      expectAborted(error);
      expect(await server.settle()).toEqual({ busy: 0, open: 0 });
    }),
  );

  test(
    "stops a pending retry wait with AbortedError and sends no further attempt",
    withServer(async (server) => {
      server.script(method.target, [faults.retryAfterSeconds(503, waitMs / 1000)]);
      // The 503 goes out at once: a few ms after the server saw the request, the client is waiting out Retry-After.
      const answered = () => attemptsOn(server) === 1 && Date.now() - server.requests.at(-1)!.receivedAt > 20;
      const { error, endedAfterMs } = await abortWhen(server, method, answered);
      expectAborted(error);
      expect(endedAfterMs).toBeLessThan(waitMs);
      await delay(waitMs + 100);
      expect(attemptsOn(server)).toBe(1);
    }),
  );

  test(
    "sends nothing when the signal is already aborted",
    withServer(async (server) => {
      const error = await method.call(clientOf(server, options), { signal: AbortSignal.abort() }).catch((caught: unknown) => caught);
      expectAborted(error);
      expect(server.requests).toEqual([]);
    }),
  );
});
