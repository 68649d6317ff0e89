import cliProgress from "cli-progress";
import type { CliIo } from "../io.js";

/** Counters the display shows. */
export interface ProgressCounts {
  finished: number;
  failed: number;
  throttled: number;
  /** Rows waiting out a Retry-After before they are sent again. */
  retrying: number;
}

/** Shows a bulk run's progress on stderr. */
export interface ProgressDisplay {
  update(counts: ProgressCounts): void;
  stop(): void;
}

/** Interval of the plain progress lines when stderr is not a terminal (logs, CI). */
export const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

/** Below this width the bar drops its words and keeps the numbers. */
const COMPACT_BELOW_COLUMNS = 100;

/** "1 row", "2 rows". */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** A duration as a person reads it: "45s", "3m 20s", "2h 05m". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/**
 * The time left, from the pace so far: "3m 20s"; "waiting for Retry-After" while every row still to do waits out
 * a 429; "--" before there is a pace to go by. Never "NaN" or "Infinity".
 */
export function eta(counts: ProgressCounts, total: number | undefined, elapsedMs: number): string {
  const left = total === undefined ? undefined : total - counts.finished;
  if (left === 0) return "0s";
  if (counts.retrying > 0 && left !== undefined && counts.retrying >= left) return "waiting for Retry-After";
  if (left === undefined || counts.finished === 0 || elapsedMs <= 0) return "--";
  return formatDuration((elapsedMs / counts.finished) * left);
}

/** The progress line for a terminal `columns` wide: words and a bar when there is room, else the numbers alone. */
export function progressLine(label: string, counts: ProgressCounts, total: number | undefined, elapsedMs: number, columns: number): string {
  const done = total === undefined ? `${counts.finished}` : `${counts.finished}/${total}`;
  const time = eta(counts, total, elapsedMs);
  const waiting = counts.retrying > 0 && !time.startsWith("waiting") ? ` | ${counts.retrying} waiting for Retry-After` : "";
  const words = ` ${done} rows | ${counts.failed} failed | ${counts.throttled} throttled${waiting} | ETA ${time}`;
  if (columns >= COMPACT_BELOW_COLUMNS && label.length + words.length + 8 <= columns)
    return `${label} ${bar(counts.finished, total, Math.min(40, columns - label.length - words.length - 3))}${words}`;
  const numbers = ` ${done} ✗${counts.failed} 429:${counts.throttled}${counts.retrying > 0 ? ` ⏳${counts.retrying}` : ""} ${time}`;
  return `${bar(counts.finished, total, Math.min(30, columns - numbers.length - 3))}${numbers}`;
}

function bar(value: number, total: number | undefined, width: number): string {
  if (width < 5 || total === undefined) return "";
  const filled = total === 0 ? width : Math.round((value / total) * width);
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

/** A bar when stderr is a terminal; otherwise a plain line at most every ten seconds, so logs stay readable. */
export function createProgress(io: CliIo, label: string, total: number | undefined, now: () => number = Date.now): ProgressDisplay {
  const startedAt = now();
  const stream = io.stderr as CliIo["stderr"] & { columns?: number };
  if (stream.isTTY) {
    const columns = () => stream.columns ?? 80;
    let counts: ProgressCounts = { finished: 0, failed: 0, throttled: 0, retrying: 0 };
    const display = new cliProgress.SingleBar({
      stream,
      hideCursor: true,
      linewrap: false,
      format: () => progressLine(label, counts, total, now() - startedAt, columns() - 1),
    });
    display.start(total ?? 0, 0);
    return {
      update: (next) => {
        counts = { ...next };
        display.update(next.finished);
      },
      stop: () => display.stop(),
    };
  }
  let lastAt = startedAt;
  return {
    update(counts) {
      if (now() - lastAt < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastAt = now();
      const done = total === undefined ? `${plural(counts.finished, "row")} done` : `${counts.finished}/${plural(total, "row")}`;
      const waiting = counts.retrying > 0 ? `, ${counts.retrying} waiting for Retry-After` : "";
      io.stderr.write(
        `${label}: ${done}, ${counts.failed} failed, ${counts.throttled} throttled${waiting}, ETA ${eta(counts, total, now() - startedAt)}\n`,
      );
    },
    stop: () => {},
  };
}
