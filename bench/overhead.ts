/**
 * Part 1, per-call overhead: the same GET and license POST through raw fetch, bare openapi-fetch and our client,
 * against a canned loopback server in another process. The server's core is not ours, so calls/s mixes our cost
 * with the round trip; the client's own CPU time per call (process.cpuUsage) isolates what each layer adds.
 */
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { paths } from "../generated/partner-center.js";
import { contextHeaders } from "../src/context.js";
import { staticCredential } from "../test/helpers.js";
import { benchIds, benchToken, fmt, licenseChange, loadLibrary, median, quick, startServer, table } from "./lib.js";

const { createPartnerCenterClient } = await loadLibrary();

type Call = () => Promise<unknown>;
interface Variant {
  name: string;
  get: Call;
  post: Call;
}

const customerId = benchIds.customerId(1);
const { subscriptionId } = benchIds;
const userId = benchIds.userId(0);
const sizes = quick ? { warmupCalls: 1000, rounds: 5, callsPerRound: 250 } : { warmupCalls: 2000, rounds: 61, callsPerRound: 200 };

// What our client puts on every call (context.ts), so the bare variants send the same bytes.
const fixedHeaders = contextHeaders({ locale: "en-US" });
const headers = (): Record<string, string> => ({
  ...fixedHeaders,
  Authorization: `Bearer ${benchToken}`,
  "MS-RequestId": randomUUID(),
  "MS-CorrelationId": randomUUID(),
});

function variants(baseUrl: string): Variant[] {
  const subscriptionUrl = `${baseUrl}/customers/${customerId}/subscriptions/${subscriptionId}`;
  const licenseUrl = `${baseUrl}/customers/${customerId}/users/${encodeURIComponent(userId)}/licenseupdates`;
  const raw = createClient<paths>({ baseUrl });
  // A credential that already holds its token: the provider's cache answers every call.
  const pc = createPartnerCenterClient({ credential: staticCredential(benchToken), baseUrl });
  return [
    {
      name: "raw fetch",
      get: async () => (await fetch(subscriptionUrl, { headers: headers() })).json(),
      post: async () =>
        (
          await fetch(licenseUrl, {
            method: "POST",
            headers: { ...headers(), "Content-Type": "application/json" },
            body: JSON.stringify(licenseChange),
          })
        ).json(),
    },
    {
      name: "openapi-fetch",
      get: () =>
        raw.GET("/customers/{customer_id}/subscriptions/{subscription_id}", {
          params: { path: { customer_id: customerId, subscription_id: subscriptionId } },
          headers: headers(),
        }),
      post: () =>
        raw.POST("/customers/{customer_id}/users/{user_id}/licenseupdates", {
          params: { path: { customer_id: customerId, user_id: userId } },
          body: licenseChange,
          headers: headers(),
        }),
    },
    {
      name: "ours",
      get: () => pc.subscriptions.get(customerId, subscriptionId),
      post: () => pc.licenses.update(customerId, userId, licenseChange),
    },
  ];
}

/** `calls` calls, `inFlight` at a time: calls per second and the client's CPU µs per call. */
async function round(call: Call, calls: number, inFlight: number): Promise<{ perSecond: number; cpuUs: number }> {
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started += 1;
      await call();
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: calls / seconds, cpuUs: (used.user + used.system) / calls };
}

/** Runs part 1 and returns its markdown section. */
/** Our client / bare openapi-fetch for one row, three ways; the target holds only if each of them is within it. */
export interface OverheadRatios {
  /** The median over rounds of the two variants' time per call in the same round. */
  paired: number;
  /** The ratio of the two medians of time per call over the rounds. */
  ofMedians: number;
  /** The ratio of the two medians of this process's CPU time per call. */
  cpu: number;
}

export async function runOverhead(): Promise<{ markdown: string; ratios: OverheadRatios[] }> {
  const server = await startServer({ mode: "canned" });
  try {
    const all = variants(server.url);
    const rows: string[][] = [];
    const ratios: OverheadRatios[] = [];
    for (const op of ["get", "post"] as const) {
      for (const inFlight of [1, 32]) {
        for (const variant of all) await round(variant[op], sizes.warmupCalls, inFlight);
        const samples = all.map(() => ({ perSecond: [] as number[], cpuUs: [] as number[] }));
        // Interleaved, in a rotating order, so drift (GC, thermal, the other process) spreads over all three.
        for (let r = 0; r < sizes.rounds; r += 1) {
          for (let k = 0; k < all.length; k += 1) {
            const v = (r + k) % all.length;
            const result = await round(all[v]![op], sizes.callsPerRound, inFlight);
            samples[v]!.perSecond.push(result.perSecond);
            samples[v]!.cpuUs.push(result.cpuUs);
          }
        }
        const [rawFetch, bare, ours] = samples.map((s) => ({ perSecond: median(s.perSecond), cpuUs: median(s.cpuUs) }));
        // Paired by round: the machine's drift between rounds cancels out of each round's ratio.
        const [, bareRounds, ourRounds] = samples;
        const paired = median(bareRounds!.perSecond.map((bareRate, r) => bareRate / ourRounds!.perSecond[r]!));
        const ofMedians = bare!.perSecond / ours!.perSecond;
        const cpu = ours!.cpuUs / bare!.cpuUs;
        ratios.push({ paired, ofMedians, cpu });
        rows.push([
          op === "get" ? "GET subscription" : "POST licenseupdates (201)",
          inFlight === 1 ? "1 (sequential)" : String(inFlight),
          fmt(rawFetch!.perSecond),
          fmt(bare!.perSecond),
          fmt(ours!.perSecond),
          `${fmt(paired, 2)}×`,
          `${fmt(ofMedians, 2)}×`,
          `${fmt(rawFetch!.cpuUs)} / ${fmt(bare!.cpuUs)} / ${fmt(ours!.cpuUs)}`,
          `${fmt(cpu, 2)}×`,
        ]);
      }
    }
    const markdown = [
      "## 1. Per-call overhead",
      "",
      `${sizes.rounds} interleaved rounds of ${fmt(sizes.callsPerRound)} calls per variant, after ${fmt(sizes.warmupCalls)} warm-up calls each; calls/s and CPU are medians over the rounds. ` +
        "Canned loopback server in its own process; our client (the build in dist/) with a cached static credential and lenient validation. " +
        "Three ratios of our client to bare openapi-fetch, each held to the target (≤ 1.10×): paired = the median over rounds of the two time-per-call figures of the same round (drift between rounds cancels out); of medians = the ratio of the two medians of time per call; CPU = the ratio of the two medians of this process's user+system time per call.",
      "",
      table(
        [
          "call",
          "in flight",
          "raw fetch calls/s",
          "openapi-fetch calls/s",
          "ours calls/s",
          "ours / openapi-fetch: time, paired",
          "time, of medians",
          "client CPU µs/call (fetch / openapi-fetch / ours)",
          "CPU, of medians",
        ],
        rows,
      ),
    ].join("\n");
    return { markdown, ratios };
  } finally {
    await server.close();
  }
}
