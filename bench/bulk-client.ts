/**
 * One bulk run in a process of its own (argv[2]: { url, items, customers, seed } as JSON), so that its peak RSS
 * is the run's alone. Items are made by a generator as the run pulls them and results are counted, not kept:
 * what stays in memory is the library's own working set plus one byte per item for the outcome.
 */
import type { BulkLicenseItem, BulkProgress } from "../src/index.js";
import { seededRandom, staticCredential } from "../test/helpers.js";
import { benchIds, benchToken, licenseChange, loadLibrary, tellParent } from "./lib.js";

const { createPartnerCenterClient } = await loadLibrary();

export interface BulkClientSettings {
  url: string;
  items: number;
  customers: number;
  seed: number;
  /** "random" (default): users spread over the customers at random; "sorted": each customer's users together, as an export grouped by tenant lists them. */
  order?: "random" | "sorted";
}

/** What the run reports to the bench. */
export interface BulkClientReport {
  type: "report";
  /** When the run started, ms since the epoch (the server's clock is the same machine's). */
  startedAt: number;
  wallMs: number;
  /** Per item index: 0 no result, 1 succeeded, 2 failed; 3 or more: reported more than once. */
  outcomes: Uint8Array;
  /** Items per customer, as generated. */
  perCustomer: number[];
  throttled: number;
  failures: Record<string, number>;
  /** Peak resident set of this process, KB. */
  maxRssKb: number;
  /** CPU time of this process during the run (user + system), ms. */
  cpuMs: number;
  /** Items done so far, read once a second. */
  doneBySecond: number[];
  /** The most calls in flight at once, and the mean of the calls in flight read once a second. */
  maxInFlight: number;
  meanInFlight: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as BulkClientSettings;
const pc = createPartnerCenterClient({ credential: staticCredential(benchToken), baseUrl: settings.url });
const perCustomer = new Array<number>(settings.customers).fill(0);

// Users spread over the customers at random (seeded), or grouped by customer.
function* items(): Generator<BulkLicenseItem> {
  const random = seededRandom(settings.seed);
  for (let index = 0; index < settings.items; index += 1) {
    const customer =
      settings.order === "sorted" ? Math.floor((index * settings.customers) / settings.items) : Math.floor(random() * settings.customers);
    perCustomer[customer]! += 1;
    yield { customerId: benchIds.customerId(customer), userId: benchIds.userId(index), update: licenseChange };
  }
}

const outcomes = new Uint8Array(settings.items);
const failures: Record<string, number> = {};
const doneBySecond: number[] = [];
let last: Pick<BulkProgress, "done" | "throttled" | "inFlight"> = { done: 0, throttled: 0, inFlight: 0 };
let maxInFlight = 0;
const inFlightBySecond: number[] = [];
const startedAt = Date.now();
const start = performance.now();
const cpuAtStart = process.cpuUsage();
const sampler = setInterval(() => {
  doneBySecond.push(last.done);
  inFlightBySecond.push(last.inFlight);
}, 1000);
// Default options: the limits are the server's secret, as the real service's are.
for await (const result of pc.licenses.bulkUpdate(items(), {
  onProgress: (progress) => {
    last = progress;
    maxInFlight = Math.max(maxInFlight, progress.inFlight);
  },
})) {
  outcomes[result.index] = outcomes[result.index]! === 0 ? (result.ok ? 1 : 2) : 3;
  if (!result.ok) failures[result.error.name] = (failures[result.error.name] ?? 0) + 1;
}
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuAtStart);
clearInterval(sampler);
const report: BulkClientReport = {
  type: "report",
  startedAt,
  wallMs,
  outcomes,
  perCustomer,
  throttled: last.throttled,
  failures,
  maxRssKb: process.resourceUsage().maxRSS,
  cpuMs: (cpu.user + cpu.system) / 1000,
  doneBySecond,
  maxInFlight,
  meanInFlight: inFlightBySecond.reduce((sum, n) => sum + n, 0) / Math.max(1, inFlightBySecond.length),
};
tellParent(report);
process.disconnect();
