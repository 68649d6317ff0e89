/**
 * The loopback stand-in for Partner Center, run in its own process by the bench (argv[2]: settings as JSON).
 * - "canned": answers the subscription GET and the license POST (201) with fixed JSON, as fast as it can.
 * - "throttled": the license POST behind a per-partner and a per-customer token bucket, answering 429 with
 *   Retry-After as the real service does, and applying each write once per MS-RequestId.
 * It says { type: "ready", url } when listening and answers { type: "stats" } with its counters.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { itemIndexOf, licenseUpdateBody, subscriptionBody, tellParent } from "./lib.js";

/** A token bucket: `perSecond` refill, holding at most `burst`. */
export interface BucketSettings {
  perSecond: number;
  burst: number;
}

export interface ServerSettings {
  mode: "canned" | "throttled";
  /** Throttled mode: the limits, which the client is never told. */
  partner?: BucketSettings;
  customer?: BucketSettings;
  /** Throttled mode: how many items the run has (indexes 0..items-1). */
  items?: number;
  /** "integer": ceil of the wait in whole seconds, as Partner Center sends; "fractional": the wait to the ms. */
  retryAfter?: "integer" | "fractional";
  /** Throttled mode: every answer waits a log-normal time (as a remote service's do); none when absent. */
  latency?: LatencySettings;
}

/** Log-normal latency: `medianMs` times e to the power of `sigma` times a standard normal draw. */
export interface LatencySettings {
  medianMs: number;
  sigma: number;
}

/** What the throttled server counted. */
export interface ThrottledStats {
  requests: number;
  throttledByPartner: number;
  throttledByCustomer: number;
  /** A request id that arrived again after its write was applied (answered, not applied again). */
  replays: number;
  /** Items applied under more than one request id: real duplicate writes. */
  itemsAppliedTwice: number;
  /** Writes applied per item index. */
  applied: Uint8Array;
  firstAppliedAt: number;
  lastAppliedAt: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as ServerSettings;
const LICENSE_UPDATE = /^\/v1\/customers\/([^/]+)\/users\/([^/]+)\/licenseupdates$/;
const SUBSCRIPTION = /^\/v1\/customers\/[^/]+\/subscriptions\/[^/]+$/;

/** A log-normal draw (Box-Muller), ms. */
function latencyMs({ medianMs, sigma }: LatencySettings): number {
  const normal = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return medianMs * Math.exp(sigma * normal);
}

/**
 * Sends an answer, after the latency when there is one. The throttle has decided when the request arrived, as a
 * service's front door does; only the answer waits.
 */
function answer(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const send = () =>
    response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers }).end(body);
  if (settings.latency) setTimeout(send, latencyMs(settings.latency));
  else send();
}

// The ids echoed as the service does; everything else about the canned answers is fixed.
const echo = (request: IncomingMessage) => ({
  "MS-RequestId": String(request.headers["ms-requestid"] ?? ""),
  "MS-CorrelationId": String(request.headers["ms-correlationid"] ?? ""),
});

function canned(request: IncomingMessage, response: ServerResponse): void {
  const path = request.url?.split("?")[0] ?? "";
  if (request.method === "GET" && SUBSCRIPTION.test(path)) return answer(response, 200, subscriptionBody, echo(request));
  if (request.method === "POST" && LICENSE_UPDATE.test(path)) return answer(response, 201, licenseUpdateBody, echo(request));
  answer(response, 404, JSON.stringify({ code: 404, description: `no route for ${request.method} ${path}` }));
}

/** Takes a token from each bucket if both have one (0), or says how many ms until both will (nothing taken). */
function createBuckets(partner: BucketSettings, customer: BucketSettings) {
  const bucket = (limit: BucketSettings) => ({ limit, tokens: limit.burst, at: performance.now() });
  const refill = (state: ReturnType<typeof bucket>, now: number) => {
    state.tokens = Math.min(state.limit.burst, state.tokens + ((now - state.at) / 1000) * state.limit.perSecond);
    state.at = now;
  };
  const waitMs = (state: ReturnType<typeof bucket>) => (state.tokens >= 1 ? 0 : ((1 - state.tokens) / state.limit.perSecond) * 1000);
  const shared = bucket(partner);
  const perCustomer = new Map<string, ReturnType<typeof bucket>>();
  return (customerId: string): { partnerWaitMs: number; customerWaitMs: number } => {
    const now = performance.now();
    let own = perCustomer.get(customerId);
    if (!own) perCustomer.set(customerId, (own = bucket(customer)));
    refill(shared, now);
    refill(own, now);
    const wait = { partnerWaitMs: waitMs(shared), customerWaitMs: waitMs(own) };
    if (wait.partnerWaitMs === 0 && wait.customerWaitMs === 0) {
      shared.tokens -= 1;
      own.tokens -= 1;
    }
    return wait;
  };
}

function throttledServer(config: Required<ServerSettings>) {
  const take = createBuckets(config.partner, config.customer);
  const stats: ThrottledStats = {
    requests: 0,
    throttledByPartner: 0,
    throttledByCustomer: 0,
    replays: 0,
    itemsAppliedTwice: 0,
    applied: new Uint8Array(config.items),
    firstAppliedAt: 0,
    lastAppliedAt: 0,
  };
  const appliedIds = new Set<string>();
  // Retry-After is delay-seconds; Partner Center sends whole seconds, so a 2 ms wait reads "1".
  const retryAfter = (ms: number) => (config.retryAfter === "integer" ? String(Math.max(1, Math.ceil(ms / 1000))) : (ms / 1000).toFixed(3));

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    stats.requests += 1;
    const match = request.method === "POST" ? LICENSE_UPDATE.exec(request.url?.split("?")[0] ?? "") : null;
    if (!match) return answer(response, 404, JSON.stringify({ code: 404, description: "only license updates here" }));
    const { partnerWaitMs, customerWaitMs } = take(match[1]!);
    if (partnerWaitMs > 0 || customerWaitMs > 0) {
      // Counted by the limit that would make the client wait longest.
      if (partnerWaitMs >= customerWaitMs) stats.throttledByPartner += 1;
      else stats.throttledByCustomer += 1;
      const waitMs = Math.max(partnerWaitMs, customerWaitMs);
      return answer(response, 429, JSON.stringify({ statusCode: 429, message: "Rate limit is exceeded." }), {
        "Retry-After": retryAfter(waitMs),
        ...echo(request),
      });
    }
    const requestId = String(request.headers["ms-requestid"] ?? "");
    // The service applies a write once per MS-RequestId; a repeat gets the same answer without a second write.
    if (appliedIds.has(requestId)) stats.replays += 1;
    else {
      appliedIds.add(requestId);
      const index = itemIndexOf(decodeURIComponent(match[2]!));
      if (index >= 0 && index < stats.applied.length) {
        if (stats.applied[index]! > 0) stats.itemsAppliedTwice += 1;
        stats.applied[index] = Math.min(255, stats.applied[index]! + 1);
      }
      stats.lastAppliedAt = Date.now();
      stats.firstAppliedAt ||= stats.lastAppliedAt;
    }
    answer(response, 201, licenseUpdateBody, echo(request));
  };
  return { handle, stats };
}

const throttled = settings.mode === "throttled" ? throttledServer(settings as Required<ServerSettings>) : undefined;
const server = createServer((request, response) => {
  // Bodies are not read: the answers do not depend on them. Draining lets the request end.
  request.resume();
  request.once("end", () => (throttled ? throttled.handle(request, response) : canned(request, response)));
});
server.keepAliveTimeout = 60_000;
process.on("message", (message: { type?: string }) => {
  if (message?.type === "stats") tellParent({ type: "stats", stats: throttled?.stats ?? {} });
});
process.on("disconnect", () => process.exit(0));
server.listen({ port: 0, host: "127.0.0.1", backlog: 2048 }, () => {
  tellParent({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` });
});
