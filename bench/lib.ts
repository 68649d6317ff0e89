/**
 * What the bench scripts share: the canned answers of the loopback server, child processes with a message
 * channel, medians and markdown tables. Every server and every measured client runs in a process of its own, so
 * the CPU time and peak RSS read in one are not the other's.
 */
import { type ChildProcess, fork } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";

/**
 * The library as users run it: the build in dist/ (`npm run bench` builds first), not src/ through tsx, whose
 * transform adds work to every function it creates. The types are src/'s, which dist/ is built from.
 */
export async function loadLibrary(): Promise<typeof import("../src/index.js")> {
  const built = "../dist/src/index.js";
  return (await import(built)) as typeof import("../src/index.js");
}

/** `--quick`: fewer calls, fewer items, fewer runs; the whole bench in under a minute. */
export const quick = process.argv.includes("--quick");

/** Ids the bench sends; the user id carries the item's index so the server can tell which item it applied. */
export const benchIds = {
  customerId: (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
  subscriptionId: "aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e",
  skuId: "f8a1db68-be16-40ed-86d5-cb42ce701560",
  userId: (index: number) => `u${index}@bench.example`,
};

/** The index an item's user id carries (see {@link benchIds}), or -1. */
export function itemIndexOf(userId: string): number {
  const match = /^u(\d+)@bench\.example$/.exec(userId);
  return match ? Number(match[1]) : -1;
}

/** A token of a real one's length (1.5 KB): Authorization is the largest header every variant sends. */
export const benchToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${"x".repeat(1400)}.${"s".repeat(86)}`;

/** The license change every bench write sends. */
export const licenseChange = { licensesToAssign: [{ skuId: benchIds.skuId }] };

/** The subscription GET answers: a subscription as the service sends one, with an etag. */
export const subscriptionBody = JSON.stringify({
  id: benchIds.subscriptionId,
  offerId: "91fd106f-4b2c-4938-95ac-f54f74e9a239",
  offerName: "Office 365 E3",
  friendlyName: "Office 365 E3",
  quantity: 25,
  unitType: "Licenses",
  creationDate: "2024-01-12T00:00:00Z",
  effectiveStartDate: "2024-01-12T00:00:00Z",
  commitmentEndDate: "2025-01-12T00:00:00Z",
  status: "active",
  autoRenewEnabled: true,
  billingType: "license",
  billingCycle: "monthly",
  termDuration: "P1Y",
  contractType: "subscription",
  attributes: { etag: "etag-1", objectType: "Subscription" },
});

/** The 201 of a license update. */
export const licenseUpdateBody = JSON.stringify({
  ...licenseChange,
  licensesToRemove: null,
  licenseWarnings: [],
  attributes: { objectType: "LicenseUpdate" },
});

/**
 * Starts a bench script in a child process under tsx, with a structured-clone channel (typed arrays pass as
 * they are). Its stdout and stderr go to ours.
 */
export function forkScript(script: string, args: readonly string[] = []): ChildProcess {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return fork(path, [...args], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** The next message of `type` from a child; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string }) => {
      if (message?.type !== type) return;
      child.off("exit", onExit).off("message", onMessage);
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off("message", onMessage);
      reject(new Error(`child ${child.pid} exited (${code}) before sending "${type}"`));
    };
    child.on("message", onMessage).once("exit", onExit);
  });
}

/** Sends a message to the parent (the child side of {@link forkScript}). */
export function tellParent<Message extends { type: string }>(message: Message): void {
  process.send?.(message);
}

/** Stops a child we started and waits for it to go. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
}

/** A loopback server in its own process: its URL, and a way to ask it for its counters. */
export interface BenchServer {
  url: string;
  stats<T>(): Promise<T>;
  close(): Promise<void>;
}

/** Forks bench/server.ts with the given settings (JSON) and waits until it listens. */
export async function startServer(settings: Record<string, unknown>): Promise<BenchServer> {
  const child = forkScript("./server.ts", [JSON.stringify(settings)]);
  const { url } = await nextMessage<{ url: string }>(child, "ready");
  return {
    url,
    async stats<T>() {
      const answer = nextMessage<{ stats: T }>(child, "stats");
      child.send({ type: "stats" });
      return (await answer).stats;
    },
    close: () => stop(child),
  };
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A GitHub markdown table. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A number with thousands separators and at most `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The machine the figures come from. */
export function machine(): string {
  const cpu = cpus();
  return `Node ${process.version} on ${process.platform}/${process.arch}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? "unknown"}), ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
