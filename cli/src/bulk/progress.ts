import cliProgress from "cli-progress";
import type { CliIo } from "../io.js";

/** Counters the display shows. */
export interface ProgressCounts {
  finished: number;
  failed: number;
  throttled: number;
}

/** Shows a bulk run's progress on stderr. */
export interface ProgressDisplay {
  update(counts: ProgressCounts): void;
  stop(): void;
}

/** Interval of the plain progress lines when stderr is not a terminal (logs, CI). */
export const PLAIN_PROGRESS_INTERVAL_MS = 10_000;

/** A bar when stderr is a terminal; otherwise a plain line at most every ten seconds, so logs stay readable. */
export function createProgress(io: CliIo, label: string, total: number, now: () => number = Date.now): ProgressDisplay {
  if (io.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr,
        hideCursor: true,
        format: `${label} [{bar}] {value}/{total} rows | {failed} failed | {throttled} throttled | ETA {eta_formatted}`,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0, throttled: 0 });
    return {
      update: ({ finished, failed, throttled }) => bar.update(finished, { failed, throttled }),
      stop: () => bar.stop(),
    };
  }
  let lastAt = now();
  return {
    update({ finished, failed, throttled }) {
      if (now() - lastAt < PLAIN_PROGRESS_INTERVAL_MS) return;
      lastAt = now();
      io.stderr.write(`${label}: ${finished}/${total} rows, ${failed} failed, ${throttled} throttled\n`);
    },
    stop: () => {},
  };
}
