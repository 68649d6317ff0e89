import { describe, expect, test } from "vitest";
import { createProgress, eta, formatDuration, PLAIN_PROGRESS_INTERVAL_MS, plural, progressLine } from "../src/bulk/progress.js";
import type { CliIo } from "../src/io.js";
import { capture } from "./cli-runner.js";

// The bulk progress display: a bar on a terminal, sparse plain lines elsewhere.
function io(isTTY: boolean) {
  const stderr = capture();
  // cli-progress draws with these terminal calls; a capture stream stands in for the terminal.
  const tty = Object.assign(stderr.stream, { isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { io: { stdout: capture().stream, stderr: tty, env: {} } satisfies CliIo, text: stderr.text };
}

describe("createProgress", () => {
  test("draws a bar with the counts when stderr is a terminal", () => {
    const { io: cliIo, text } = io(true);
    const progress = createProgress(cliIo, "licenses bulk", 4);
    progress.update({ finished: 3, failed: 1, throttled: 2, retrying: 0 });
    progress.stop();
    expect(text()).toContain("licenses bulk [");
    expect(text()).toContain("3/4 rows | 1 failed | 2 throttled");
  });

  test("writes a plain line at most every interval otherwise", () => {
    const { io: cliIo, text } = io(false);
    let now = 0;
    const progress = createProgress(cliIo, "subscription bulk-auto-renew", 10, () => now);
    progress.update({ finished: 1, failed: 0, throttled: 0, retrying: 0 });
    now = PLAIN_PROGRESS_INTERVAL_MS - 1;
    progress.update({ finished: 2, failed: 0, throttled: 0, retrying: 0 });
    now = PLAIN_PROGRESS_INTERVAL_MS;
    progress.update({ finished: 3, failed: 1, throttled: 5, retrying: 7 });
    progress.stop();
    expect(text()).toBe(
      "subscription bulk-auto-renew: 3/10 rows, 1 failed, 5 throttled, 7 waiting for Retry-After, ETA waiting for Retry-After\n",
    );
  });
});

describe("progress words", () => {
  const counts = { finished: 30, failed: 2, throttled: 5, retrying: 0 };

  test("the ETA reads as a duration, never NaN or Infinity", () => {
    expect(eta(counts, 300, 10_000)).toBe("1m 30s");
    expect(eta({ ...counts, finished: 0 }, 300, 10_000)).toBe("--");
    expect(eta(counts, undefined, 10_000)).toBe("--");
    expect(eta({ ...counts, retrying: 270 }, 300, 60_000)).toBe("waiting for Retry-After");
    expect(formatDuration(7_500_000)).toBe("2h 05m");
  });

  test("plurals", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(0, "row")).toBe("0 rows");
  });

  test.each([160, 100, 80, 60, 40])("at %i columns the line fits and keeps every count", (columns) => {
    const line = progressLine("subscription bulk-auto-renew", { ...counts, retrying: 3 }, 1_000_000, 10_000, columns);
    expect(line.length).toBeLessThanOrEqual(columns);
    for (const number of ["30", "1000000", "2", "5", "3"]) expect(line).toContain(number);
  });
});
