import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** A credential that always hands out the same token, for tests that do not exercise auth. */
export function staticCredential(token = "test-token", expiresInMs = 3_600_000): TokenCredential & { calls: number } {
  const credential = {
    calls: 0,
    async getToken(): Promise<AccessToken> {
      credential.calls += 1;
      return { token, expiresOnTimestamp: Date.now() + expiresInMs };
    },
  };
  return credential;
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
