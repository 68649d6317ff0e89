import { readFileSync } from "node:fs";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import YAML from "yaml";
import { createPartnerCenterClient } from "../src/index.js";

/**
 * A credential that always hands out the same token, for tests that do not exercise auth; `delayMs` makes each
 * request for a token take that long. `calls` counts the requests.
 */
export function staticCredential(token = "test-token", expiresInMs = 3_600_000, delayMs = 0): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      credential.calls += 1;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { token, expiresOnTimestamp: Date.now() + expiresInMs };
    },
  };
  return credential;
}

/** mulberry32: a small seeded generator, so that a run draws the same numbers every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let specExamples: Record<string, { value: unknown }> | undefined;

/** A fresh copy of a named example of the spec (components/examples); the spec is read on first use. */
export function specExample<T = Record<string, unknown>>(name: string): T {
  specExamples ??= (
    YAML.parse(readFileSync(new URL("../openapi/partner-center.yaml", import.meta.url), "utf8")) as {
      components: { examples: Record<string, { value: unknown }> };
    }
  ).components.examples;
  const found = specExamples[name];
  if (found === undefined) throw new Error(`the spec has no example ${name}`);
  return structuredClone(found.value) as T;
}

/** Ids used across the tests; the GUIDs are the ones the spec's examples use. */
export const ids = {
  customerId: "0c39d6d5-c70d-4c55-bc02-f620844f3fd1",
  userId: "554526aa-cf5e-46fa-95df-98dbc55d8a1e",
  userPrincipalName: "adele.vance@contoso.onmicrosoft.com",
  subscriptionId: "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
  skuId: "f8a1db68-be16-40ed-86d5-cb42ce701560",
} as const;

/**
 * A fetch over the real one that records each request and any `sl-violations` Prism reports, and can ask
 * Prism for a given answer (`Prefer: code=400, example=...`) on the next request.
 */
export function recordingFetch(base: (request: Request) => Promise<Response> = (request) => fetch(request)) {
  const requests: Request[] = [];
  const violations: string[] = [];
  let preferNext: { value: string; method: string | undefined } | undefined;
  return {
    requests,
    violations,
    /** The next request (with this method, if given) asks the mock for this answer. */
    prefer(value: string, method?: string) {
      preferNext = { value, method };
    },
    async fetch(request: Request): Promise<Response> {
      if (preferNext && (preferNext.method === undefined || preferNext.method === request.method)) {
        request.headers.set("Prefer", preferNext.value);
        preferNext = undefined;
      }
      requests.push(request.clone());
      const response = await base(request);
      const flagged = response.headers.get("sl-violations");
      if (flagged) violations.push(`${request.method} ${new URL(request.url).pathname}: ${flagged}`);
      return response;
    },
  };
}

/** A JSON response with the given status and headers. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** Every value of an async iterable, in order (Array.fromAsync needs Node 22). */
export async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const result of results) all.push(result);
  return all;
}

/** A client without retries over a fake service: `answer` gives each request's response; `requests` keeps them all. */
export function fakeServiceClient(answer: (request: Request, requests: readonly Request[]) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const pc = createPartnerCenterClient({
    credential: staticCredential(),
    retry: false,
    fetch: async (request) => {
      requests.push(request);
      return answer(request, requests);
    },
  });
  return { pc, requests };
}
