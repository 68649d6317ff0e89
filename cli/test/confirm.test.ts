import { PassThrough } from "node:stream";
import { describe, expect, test } from "vitest";
import { AbortedError, InvalidInputError } from "../../src/errors.js";
import { confirm } from "../src/confirm.js";
import { capture } from "./cli-runner.js";

// The prompt of an irreversible write, answered through a stand-in terminal.
function terminal(answer: string) {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stderr = capture();
  setTimeout(() => stdin.write(answer), 10);
  return { io: { stdout: capture().stream, stderr: stderr.stream, stdin, env: {} }, asked: stderr.text };
}

describe("confirm", () => {
  test("y or yes goes ahead, after the question was asked on stderr", async () => {
    const { io, asked } = terminal("yes\n");
    await confirm(io, "Upgrade subscription s", "upgrades perform", undefined);
    expect(asked()).toContain("Upgrade subscription s. This cannot be undone. Go ahead? [y/N] ");
  });

  test("anything else is refused with nothing sent", async () => {
    const { io } = terminal("\n");
    await expect(confirm(io, "Upgrade", "upgrades perform", undefined)).rejects.toThrow(InvalidInputError);
  });

  test("Ctrl-C at the prompt ends it as an interrupt", async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const io = { stdout: capture().stream, stderr: capture().stream, stdin, env: {} };
    const pending = confirm(io, "Upgrade", "upgrades perform", undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    stdin.write("\x03");
    await expect(pending).rejects.toThrow(AbortedError);
  });

  test("--yes skips the question; without a terminal there is nothing to ask in", async () => {
    await confirm({ stdout: capture().stream, stderr: capture().stream, env: {} }, "Upgrade", "upgrades perform", true);
    await expect(
      confirm({ stdout: capture().stream, stderr: capture().stream, env: {} }, "Upgrade", "upgrades perform", undefined),
    ).rejects.toThrow(/add --yes/);
  });
});
