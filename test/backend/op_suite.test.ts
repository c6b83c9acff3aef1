// Every kernel of the spec on every backend (the TypeScript reference and the native addon; a future backend
// is one more entry in BACKENDS), on 1 and 2 threads: forward against float64 references computed here,
// backward against finite differences of those references, on awkward shapes. It fails (never skips) when
// the addon cannot load. With LNTUNE_ISA set only the native backend is under test: the file reruns itself
// so for each narrower ISA the CPU has (the addon picks its ISA once per process).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { KERNEL_NAMES, type Kernels } from "../../src/backend/kernels.ts";
import { loadNativeKernels, nativeIsa } from "../../src/backend/native.ts";
import { tsKernels } from "../../src/backend/ts/index.ts";
import { ACTIVATION_CASES } from "./suite/activation_cases.ts";
import { ARITH_CASES } from "./suite/arith_cases.ts";
import { ATTENTION_CASES } from "./suite/attention_cases.ts";
import { CONTRACT_CASES } from "./suite/contract_cases.ts";
import { CONVERT_CASES } from "./suite/convert_cases.ts";
import { COPY_CASES } from "./suite/copy_cases.ts";
import { DROPOUT_CASES } from "./suite/dropout_cases.ts";
import { GEMM_CASES } from "./suite/gemm_cases.ts";
import type { OpCase } from "./suite/harness.ts";
import { LOSS_CASES } from "./suite/loss_cases.ts";
import { NORM_CASES } from "./suite/norm_cases.ts";
import { QUANT_CASES } from "./suite/quant_cases.ts";
import { REDUCE_CASES } from "./suite/reduce_cases.ts";

const CASES: OpCase[] = [
  ...GEMM_CASES,
  ...NORM_CASES,
  ...ATTENTION_CASES,
  ...ACTIVATION_CASES,
  ...LOSS_CASES,
  ...ARITH_CASES,
  ...REDUCE_CASES,
  ...COPY_CASES,
  ...DROPOUT_CASES,
  ...CONVERT_CASES,
  ...QUANT_CASES,
  ...CONTRACT_CASES,
];

const ISA_RERUN = process.env.LNTUNE_ISA !== undefined;
const BACKENDS: Array<() => Kernels> = [...(ISA_RERUN ? [] : [() => tsKernels]), loadNativeKernels];
const THREADS = [1, 2];

test("every kernel of the spec has a case in the suite", () => {
  const covered = new Set(CASES.flatMap((c) => c.kernels));
  assert.deepEqual(
    KERNEL_NAMES.filter((k) => !covered.has(k)),
    [],
  );
});

test("the native backend implements every kernel itself", () => {
  const native = loadNativeKernels();
  assert.deepEqual(
    KERNEL_NAMES.filter((k) => !native.supports(k)),
    [],
  );
});

for (const make of BACKENDS)
  for (const threads of THREADS) {
    const k = make();
    for (const c of CASES)
      test(`${c.name} [${k.name}, ${threads} thread${threads > 1 ? "s" : ""}]`, () => {
        const before = k.threads();
        k.setThreads(threads);
        try {
          c.run(k);
        } finally {
          k.setThreads(before);
        }
      });
  }

// LNTUNE_ISA=avx512 keeps the base AVX-512 kernels without the extensions (the bf16 GEMM's fallback).
const NARROWER: Record<string, string[]> = {
  avx512_bf16: ["avx512", "avx2", "scalar"],
  avx512: ["avx2", "scalar"],
  avx2: ["scalar"],
};
if (!ISA_RERUN)
  for (const isa of NARROWER[nativeIsa()] ?? [])
    test(`the ${isa} kernels pass this suite too`, () => {
      // Without NODE_TEST_CONTEXT, or the child's runner would skip the file as a recursive run.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const run = spawnSync(process.execPath, ["--import", "tsx", "--test", fileURLToPath(import.meta.url)], {
        env: { ...env, LNTUNE_ISA: isa },
        encoding: "utf8",
      });
      const failed = run.stdout.split("\n").filter((l) => l.startsWith("not ok"));
      assert.equal(run.status, 0, failed.join("\n") + run.stderr);
      assert.match(run.stdout, /^# pass [1-9]\d*$/m);
    });
