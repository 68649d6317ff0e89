import type { TokenCredential } from "@azure/core-auth";

/** What the client needs to talk to the mock: where, through which fetch, with which credential. */
export interface MockTarget {
  baseUrl: string;
  fetch: (request: Request) => Promise<Response>;
  credential: TokenCredential;
  close(): Promise<void>;
}

/** How the CLI's mock is set up: `--mock-prefer` and the hidden `--mock-url` of a mock already running. */
export interface MockSettings {
  /** Sent as Prism's Prefer header, e.g. "code=400, example=licenseQuotaExceeded"; "PATCH code=409" only on PATCHes. */
  prefer?: string | undefined;
  /** Use this running mock instead of starting one (the tests share one Prism). */
  url?: string | undefined;
  /** Told about every request the mock flags as not matching the spec. */
  warn: (line: string) => void;
}

// The mock checks that a bearer token is there, not what it says.
const mockCredential: TokenCredential = { getToken: async () => ({ token: "mock-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** Starts the embedded Prism mock from the spec (loaded only now: Prism is slow to import) or joins a running one. */
export async function startMock(settings: MockSettings): Promise<MockTarget> {
  const server = settings.url ? { url: settings.url, close: async () => {} } : await (await import("./mock-server.js")).startMockServer();
  const prefer = parsePrefer(settings.prefer);
  return {
    baseUrl: server.url,
    credential: mockCredential,
    close: () => server.close(),
    async fetch(request) {
      if (prefer && (prefer.method === undefined || prefer.method === request.method)) request.headers.set("Prefer", prefer.value);
      // A list's next page (it carries the continuation token of the first) gets the example without a next link,
      // as the service would answer the last page; otherwise the first page's example would come back for good.
      else if (request.headers.has("MS-ContinuationToken")) request.headers.set("Prefer", "example=lastPage");
      const response = await fetch(request);
      const violations = response.headers.get("sl-violations");
      if (violations)
        settings.warn(`the mock says ${request.method} ${new URL(request.url).pathname} does not match the spec: ${violations}`);
      return response;
    },
  };
}

/** Splits an optional leading HTTP method off a `--mock-prefer` value. */
export function parsePrefer(value: string | undefined): { method: string | undefined; value: string } | undefined {
  if (!value?.trim()) return undefined;
  const match = /^(GET|POST|PATCH|PUT|DELETE)\s+(.+)$/i.exec(value.trim());
  return match ? { method: match[1]!.toUpperCase(), value: match[2]! } : { method: undefined, value: value.trim() };
}
