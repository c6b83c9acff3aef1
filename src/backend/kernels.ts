// The kernel interface: every loop of the engine's compute goes through one of these functions. Each
// signature comes from the spec (kernel_spec.ts); a backend is the TypeScript reference (src/backend/ts/, the
// oracle in tests and the fallback), or the C++ addon (native/, loaded by native.ts), or any other that
// implements some of the kernels and falls back to the reference for the rest (bind.ts).
import type { ArgValue, KernelFn } from "./kernel_args.ts";
import type { KERNEL_SPEC, KernelName } from "./kernel_spec.ts";

export type { StorageDtype } from "./dtypes.ts";
export { KERNEL_NAMES, type KernelName } from "./kernel_spec.ts";

type Spec = typeof KERNEL_SPEC;

export type F32 = Float32Array;

/** The kernel functions, as the spec declares them. */
export type KernelFns = { [K in KernelName]: KernelFn<Spec[K]> };

export type AttentionShape = ArgValue<Spec["attentionForward"]["args"][5]>;
export type GeluKind = ArgValue<Spec["geluForward"]["args"][3]>;
export type BinaryOp = ArgValue<Spec["binaryForward"]["args"][0]>;

export interface Kernels extends KernelFns {
  readonly name: string;
  /** Worker threads the kernels may use (1 for the TS backend). */
  threads(): number;
  setThreads(n: number): void;
  /** Whether this backend runs the kernel itself (otherwise it falls back to the TypeScript reference). */
  supports(op: KernelName): boolean;
}
