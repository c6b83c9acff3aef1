// Making a backend: the kernels it implements, the TypeScript reference for the ones it does not, and the
// spec's argument checks in front of every one.
import { argChecker } from "./check_args.ts";
import { KERNEL_NAMES, KERNEL_SPEC, type KernelName } from "./kernel_spec.ts";
import type { KernelFns, Kernels } from "./kernels.ts";

export interface BackendControl {
  readonly name: string;
  threads(): number;
  setThreads(n: number): void;
}

const checkers = Object.fromEntries(KERNEL_NAMES.map((k) => [k, argChecker(k, KERNEL_SPEC[k])])) as Record<
  KernelName,
  (args: readonly unknown[]) => void
>;

export function bindKernels(control: BackendControl, own: Partial<KernelFns>, reference: KernelFns): Kernels {
  const fns: Record<string, (...args: never[]) => unknown> = {};
  for (const k of KERNEL_NAMES) {
    const run = (own[k] ?? reference[k]) as (...args: unknown[]) => unknown;
    const check = checkers[k];
    fns[k] = (...args: unknown[]) => {
      check(args);
      return run(...args);
    };
  }
  return {
    ...(fns as unknown as KernelFns),
    name: control.name,
    threads: () => control.threads(),
    setThreads(n) {
      if (!Number.isSafeInteger(n) || n < 0)
        throw new RangeError(`threads must be a non-negative integer, got ${n}`);
      control.setThreads(Math.max(1, n));
    },
    supports: (op) => own[op] !== undefined,
  };
}
