/**
 * What every example shares: the embedded Prism mock of openapi/partner-center.yaml and the client options
 * that point at it. Against the real service, pass a real credential (`new DefaultAzureCredential()`, or a
 * `RefreshTokenCredential` for license calls) and leave out `baseUrl` and `fetch`.
 */

import { startMockServer } from "../cli/src/mock-server.js";
import type { PartnerCenterClientOptions } from "../src/index.js";

/** The customer, user and subscription of the spec's examples. */
export const customerId = "0c39d6d5-c70d-4c55-bc02-f620844f3fd1";
export const userId = "adele.vance@contoso.onmicrosoft.com";
export const subscriptionId = "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e";

/** Picks the documented answer the mock serves for a request (Prism's `Prefer: code=..., example=...`). */
export type PreferRule = (request: Request) => string | undefined;

/** A running mock: client options for it, and ways to ask it for a documented error. */
export interface Mock {
  options: PartnerCenterClientOptions;
  /** Serve `prefer` (e.g. "code=404") to the next request only. */
  preferNext(prefer: string): void;
  /** Serve what `rule` picks to every request it picks one for. */
  preferWhen(rule: PreferRule | undefined): void;
  /** Requests sent so far, as "METHOD /path". */
  requests: string[];
  close(): Promise<void>;
}

// The mock checks that a bearer token is present, not what it says.
const credential = { getToken: async () => ({ token: "example-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** Starts the mock. Closing it fails the example (exit code 1) if the mock flagged a request as off-spec. */
export async function startMock(): Promise<Mock> {
  const server = await startMockServer();
  let next: string | undefined;
  let rule: PreferRule | undefined;
  const requests: string[] = [];
  const violations: string[] = [];
  async function fetchFromMock(request: Request): Promise<Response> {
    const prefer = next ?? rule?.(request);
    next = undefined;
    if (prefer) request.headers.set("Prefer", prefer);
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    const response = await fetch(request);
    const flagged = response.headers.get("sl-violations");
    if (flagged) violations.push(`${request.method} ${request.url}: ${flagged}`);
    return response;
  }
  return {
    options: { credential, baseUrl: server.url, fetch: fetchFromMock, applicationName: "partner-center-client examples" },
    preferNext: (prefer) => {
      next = prefer;
    },
    preferWhen: (picked) => {
      rule = picked;
    },
    requests,
    async close() {
      await server.close();
      if (violations.length > 0) {
        console.error(`The mock flagged ${violations.length} request(s) as not matching the spec:\n${violations.join("\n")}`);
        process.exitCode = 1;
      }
    },
  };
}
