import { describe, expect, test, vi } from "vitest";
import {
  AbortedError,
  createPartnerCenterClient,
  getResponseMeta,
  InvalidInputError,
  NetworkError,
  UnexpectedResponseError,
} from "../../src/index.js";
import { ids, staticCredential } from "../helpers.js";

/** A typed call's failures outside the retrying fetch (middleware on pc.raw), and its empty answers. */
const { customerId, subscriptionId } = ids;

function client(answer: () => Response = () => new Response("{}")) {
  const fetch = vi.fn(async () => answer());
  return { pc: createPartnerCenterClient({ credential: staticCredential(), retry: false, fetch }), fetch };
}

describe("a failure before any answer", () => {
  test("a middleware's error is a NetworkError naming the operation, its cause kept", async () => {
    const { pc, fetch } = client();
    const boom = new Error("proxy refused");
    pc.raw.use({
      onRequest: () => {
        throw boom;
      },
    });
    const error = await pc.subscriptions.get(customerId, subscriptionId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/^\S+ failed before an answer arrived: proxy refused$/);
    expect((error as Error).cause).toBe(boom);
    expect(fetch).not.toHaveBeenCalled();
  });

  test("a thrown string is quoted as it is", async () => {
    const { pc } = client();
    pc.raw.use({
      onRequest: () => {
        throw "no route";
      },
    });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).rejects.toThrow(/failed before an answer arrived: no route$/);
  });

  test("after the caller's abort it is an AbortedError", async () => {
    const { pc } = client();
    const controller = new AbortController();
    const stop = new Error("stopped");
    pc.raw.use({
      onRequest: () => {
        controller.abort();
        throw stop;
      },
    });
    const error = await pc.subscriptions.get(customerId, subscriptionId, { signal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toMatch(/^\S+ was aborted$/);
    expect((error as Error).cause).toBe(stop);
  });

  test("one of the library's own errors passes through unchanged", async () => {
    const { pc } = client();
    const own = new InvalidInputError("probe", ["x must be y"]);
    pc.raw.use({
      onRequest: () => {
        throw own;
      },
    });
    await expect(pc.subscriptions.get(customerId, subscriptionId)).rejects.toBe(own);
  });
});

describe("an empty answer", () => {
  test.each(["", "  \n"])("%j is an empty body, not invalid JSON", async (body) => {
    const { pc } = client(() => new Response(body, { status: 200 }));
    const error = await pc.subscriptions.get(customerId, subscriptionId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).problems).toEqual(["the body was empty"]);
  });
});

describe("an answer read through middleware", () => {
  test("with no body at all it is an empty body", async () => {
    const { pc } = client(() => new Response(null, { status: 200, headers: { "Content-Length": "0" } }));
    pc.raw.use({ onResponse: () => undefined });
    const error = await pc.subscriptions.get(customerId, subscriptionId).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).problems).toEqual(["the body was empty"]);
  });
});

describe("a write's answer", () => {
  const subscription = { id: subscriptionId, status: "active", autoRenewEnabled: true, attributes: { etag: "etag-1" } };
  const write = (answer: () => Response) => {
    let calls = 0;
    const { pc } = client(() => (calls++ === 0 ? answer() : new Response(JSON.stringify(subscription))));
    return pc.subscriptions.update(customerId, subscription);
  };

  test("a 202 with a blank body is read back by id", async () => {
    await expect(write(() => new Response(" \n", { status: 202 }))).resolves.toMatchObject({ id: subscriptionId });
  });

  test("a 202 with no body at all, read through middleware, is read back by id", async () => {
    let calls = 0;
    const { pc, fetch } = client(() =>
      calls++ === 0 ? new Response(null, { status: 202, headers: { "Content-Length": "0" } }) : new Response(JSON.stringify(subscription)),
    );
    pc.raw.use({ onResponse: () => undefined });
    const result = await pc.subscriptions.update(customerId, subscription);
    expect(result).toMatchObject({ id: subscriptionId });
    expect(getResponseMeta(result)?.status).toBe(202);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  test("a 200 with an empty body is not taken for a 202", async () => {
    const error = await write(() => new Response("", { status: 200 })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect((error as UnexpectedResponseError).problems).toEqual(["the body was empty"]);
  });

  test("the meta of an answer without Location has no location key", async () => {
    const result = await write(() => new Response(JSON.stringify(subscription)));
    expect(Object.keys(getResponseMeta(result) ?? {}).sort()).toEqual(["correlationId", "requestId", "status"]);
  });
});
