// Loader for the C++ kernel addon (native/, built by node-gyp into build/Release). The addon's functions take
// the spec's arguments positionally (native/bindings.generated.h): choices and dtypes as their index, struct
// fields one by one. Typed arrays (subarray views included) go to C++ by pointer; the argument checks in front
// of every kernel (bind.ts) guarantee the lengths. A kernel the addon lacks runs the TypeScript reference.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { bindKernels } from "./bind.ts";
import { STORAGE_DTYPES, type StorageDtype } from "./dtypes.ts";
import type { Arg } from "./kernel_args.ts";
import { KERNEL_NAMES, KERNEL_SPEC } from "./kernel_spec.ts";
import type { KernelFns, Kernels } from "./kernels.ts";
import { referenceKernels } from "./ts/index.ts";

type AddonFn = (...args: unknown[]) => unknown;

/** The addon's exports: its kernels by spec name, and these. */
interface Addon {
  [kernel: string]: unknown;
  isa(): string;
  interruptGuard(armed?: boolean): number;
  threads(): number;
  setThreads(n: number): void;
}

/** MPI's collectives (native/mpi.cc), present when the addon was built where MPI was installed. */
export interface NativeMpi {
  mpiInit(): { rank: number; size: number; localSize: number; library: string };
  mpiAllreduceSum(data: Float32Array): void;
  mpiBcast(data: ArrayBufferView, root: number): void;
  mpiGather(data: Uint8Array, root: number): Uint8Array[] | undefined;
  mpiBarrier(): void;
  mpiAbort(code: number): void;
  mpiFinalize(): void;
}

const ADDON_PATH = fileURLToPath(new URL("../../build/Release/lntune_native.node", import.meta.url));

function loadAddon(): Addon {
  const require = createRequire(import.meta.url);
  try {
    return require(ADDON_PATH) as Addon;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new Error(`cannot load ${ADDON_PATH} (run \`npx node-gyp rebuild\`): ${reason}`);
  }
}

/** Appends x, as the addon takes argument a, to out. */
function flatten(a: Arg, x: unknown, out: unknown[]): void {
  if (a.kind === "choice") out.push(a.values.indexOf(x as string));
  else if (a.kind === "dtype") out.push(STORAGE_DTYPES.indexOf(x as StorageDtype));
  else if (a.kind === "struct") for (const f of a.fields) out.push((x as Record<string, unknown>)[f.name]);
  else out.push(x);
}

/** The addon function behind a kernel, taking the kernel's own arguments. */
function adapt(args: readonly Arg[], fn: AddonFn): AddonFn {
  if (args.every((a) => a.kind !== "choice" && a.kind !== "dtype" && a.kind !== "struct")) return fn;
  return (...xs) => {
    const flat: unknown[] = [];
    for (const [i, a] of args.entries()) flatten(a, xs[i], flat);
    return fn(...flat);
  };
}

/** Arms or disarms (or, without an argument, only reads) the addon's signal guard; returns the signals it
 * counted since it was armed. While armed, a second SIGINT/SIGTERM exits with 130 at once. */
export function nativeInterruptGuard(armed?: boolean): number {
  return loadAddon().interruptGuard(armed);
}

/** The native ISA the addon picked ("avx512_bf16", "avx512", "avx2" or "scalar"). */
export function nativeIsa(): string {
  return loadAddon().isa();
}

/** The addon's MPI functions, or null when it was built without MPI (throws when the addon cannot load). */
export function nativeMpi(): NativeMpi | null {
  const addon = loadAddon();
  return typeof addon.mpiInit === "function" ? (addon as unknown as NativeMpi) : null;
}

export function loadNativeKernels(): Kernels {
  const addon = loadAddon();
  const own: Record<string, AddonFn> = {};
  for (const k of KERNEL_NAMES)
    if (typeof addon[k] === "function") own[k] = adapt(KERNEL_SPEC[k].args, addon[k] as AddonFn);
  return bindKernels(
    { name: "native", threads: () => addon.threads(), setThreads: (n) => addon.setThreads(n) },
    own as Partial<KernelFns>,
    referenceKernels,
  );
}
