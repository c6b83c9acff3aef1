// Runs a test body once per available backend, so every op test covers the TS and the native kernels.
import { test } from "node:test";
import { nativeKernels, tsKernels, useBackend } from "../../src/backend/index.ts";
import type { Kernels } from "../../src/backend/kernels.ts";

export function available(): Kernels[] {
  const native = nativeKernels();
  return native instanceof Error ? [tsKernels] : [tsKernels, native];
}

export function testEachBackend(name: string, body: (k: Kernels) => void | Promise<void>) {
  for (const k of available())
    test(`${name} [${k.name}]`, async () => {
      const previous = useBackend(k);
      try {
        await body(k);
      } finally {
        useBackend(previous);
      }
    });
}
