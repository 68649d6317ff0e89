import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake endpoint received, with its form body parsed. */
export interface ReceivedRequest {
  method: string;
  path: string;
  form: URLSearchParams;
}

/** What the fake answers: a status and a JSON body. */
export interface FakeAnswer {
  status: number;
  body: unknown;
}

/** A local stand-in for Entra ID's token endpoint (node:http on 127.0.0.1, a free port). */
export interface FakeTokenEndpoint {
  /** The authority host to configure: `.test` never resolves, so nothing could reach a real host by mistake. */
  authorityHost: string;
  /** Every request that reached the server, in order. */
  requests: ReceivedRequest[];
  /** URLs the routing fetch refused because they were not for the fake authority host. */
  strayUrls: string[];
  /** A fetch that sends requests for `authorityHost` (or `alsoRoute`) to the local server and refuses all others. */
  fetch: typeof fetch;
  /** Sets how the next requests are answered. */
  answerWith(answer: (request: ReceivedRequest) => FakeAnswer | Promise<FakeAnswer>): void;
  close(): Promise<void>;
}

/** Starts the fake; `alsoRoute` lists more hosts (e.g. login.microsoftonline.com) to route to it instead of refusing. */
export async function startFakeTokenEndpoint(alsoRoute: readonly string[] = []): Promise<FakeTokenEndpoint> {
  const authorityHost = "https://login.fake-entra.test";
  const routed = new Set([new URL(authorityHost).host, ...alsoRoute]);
  const requests: ReceivedRequest[] = [];
  const strayUrls: string[] = [];
  let answer: (request: ReceivedRequest) => FakeAnswer | Promise<FakeAnswer> = () => tokenAnswer({ accessToken: "at-default" });

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const request = {
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        form: new URLSearchParams(Buffer.concat(chunks).toString()),
      };
      requests.push(request);
      const { status, body } = await answer(request);
      outgoing.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const routingFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!routed.has(url.host)) {
      strayUrls.push(url.href);
      throw new TypeError(`fake token endpoint: refused a request to ${url.host}`);
    }
    return fetch(`${local}${url.pathname}${url.search}`, init);
  };

  return {
    authorityHost,
    requests,
    strayUrls,
    fetch: routingFetch,
    answerWith: (next) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch keeps connections alive; without this, close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}

/** A JWT-shaped string with these claims (unsigned: msal reads id token claims without checking a signature). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/** A successful token answer as Entra sends it for a refresh-token grant, id token and client_info included. */
export function tokenAnswer(options: { accessToken: string; refreshToken?: string; expiresIn?: number; scope?: string }): FakeAnswer {
  const [oid, tid] = ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000b2"];
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      scope: options.scope ?? "https://api.partnercenter.microsoft.com/user_impersonation",
      expires_in: options.expiresIn ?? 3600,
      ext_expires_in: options.expiresIn ?? 3600,
      access_token: options.accessToken,
      ...(options.refreshToken && { refresh_token: options.refreshToken }),
      id_token: fakeJwt({
        aud: "client",
        iss: `https://login.fake-entra.test/${tid}/v2.0`,
        oid,
        sub: "subject",
        tid,
        preferred_username: "admin@partner.test",
        ver: "2.0",
      }),
      client_info: Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString("base64url"),
    },
  };
}

/** An OAuth2 error answer (status 400 unless given). */
export function oauthErrorAnswer(error: string, description: string, status = 400): FakeAnswer {
  return {
    status,
    body: {
      error,
      error_description: description,
      error_codes: [70000],
      timestamp: "2026-01-01 00:00:00Z",
      trace_id: "11111111-1111-4111-8111-111111111111",
      correlation_id: "22222222-2222-4222-8222-222222222222",
    },
  };
}
