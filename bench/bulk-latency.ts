/**
 * Part 2b, bulk at a remote service's latency: the server of part 2 answers after a log-normal time (median 100 ms,
 * 400 ms, 1 s), so that how many calls are in flight decides the pace (Little's law: rate = calls in flight /
 * latency). Two scenarios, each run several times in fresh processes with default bulk options: one customer under
 * its own limit, and many customers under the partner's limit.
 */
import { evaluate, type Measured, measure, type RunSpec } from "./bulk.js";
import { fmt, median, quick, table } from "./lib.js";

/** Spread of the latency: e^0.5 is 1.65, so one answer in six takes over 1.65 times the median. */
const SIGMA = 0.5;
const LATENCIES_MS = [100, 400, 1000] as const;
const RUNS = quick ? 1 : 3;
/** Each run lasts about this long at the limit. */
const SECONDS = quick ? 15 : 30;

interface Scenario {
  name: string;
  customers: number;
  limits: RunSpec["limits"];
  /** The limit that binds, per second. */
  perSecond: number;
}

const scenarios: Scenario[] = [
  {
    name: "one customer, its own limit 20/s",
    customers: 1,
    limits: { partner: { perSecond: 1000, burst: 100 }, customer: { perSecond: 20, burst: 4 } },
    perSecond: 20,
  },
  {
    name: "50 customers, partner limit 100/s",
    customers: 50,
    limits: { partner: { perSecond: 100, burst: 10 }, customer: { perSecond: 12, burst: 3 } },
    perSecond: 100,
  },
];

/** Runs part 2b and returns its markdown section and whether its targets were met. */
export async function runLatencyBench(): Promise<{ markdown: string; verdict: string }> {
  const cells: string[][] = [];
  let met = true;
  let exact = true;
  for (const scenario of scenarios) {
    for (const medianMs of LATENCIES_MS) {
      const runs: Array<{ run: Measured; e: ReturnType<typeof evaluate> }> = [];
      for (let i = 0; i < RUNS; i += 1) {
        const run = await measure({
          items: scenario.perSecond * SECONDS,
          customers: scenario.customers,
          retryAfter: "integer",
          limits: scenario.limits,
          latency: { medianMs, sigma: SIGMA },
        });
        runs.push({ run, e: evaluate(run) });
      }
      const shares = runs.map(({ e }) => e.share);
      const appliedShares = runs.map(({ e }) => e.appliedShare);
      const sum = (pick: (run: (typeof runs)[number]) => number) => runs.reduce((total, run) => total + pick(run), 0);
      const duplicates = sum(({ run }) => run.stats.itemsAppliedTwice);
      const lost = sum(({ e }) => e.lost + e.reportedTwice);
      met &&= Math.min(...appliedShares) >= 0.9;
      exact &&= duplicates === 0 && lost === 0;
      cells.push([
        scenario.name,
        `${fmt(medianMs)} ms`,
        fmt(runs[0]!.run.spec.items),
        `**${fmt(100 * Math.min(...appliedShares), 1)} %** / ${fmt(100 * median(appliedShares), 1)} %`,
        `${fmt(100 * Math.min(...shares), 1)} % / ${fmt(100 * median(shares), 1)} %`,
        fmt(median(runs.map(({ e }) => e.wallSeconds)), 1),
        `${fmt(median(runs.map(({ run }) => run.report.meanInFlight)), 1)} / ${fmt(median(runs.map(({ run }) => run.report.maxInFlight)))}`,
        fmt(median(runs.map(({ run }) => run.report.throttled))),
        fmt(duplicates),
        fmt(lost),
        fmt(sum(({ e }) => e.failed)),
      ]);
    }
  }
  const markdown = [
    "## 2b. Bulk license updates at a remote service's latency",
    "",
    `The server of part 2 with every answer held back a log-normal time (the median below, σ ${SIGMA}: one answer in six takes over ` +
      `${fmt(Math.exp(SIGMA), 2)}× the median); its throttle decides when a request arrives. ${RUNS} run(s) per row, each ` +
      `about ${SECONDS} s at the limit in fresh processes, default bulk options. Share of the limit = the shortest time the server's ` +
      "buckets allow for the run's writes / the time from the client's start to the server's last write (the rate of writes over the limit). " +
      "With the last answer's way back: the same with one median latency added to the shortest time and the client's wall time for the run's " +
      "(the slowest of the last calls' answers takes several medians: at 1 s, about 2 s more than the one median allowed). In flight: the calls in flight read once a second, mean over the run / the most " +
      "at once (medians over runs). Duplicates, lost and failed are summed over the runs.",
    "",
    table(
      [
        "scenario",
        "median latency",
        "items",
        "share of limit (min / median)",
        "with the last answer's way back (min / median)",
        "wall s",
        "in flight (mean / peak)",
        "429s",
        "duplicate writes",
        "lost",
        "failed",
      ],
      cells,
    ),
  ].join("\n");
  const verdict =
    `${exact ? "0 duplicates and 0 lost" : "**duplicates or lost items**"}; ` +
    `minimum share of the limit (writes applied) ≥ 90 %: ${met ? "met" : "**missed**"}`;
  return { markdown, verdict };
}
