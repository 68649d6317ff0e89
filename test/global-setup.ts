// Pulls vitest's types into the program; without it tsc rejects the augmentation below (TS2664).
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startMockServer } from "../cli/src/mock-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

/** Starts one Prism mock for the whole run; tests read its base URL with `inject('prismUrl')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMockServer();
  project.provide("prismUrl", server.url);
  return () => server.close();
}
