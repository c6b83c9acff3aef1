// Backend selection. The native addon is used when it loads; otherwise the TypeScript kernels, with a
// one-line warning. LNTUNE_BACKEND=ts|native forces one (native then fails loudly if it cannot load).
import type { Kernels } from "./kernels.ts";
import { loadNativeKernels, nativeInterruptGuard } from "./native.ts";
import { tsKernels } from "./ts/index.ts";

export type {
  AttentionShape,
  BinaryOp,
  F32,
  GeluKind,
  KernelName,
  Kernels,
  StorageDtype,
} from "./kernels.ts";
export { tsKernels };

let nativeCache: Kernels | Error | undefined;

/** The native kernels, or the Error that explains why they could not load. */
export function nativeKernels(): Kernels | Error {
  if (nativeCache === undefined) {
    try {
      nativeCache = loadNativeKernels();
    } catch (err) {
      nativeCache = err instanceof Error ? err : new Error(String(err));
    }
  }
  return nativeCache;
}

function pickDefault(): Kernels {
  const wanted = process.env.LNTUNE_BACKEND;
  if (wanted === "ts") return tsKernels;
  const native = nativeKernels();
  if (!(native instanceof Error)) return native;
  if (wanted === "native")
    throw new Error(`LNTUNE_BACKEND=native but the addon cannot load: ${native.message}`);
  if (wanted !== undefined && wanted !== "")
    throw new Error(`LNTUNE_BACKEND must be "ts" or "native", not "${wanted}"`);
  process.stderr.write(
    `lntune: native kernels unavailable (${native.message}); using the slower TypeScript kernels\n`,
  );
  return tsKernels;
}

let active: Kernels | undefined;

/** The kernels every op runs on. */
export function kernels(): Kernels {
  active ??= pickDefault();
  return active;
}

/** Switches the backend (tests compare both on the same computation). Returns the previous one. */
export function useBackend(k: Kernels): Kernels {
  const previous = kernels();
  active = k;
  return previous;
}

/**
 * While armed, a second SIGINT/SIGTERM ends the process with status 130 even inside a long synchronous step
 * (JavaScript handlers only run between steps, and after callbacks already queued). Needs the addon, whichever
 * kernels are active; returns whether the guard is available.
 */
export function interruptGuard(armed: boolean): boolean {
  if (nativeKernels() instanceof Error) return false;
  nativeInterruptGuard(armed);
  return true;
}

/** SIGINT/SIGTERM signals the armed guard has counted (0 without the addon). */
export function interruptsReceived(): number {
  return nativeKernels() instanceof Error ? 0 : nativeInterruptGuard();
}
