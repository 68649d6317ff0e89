import { describe, expect, test } from "vitest";
import { createProgress, PLAIN_PROGRESS_INTERVAL_MS } from "../src/bulk/progress.js";
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
    progress.update({ finished: 3, failed: 1, throttled: 2 });
    progress.stop();
    expect(text()).toContain("licenses bulk [");
    expect(text()).toContain("3/4 rows | 1 failed | 2 throttled");
  });

  test("writes a plain line at most every interval otherwise", () => {
    const { io: cliIo, text } = io(false);
    let now = 0;
    const progress = createProgress(cliIo, "subscription bulk-auto-renew", 10, () => now);
    progress.update({ finished: 1, failed: 0, throttled: 0 });
    now = PLAIN_PROGRESS_INTERVAL_MS - 1;
    progress.update({ finished: 2, failed: 0, throttled: 0 });
    now = PLAIN_PROGRESS_INTERVAL_MS;
    progress.update({ finished: 3, failed: 1, throttled: 5 });
    progress.stop();
    expect(text()).toBe("subscription bulk-auto-renew: 3/10 rows, 1 failed, 5 throttled\n");
  });
});
