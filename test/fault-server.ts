/**
 * A scripted stand-in for Partner Center (node:http on 127.0.0.1, a free port) that misbehaves on request:
 * each test scripts the faults the next requests get, per operation, and the server answers the operation's
 * normal success once the script runs out. Like the real service it applies a write (POST, PATCH) at most once
 * per MS-RequestId: a repeated id gets the stored answer again without a second application.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type CallOptions, createPartnerCenterClient, type PartnerCenterClient, type PartnerCenterClientOptions } from "../src/index.js";
import { ids, staticCredential } from "./helpers.js";

/** The seven operations of the spec, by operationId. */
export type OperationId =
  | "listSubscribedSkus"
  | "listUserLicenses"
  | "updateUserLicenses"
  | "getSubscription"
  | "updateSubscription"
  | "listUpgrades"
  | "createUpgrade";

/** One answer as it goes on the wire. */
export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** What a fault gets to work with: the exchange in progress and the answer the service would normally give. */
export interface Exchange {
  response: ServerResponse;
  /** The normal answer of the operation (for a write: the stored one). */
  success: Answer;
  /** Someone else changed the subscription: its etag moves on. */
  bumpEtag(): void;
}

/** One scripted misbehaviour. Build them with {@link faults}. */
export interface Fault {
  label: string;
  /** Whether the service applied the write before things went wrong (the answer was lost or garbled on the way back). */
  appliesWrite: boolean;
  /** The Retry-After this fault asks for at most, in ms, for computing deadlines. */
  retryAfterMs?: number;
  serve(exchange: Exchange): void;
}

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  operation: OperationId | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  requestId: string | undefined;
  /** When it arrived (Date.now()). */
  receivedAt: number;
  /** The fault it got, or "success" / "replay". */
  answeredWith: string;
}

/** Decides the faults per request: a list is consumed in order; a function may answer undefined for a normal answer. */
export type Script = Fault[] | ((request: RecordedRequest) => Fault | undefined);

const routes: ReadonlyArray<[string, OperationId, RegExp]> = [
  ["GET", "listSubscribedSkus", /\/customers\/[^/]+\/subscribedskus$/],
  ["GET", "listUserLicenses", /\/customers\/[^/]+\/users\/[^/]+\/licenses$/],
  ["POST", "updateUserLicenses", /\/customers\/[^/]+\/users\/[^/]+\/licenseupdates$/],
  ["GET", "getSubscription", /\/customers\/[^/]+\/subscriptions\/[^/]+$/],
  ["PATCH", "updateSubscription", /\/customers\/[^/]+\/subscriptions\/[^/]+$/],
  ["GET", "listUpgrades", /\/customers\/[^/]+\/subscriptions\/[^/]+\/upgrades$/],
  ["POST", "createUpgrade", /\/customers\/[^/]+\/subscriptions\/[^/]+\/upgrades$/],
];

const sku = { id: ids.skuId, name: "Office 365 E3", skuPartNumber: "ENTERPRISEPACK", targetType: "User", licenseGroupId: "group1" };
const plans = [
  {
    id: "efb87545-963c-4e0d-99df-69c6916d9eb0",
    displayName: "Exchange Online (Plan 2)",
    serviceName: "EXCHANGE_S_ENTERPRISE",
    capabilityStatus: "Enabled",
    targetType: "User",
  },
];

/** The subscription as the server holds it at the start, etag "etag-1": what `subscriptions.update` writes back. */
const initialSubscription = {
  id: ids.subscriptionId,
  offerId: "91fd106f-4b2c-4938-95ac-f54f74e9a239",
  friendlyName: "Office 365 E3",
  quantity: 25,
  status: "active",
  autoRenewEnabled: true,
  attributes: { etag: "etag-1", objectType: "Subscription" },
};

/** An upgrade as `upgrades.list` answers it: what `upgrades.perform` sends back. */
const eligibleUpgrade = {
  targetOffer: { id: "796B6B5F-613C-4E24-A17C-EBA730D49C02", name: "Microsoft 365 E3" },
  upgradeType: "upgrade_only",
  isEligible: true,
  quantity: 25,
  upgradeErrors: [],
};

const collection = (items: unknown[]) => ({ totalCount: items.length, items, attributes: { objectType: "Collection" } });

// The normal answer of each operation, given the request body and the subscription's current etag.
const successes: Record<OperationId, (body: Record<string, unknown>, etag: string) => { status: number; value: unknown }> = {
  listSubscribedSkus: () => ({
    status: 200,
    value: collection([
      { availableUnits: 5, activeUnits: 25, consumedUnits: 20, productSku: sku, servicePlans: plans, capabilityStatus: "Enabled" },
    ]),
  }),
  listUserLicenses: () => ({ status: 200, value: collection([{ productSku: sku, servicePlans: plans }]) }),
  updateUserLicenses: (body) => ({
    status: 201,
    value: {
      licensesToAssign: body.licensesToAssign ?? null,
      licensesToRemove: body.licensesToRemove ?? null,
      licenseWarnings: [],
      attributes: { objectType: "LicenseUpdate" },
    },
  }),
  getSubscription: (_, etag) => ({ status: 200, value: { ...initialSubscription, attributes: { etag, objectType: "Subscription" } } }),
  updateSubscription: (body, etag) => ({ status: 200, value: { ...body, attributes: { etag, objectType: "Subscription" } } }),
  listUpgrades: () => ({ status: 200, value: collection([eligibleUpgrade]) }),
  createUpgrade: () => ({
    status: 200,
    value: {
      sourceSubscriptionId: ids.subscriptionId,
      targetSubscriptionId: "b8f7c4a2-1111-4c1e-9d6e-000000000001",
      upgradeType: "upgrade_only",
      upgradeErrors: [],
      licenseErrors: [],
    },
  }),
};

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { "Content-Type": "application/json", ...headers },
});

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { ...answer.headers, "Content-Length": Buffer.byteLength(answer.body) }).end(answer.body);
}

// Sends the headers (announcing the whole body) and the first `fraction` of the body, then stops writing.
function sendPart(response: ServerResponse, answer: Answer, fraction: number): void {
  const body = Buffer.from(answer.body);
  response.writeHead(answer.status, { ...answer.headers, "Content-Length": body.byteLength });
  if (fraction > 0) response.write(body.subarray(0, Math.floor(body.byteLength * fraction)));
  else response.flushHeaders();
}

const fault = (label: string, appliesWrite: boolean, serve: Fault["serve"], retryAfterMs?: number): Fault => ({
  label,
  appliesWrite,
  serve,
  ...(retryAfterMs !== undefined && { retryAfterMs }),
});
const serviceFault = (code: number, description: string) => ({ code, description, data: [], source: "PartnerCenter" });

/** Builders for every fault the server can play. Those that apply a write break the answer after the service acted. */
export const faults = {
  /** Any status with a JSON body (default: a service fault) and headers. */
  status: (status: number, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
    fault(`${status}`, false, ({ response }) =>
      send(response, json(status, options.body ?? serviceFault(800003, "Try again later."), options.headers)),
    ),
  /** A status with `Retry-After: <seconds>`. */
  retryAfterSeconds: (status: number, seconds: number) =>
    fault(
      `${status} Retry-After ${seconds}s`,
      false,
      ({ response }) =>
        send(
          response,
          json(status, { statusCode: status, message: `Try again in ${seconds} seconds.` }, { "Retry-After": String(seconds) }),
        ),
      seconds * 1000,
    ),
  /** A status with Retry-After as an HTTP date `ms` from the moment it is sent (whole seconds, so up to 1 s less). */
  retryAfterDate: (status: number, ms: number) =>
    fault(
      `${status} Retry-After date`,
      false,
      ({ response }) =>
        send(response, json(status, serviceFault(800003, "Busy."), { "Retry-After": new Date(Date.now() + ms).toUTCString() })),
      ms,
    ),
  /** `count` 429s, each asking for `seconds` of patience. */
  tooManyRequests: (count: number, seconds: number): Fault[] => Array.from({ length: count }, () => faults.retryAfterSeconds(429, seconds)),
  /** The connection closes before a byte of the answer; the write, if any, was applied. */
  dropBeforeHeaders: () => fault("drop before headers", true, ({ response }) => response.socket?.end()),
  /** The success headers arrive, then the connection closes. */
  dropAfterHeaders: () =>
    fault("drop after headers", true, ({ response, success }) => (sendPart(response, success, 0), response.socket?.end())),
  /** Half the success body arrives, then the connection closes. */
  dropMidBody: () => fault("drop mid-body", true, ({ response, success }) => (sendPart(response, success, 0.5), response.socket?.end())),
  /** No answer at all, ever (until the client gives up or the server closes). */
  hang: () => fault("hang", true, () => undefined),
  /** Half the success body, then nothing more. */
  stalledBody: () => fault("stalled body", true, ({ response, success }) => sendPart(response, success, 0.5)),
  /** The success body in `chunks` pieces, `chunkDelayMs` apart. */
  slowBody: (chunks = 5, chunkDelayMs = 10) =>
    fault("slow body", true, ({ response, success }) => {
      const body = Buffer.from(success.body);
      const size = Math.ceil(body.byteLength / chunks);
      response.writeHead(success.status, { ...success.headers, "Content-Length": body.byteLength });
      void (async () => {
        for (let at = 0; at < body.byteLength && !response.destroyed; at += size) {
          await delay(chunkDelayMs);
          response.write(body.subarray(at, at + size));
        }
        response.end();
      })();
    }),
  /** The success status with an empty body. */
  emptySuccess: () => fault("empty 2xx", true, ({ response, success }) => send(response, { ...success, body: "" })),
  /** An error status with an empty body. */
  emptyError: (status: number) => fault(`empty ${status}`, false, ({ response }) => send(response, { status, body: "" })),
  /** A proxy's HTML error page. */
  html: (status: number) =>
    fault(`HTML ${status}`, false, ({ response }) =>
      send(response, {
        status,
        body: `<!DOCTYPE html><html><head><title>${status} ${STATUS_CODES[status]}</title></head><body><h1>${STATUS_CODES[status]}</h1></body></html>`,
        headers: { "Content-Type": "text/html" },
      }),
    ),
  /** The success status and a body cut in half, with a Content-Length that matches the cut. */
  truncatedJson: () =>
    fault("truncated JSON", true, ({ response, success }) =>
      send(response, { ...success, body: success.body.slice(0, success.body.length / 2) }),
    ),
  /** The success status and a body that is not JSON (single quotes). */
  malformedJson: () =>
    fault("malformed JSON", true, ({ response, success }) => send(response, { ...success, body: success.body.replaceAll('"', "'") })),
  /** 401: the token expired. */
  unauthorized: () =>
    fault("401", false, ({ response }) =>
      send(
        response,
        json(401, serviceFault(900421, "The access token has expired."), { "WWW-Authenticate": 'Bearer error="invalid_token"' }),
      ),
    ),
  /** Someone else wrote the subscription first: its etag moves on and this request gets 400 code 2055. */
  staleEtag: () =>
    fault("2055 stale etag", false, ({ response, bumpEtag }) => {
      bumpEtag();
      send(response, json(400, serviceFault(2055, "The resource was changed by another request; read it again.")));
    }),
};

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; ) await delay(5);
}

/** The running server. */
export interface FaultServer {
  /** Base URL to give the client, e.g. http://127.0.0.1:43123/v1. */
  url: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Writes the service applied, by MS-RequestId; a replayed id is not applied again. */
  appliedWrites: Map<string, { operation: OperationId; body: string }>;
  /** Sets the faults the next requests of `operation` (or of any operation) get; a script per operation wins. */
  script(operation: OperationId | "any", script: Script): void;
  /** Requests of one operation. */
  requestsOf(operation: OperationId): RecordedRequest[];
  /** Waits (up to `timeoutMs`) until no exchange is under way, closes the idle connections, and says what is left. */
  settle(timeoutMs?: number): Promise<{ busy: number; open: number }>;
  /** Destroys every socket (hung exchanges included) and stops listening. */
  close(): Promise<void>;
}

/** Starts a fault server on 127.0.0.1 and a free port. */
export async function startFaultServer(): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  const appliedWrites = new Map<string, { operation: OperationId; body: string }>();
  const storedAnswers = new Map<string, Answer>();
  const scripts = new Map<OperationId | "any", Script>();
  const sockets = new Set<Socket>();
  // Sockets with an exchange under way (no pipelining: one at a time each).
  const busy = new Set<Socket>();
  let etagVersion = 1;

  const nextFault = (request: RecordedRequest): Fault | undefined => {
    const script = (request.operation && scripts.get(request.operation)) || scripts.get("any");
    return typeof script === "function" ? script(request) : script?.shift();
  };

  // The normal answer; a write is applied (and its answer stored) only the first time its request id arrives.
  const succeed = (request: RecordedRequest, operation: OperationId, willApply: boolean): { answer: Answer; replayed: boolean } => {
    const key = request.requestId;
    const stored = key === undefined ? undefined : storedAnswers.get(key);
    if (stored) return { answer: stored, replayed: true };
    const body = request.body ? (JSON.parse(request.body) as Record<string, unknown>) : {};
    if (operation === "updateSubscription" && willApply) {
      if (request.headers["if-match"] !== `"etag-${etagVersion}"`)
        return { answer: json(400, serviceFault(2055, "The etag is stale.")), replayed: false };
      etagVersion += 1;
    }
    const { status, value } = successes[operation](body, `etag-${etagVersion}`);
    const answer = json(status, value, {
      "MS-RequestId": key ?? "",
      "MS-CorrelationId": String(request.headers["ms-correlationid"] ?? ""),
    });
    if (writes.has(operation) && willApply) {
      appliedWrites.set(key ?? `no-id-${requests.length}`, { operation, body: request.body });
      if (key !== undefined) storedAnswers.set(key, answer);
    }
    return { answer, replayed: false };
  };

  const handle = (request: RecordedRequest, response: ServerResponse): void => {
    const { operation } = request;
    if (!operation) return send(response, json(404, serviceFault(404, `No route for ${request.method} ${request.path}`)));
    const chosen = nextFault(request);
    const { answer, replayed } = succeed(request, operation, chosen === undefined || chosen.appliesWrite);
    request.answeredWith = chosen?.label ?? (replayed ? "replay" : "success");
    if (!chosen) return send(response, answer);
    chosen.serve({ response, success: answer, bumpEtag: () => (etagVersion += 1) });
  };

  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const { socket } = incoming;
    busy.add(socket);
    response.once("close", () => busy.delete(socket));
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const path = new URL(incoming.url ?? "/", "http://server").pathname;
      const method = incoming.method ?? "";
      const operation = routes.find(([verb, , pattern]) => verb === method && pattern.test(path))?.[1];
      const requestId = incoming.headers["ms-requestid"];
      const recorded: RecordedRequest = {
        method,
        path,
        operation,
        headers: { ...incoming.headers },
        body: Buffer.concat(chunks).toString(),
        requestId: typeof requestId === "string" ? requestId : undefined,
        receivedAt: Date.now(),
        answeredWith: "",
      };
      requests.push(recorded);
      handle(recorded, response);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // A backlog for a thousand connections opened at once (the default 511 makes the rest retry their SYN after 1 s).
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    appliedWrites,
    script: (operation, script) => void scripts.set(operation, Array.isArray(script) ? [...script] : script),
    requestsOf: (operation) => requests.filter((request) => request.operation === operation),
    async settle(timeoutMs = 1000) {
      await until(() => busy.size === 0, timeoutMs);
      // Idle keep-alive sockets (and the spare one undici opens, sometimes late, after an abort) are the client's
      // pool, not a leak: closed until none is left.
      const closeIdle = () => [...sockets].filter((socket) => !busy.has(socket)).forEach((socket) => socket.destroy());
      await until(() => (closeIdle(), sockets.size === busy.size), 200);
      return { busy: busy.size, open: sockets.size };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** One public method of the client, aimed at the operation whose faults it should meet. */
export interface PublicMethod {
  name: string;
  /** The operation the scripted faults hit (for a read-modify-write, its PATCH). */
  target: OperationId;
  /** Whether the target is a write the service must apply once. */
  write: boolean;
  /** Whether a stale etag on the target is re-read and re-applied rather than thrown. */
  rereadsOnStaleEtag: boolean;
  call(pc: PartnerCenterClient, options: CallOptions): Promise<unknown>;
}

const { customerId, userId, subscriptionId, skuId } = ids;
const writes: ReadonlySet<OperationId> = new Set(["updateUserLicenses", "updateSubscription", "createUpgrade"]);
const method = (name: string, target: OperationId, call: PublicMethod["call"], rereadsOnStaleEtag = false): PublicMethod => ({
  name,
  target,
  write: writes.has(target),
  rereadsOnStaleEtag,
  call,
});

/** Every public method of the client, each with arguments the server accepts. */
export const publicMethods: readonly PublicMethod[] = [
  method("licenses.listSubscribedSkus", "listSubscribedSkus", (pc, options) => pc.licenses.listSubscribedSkus(customerId, options)),
  method("licenses.listAssigned", "listUserLicenses", (pc, options) => pc.licenses.listAssigned(customerId, userId, options)),
  method("licenses.update", "updateUserLicenses", (pc, options) =>
    pc.licenses.update(customerId, userId, { licensesToAssign: [{ skuId, excludedPlans: plans.map((plan) => plan.id) }] }, options),
  ),
  method("licenses.assign", "updateUserLicenses", (pc, options) => pc.licenses.assign(customerId, userId, skuId, options)),
  method("licenses.remove", "updateUserLicenses", (pc, options) => pc.licenses.remove(customerId, userId, [skuId], options)),
  method("subscriptions.get", "getSubscription", (pc, options) => pc.subscriptions.get(customerId, subscriptionId, options)),
  method("subscriptions.update", "updateSubscription", (pc, options) =>
    pc.subscriptions.update(customerId, { ...initialSubscription, friendlyName: "Sales" }, options),
  ),
  method(
    "subscriptions.modify",
    "updateSubscription",
    (pc, options) => pc.subscriptions.modify(customerId, subscriptionId, (s) => ({ ...s, quantity: 30 }), options),
    true,
  ),
  method(
    "subscriptions.setAutoRenew",
    "updateSubscription",
    (pc, options) => pc.subscriptions.setAutoRenew(customerId, subscriptionId, false, options),
    true,
  ),
  method("upgrades.list", "listUpgrades", (pc, options) => pc.upgrades.list(customerId, subscriptionId, options)),
  method("upgrades.perform", "createUpgrade", (pc, options) => pc.upgrades.perform(customerId, subscriptionId, eligibleUpgrade, options)),
];

/** A client of the server with a static token, test-sized retries and timeouts unless overridden. */
export function clientOf(server: FaultServer, options: Partial<PartnerCenterClientOptions> = {}): PartnerCenterClient {
  return createPartnerCenterClient({ credential: staticCredential(), baseUrl: server.url, ...options });
}
