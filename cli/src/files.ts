import { rename, writeFile } from "node:fs/promises";

/**
 * Writes `text` to `path` through a temporary file next to it (`${path}.${pid}.tmp`) renamed over it, so a crash
 * never leaves half a file. `mode` sets the permissions the file is created with (e.g. 0o600: its owner only).
 */
export async function writeFileAtomic(path: string, text: string, mode?: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, mode === undefined ? {} : { mode });
  await rename(temporary, path);
}
