/**
 * A loopback stand-in for Partner Center's bulk writes (node:http on 127.0.0.1, a free port), for runs of the
 * built CLI in child processes (`--mock --mock-url <url>`: a local credential, nothing else reached). Like the real
 * service it applies a write once per MS-RequestId: an id seen again gets the stored answer. It counts how often each
 * item (user and SKU, or subscription) was applied, so duplicates and losses show.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** How the server answers: a delay before each answer, and writes answered 429 (not applied). */
export interface WriteOnceSettings {
  delayMs?: number;
  /** Answer every write 429 with this Retry-After (seconds). */
  throttleSeconds?: number;
}

export interface WriteOnceServer {
  url: string;
  settings: WriteOnceSettings;
  /** Applications per item: "customer/user/action/sku" or "customer/subscription". */
  applied: Map<string, number>;
  /** Writes received (first sends and replays). */
  writes: number;
  /** Requests that are being answered now. */
  busy(): number;
  close(): Promise<void>;
}

const LICENSE = /\/customers\/([^/]+)\/users\/([^/]+)\/licenseupdates$/;
const SUBSCRIPTION = /\/customers\/([^/]+)\/subscriptions\/([^/]+)$/;

const subscription = (id: string, autoRenewEnabled: boolean, etag: number) => ({
  id,
  offerId: "91fd106f-4b2c-4938-95ac-f54f74e9a239",
  offerName: "Office 365 E3",
  friendlyName: "Office 365 E3",
  quantity: 25,
  unitType: "Licenses",
  creationDate: "2024-01-12T00:00:00Z",
  effectiveStartDate: "2024-01-12T00:00:00Z",
  commitmentEndDate: "2025-01-12T00:00:00Z",
  status: "active",
  autoRenewEnabled,
  billingType: "license",
  attributes: { etag: `etag-${etag}`, objectType: "Subscription" },
});

/** Starts the server. */
export async function startWriteOnceServer(settings: WriteOnceSettings = {}): Promise<WriteOnceServer> {
  const applied = new Map<string, number>();
  const stored = new Map<string, { status: number; body: string }>();
  const etags = new Map<string, number>();
  const sockets = new Set<Socket>();
  let busy = 0;
  const state = { writes: 0 };

  const answer = (response: ServerResponse, status: number, body: unknown, requestId: string, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const send = () => {
      busy -= 1;
      if (!response.destroyed)
        response.writeHead(status, { "Content-Type": "application/json", "MS-RequestId": requestId, ...headers }).end(text);
    };
    if (settings.delayMs) setTimeout(send, settings.delayMs);
    else send();
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      busy += 1;
      const path = new URL(request.url ?? "/", "http://x").pathname;
      const requestId = String(request.headers["ms-requestid"] ?? "");
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
      const write = request.method === "POST" || request.method === "PATCH";
      if (write) state.writes += 1;
      const replay = write ? stored.get(requestId) : undefined;
      if (replay) return answer(response, replay.status, replay.body, requestId);
      if (write && settings.throttleSeconds !== undefined)
        return answer(response, 429, { code: 429, description: "Too many requests" }, requestId, {
          "Retry-After": String(settings.throttleSeconds),
        });
      const apply = (key: string, status: number, value: unknown) => {
        applied.set(key, (applied.get(key) ?? 0) + 1);
        const text = JSON.stringify(value);
        stored.set(requestId, { status, body: text });
        answer(response, status, text, requestId);
      };
      const license = LICENSE.exec(path);
      if (license && request.method === "POST") {
        const sku = JSON.stringify(body.licensesToAssign ?? body.licensesToRemove);
        return apply(`${license[1]}/${license[2]}/${sku}`, 201, {
          ...body,
          licenseWarnings: [],
          attributes: { objectType: "LicenseUpdate" },
        });
      }
      const sub = SUBSCRIPTION.exec(path);
      if (sub) {
        const key = `${sub[1]}/${sub[2]}`;
        const etag = etags.get(key) ?? 1;
        if (request.method === "GET") return answer(response, 200, subscription(sub[2]!, true, etag), requestId);
        if (request.method === "PATCH") {
          etags.set(key, etag + 1);
          return apply(key, 200, subscription(sub[2]!, body.autoRenewEnabled === true, etag + 1));
        }
      }
      answer(response, 404, { code: 404, description: `no route for ${request.method} ${path}` }, requestId);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    settings,
    applied,
    get writes() {
      return state.writes;
    },
    busy: () => busy,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
