/**
 * Part 2, bulk: `pc.licenses.bulkUpdate` against a server (own process) that throttles per partner and per
 * customer, each run in a client process of its own. The client is told nothing of the limits: it learns them
 * from 429s. The server applies each write once per MS-RequestId and records which items it applied; the client
 * records each item's outcome; together they give duplicates and lost items.
 */
import type { BulkClientReport, BulkClientSettings } from "./bulk-client.js";
import { fmt, forkScript, nextMessage, quick, startServer, stop, table } from "./lib.js";
import type { BucketSettings, LatencySettings, ServerSettings, ThrottledStats } from "./server.js";

/**
 * The server's limits, sized so that one core of this 2-core machine serves them with room to spare while the
 * other runs the client. 50 customers at 12/s could take 600/s, more than the partner's 400/s: the partner limit
 * sets the pace, and a customer whose items bunch up meets its own (both bind at times). The busiest customer
 * of a run gets ~15 % more than the average 8/s, still under 12/s.
 */
const limits = { partner: { perSecond: 400, burst: 40 }, customer: { perSecond: 12, burst: 3 } } as const;
const customers = 50;

/** One bulk run: its items, the server's limits and latency, and how the items spread over the customers. */
export interface RunSpec {
  items: number;
  customers: number;
  order?: BulkClientSettings["order"];
  retryAfter: NonNullable<ServerSettings["retryAfter"]>;
  limits: { partner: BucketSettings; customer: BucketSettings };
  latency?: LatencySettings;
}

const spec = (items: number, retryAfter: RunSpec["retryAfter"], more: Partial<RunSpec> = {}): RunSpec => ({
  items,
  customers,
  retryAfter,
  limits,
  ...more,
});
// The last run spreads its items over many customers, grouped by customer: lanes come and go as the run moves on.
const runs: RunSpec[] = quick
  ? [spec(2_000, "integer"), spec(5_000, "integer"), spec(5_000, "integer", { customers: 2_500, order: "sorted" })]
  : [
      spec(10_000, "integer"),
      spec(10_000, "fractional"),
      spec(100_000, "integer"),
      spec(20_000, "integer", { customers: 10_000, order: "sorted" }),
    ];

export interface Measured {
  spec: RunSpec;
  report: BulkClientReport;
  stats: ThrottledStats;
}

/** Runs one bulk run: a server and a client, each in a process of its own. */
export async function measure(spec: RunSpec): Promise<Measured> {
  const server = await startServer({
    mode: "throttled",
    ...spec.limits,
    items: spec.items,
    retryAfter: spec.retryAfter,
    latency: spec.latency,
  } satisfies ServerSettings);
  try {
    const settings: BulkClientSettings = { url: server.url, items: spec.items, customers: spec.customers, seed: 5, order: spec.order };
    const client = forkScript("./bulk-client.ts", [JSON.stringify(settings)]);
    const report = await nextMessage<BulkClientReport>(client, "report");
    await stop(client);
    return { spec, report, stats: await server.stats<ThrottledStats>() };
  } finally {
    await server.close();
  }
}

/**
 * The shortest time in which the server could have admitted every item: the partner bucket must pass them all,
 * each customer's bucket that customer's share (full buckets at the start included); then the last answer's
 * latency (its median).
 */
function idealSeconds({ items, limits, latency }: RunSpec, perCustomer: readonly number[]): number {
  const partner = (items - limits.partner.burst) / limits.partner.perSecond;
  let busiest = 0;
  for (const count of perCustomer) busiest = Math.max(busiest, (count - limits.customer.burst) / limits.customer.perSecond);
  return Math.max(partner, busiest) + (latency?.medianMs ?? 0) / 1000;
}

/** What a run achieved: items applied, lost, reported twice, failed, and its share of the server's limit. */
export function evaluate({ spec, report, stats }: Measured) {
  let applied = 0;
  let lost = 0;
  let reportedTwice = 0;
  for (let index = 0; index < spec.items; index += 1) {
    if (stats.applied[index]! > 0) applied += 1;
    // Lost: never applied and never reported as failed (a success the server never saw counts too).
    else if (report.outcomes[index] !== 2) lost += 1;
    if (report.outcomes[index]! >= 3) reportedTwice += 1;
  }
  const wallSeconds = report.wallMs / 1000;
  const ideal = idealSeconds(spec, report.perCustomer);
  // The rate the server applied writes at, from the run's start to the last write, over its limit: the same as
  // `share` but for the last answer's way back, which no client shortens (at a log-normal latency, the slowest of
  // the last calls' answers takes several times the median).
  const applySeconds = (stats.lastAppliedAt - report.startedAt) / 1000;
  const appliedShare = (ideal - (spec.latency?.medianMs ?? 0) / 1000) / applySeconds;
  const failed = Object.values(report.failures).reduce((sum, count) => sum + count, 0);
  // The limit as a rate: all items over the shortest time the server allows; the share compares the times.
  return {
    applied,
    lost,
    reportedTwice,
    failed,
    wallSeconds,
    limitPerSecond: spec.items / ideal,
    share: ideal / wallSeconds,
    appliedShare,
  };
}

/** Runs part 2 and returns its markdown section and whether its targets were met. */
export async function runBulkBench(): Promise<{ markdown: string; verdict: string }> {
  const measured: Measured[] = [];
  for (const spec of runs) measured.push(await measure(spec));
  const rows = measured.map((run) => ({ run, e: evaluate(run) }));
  const cells = rows.map(({ run: { spec, stats, report }, e }) => [
    fmt(spec.items),
    `${fmt(spec.customers)}${spec.order === "sorted" ? ", grouped" : ""}`,
    spec.retryAfter === "integer" ? "whole s" : "ms",
    fmt(e.wallSeconds, 1),
    fmt(e.applied / e.wallSeconds),
    fmt(e.limitPerSecond),
    `**${fmt(100 * e.share, 1)} %**`,
    `${fmt(report.throttled)} (${fmt(stats.throttledByPartner)} / ${fmt(stats.throttledByCustomer)})`,
    `${fmt(stats.itemsAppliedTwice)} (${fmt(stats.replays)} re-sent ids${e.reportedTwice ? `, ${e.reportedTwice} reported twice` : ""})`,
    fmt(e.lost),
    `${fmt(e.failed)}${e.failed ? ` ${JSON.stringify(report.failures)}` : ""}`,
    fmt(report.maxRssKb / 1024, 1),
    `${fmt((100 * report.cpuMs) / report.wallMs)} %`,
  ]);
  const integer = rows.filter(({ run }) => run.spec.retryAfter === "integer" && run.spec.customers === customers);
  const [small, large] = [integer[0]!.run, integer.at(-1)!.run];
  const many = rows.find(({ run }) => run.spec.customers > customers)!.run;
  const rssRatio = Math.max(large.report.maxRssKb, many.report.maxRssKb) / small.report.maxRssKb;
  // The issue's target is for 10,000 items and more; a quick run's few seconds are mostly ramp-up and tail.
  const judged = rows.filter(({ run }) => run.spec.retryAfter === "integer" && run.spec.items >= 10_000);
  const exact = rows.every(
    ({ run, e }) => e.lost === 0 && e.reportedTwice === 0 && run.stats.itemsAppliedTwice === 0 && run.stats.replays === 0,
  );
  const fastEnough = judged.every(({ e }) => e.share >= 0.9);
  const verdict =
    `${exact ? "0 duplicates and 0 lost in every run" : "**duplicates or lost items**"}; ` +
    `${judged.length === 0 ? "share of the limit not judged (no run of 10,000 items)" : `share ≥ 90 %: ${fastEnough ? "met" : "**missed**"}`}; ` +
    `RSS ratio ${fmt(rssRatio, 2)}×: ${rssRatio <= 1.5 ? "met" : "**missed**"}`;
  const first = measured[0]!.report.doneBySecond.map((done, i, all) => done - (all[i - 1] ?? 0));
  const markdown = [
    "## 2. Bulk license updates under throttling",
    "",
    `${customers} customers, users spread over them at random (the last run: ${fmt(many.spec.customers)} customers, each one's users together, ` +
      "as an export grouped by tenant lists them). No latency: the server answers at once. " +
      `Server limits (never given to the client): partner ${limits.partner.perSecond}/s ` +
      `(bucket ${limits.partner.burst}), each customer ${limits.customer.perSecond}/s (bucket ${limits.customer.burst}); 429 with Retry-After as ` +
      "Partner Center sends it (whole seconds, rounded up) unless noted. Server limit = items / the shortest time both buckets allow for this " +
      "run's items (the busiest customer included); share = that time / wall time. Each run in its own client process, default bulk options.",
    "",
    table(
      [
        "items",
        "customers",
        "Retry-After",
        "wall s",
        "applied/s",
        "server limit/s",
        "share of limit",
        "429s (partner / customer)",
        "duplicate writes",
        "lost",
        "failed",
        "peak RSS MB",
        "client CPU",
      ],
      cells,
    ),
    "",
    `Peak RSS, ${fmt(large.spec.items)} items / ${fmt(small.spec.items)} items: **${fmt(large.report.maxRssKb / small.report.maxRssKb, 2)}×**; ` +
      `${fmt(many.spec.customers)} customers / ${customers}: **${fmt(many.report.maxRssKb / small.report.maxRssKb, 2)}×** (target ≤ 1.5×).`,
    "",
    `Items done per second in the first run: ${first.join(" ")}.`,
  ].join("\n");
  return { markdown, verdict };
}
