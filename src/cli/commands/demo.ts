// `lntune demo`: the sandbox run of the paper's pipeline (src/sandbox/demo.ts), or with --compare the paper's
// comparison of the tuning methods and its analyses (src/sandbox/compare.ts).
import type { Command } from "commander";
import { COMPARE_SCALE, runCompare } from "../../sandbox/compare.ts";
import { DEMO_SCALE, runDemo } from "../../sandbox/demo.ts";
import { sandboxModels } from "../../sandbox/pretrained/shipped.ts";
import { formatSummary } from "../../sandbox/summary.ts";

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a whole number, got "${v}"`);
  return n;
};

interface DemoFlags {
  dir?: string;
  compare?: boolean;
  seed: number;
  models?: string;
  quiet?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("train and evaluate a tiny LLaVA on the synthetic sandbox world with LayerNorm tuning")
    .option(
      "--compare",
      "the paper's comparison: six methods at their best validation learning rates, Tables 1 and 2, data types, connector ablation, layer similarity, gradient variance (25 to 45 minutes on 2 cores, with the load)",
    )
    .option(
      "--dir <dir>",
      "work directory; a rerun reuses its finished parts (default: lntune-demo, or lntune-demo-compare)",
    )
    .option("--seed <n>", "seed of the world and the runs", int, 0)
    .option("--models <dir>", "a build of tools/make_sandbox_models.ts (default: the shipped models)")
    .option("--quiet", "no progress display")
    .action(async (o: DemoFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const common = {
        dir: o.dir ?? (o.compare ? "lntune-demo-compare" : "lntune-demo"),
        seed: o.seed,
        models: o.models ? sandboxModels(o.models) : undefined,
        progress: o.quiet ? ("quiet" as const) : ("auto" as const),
        log,
      };
      const r = o.compare
        ? await runCompare({ ...common, scale: COMPARE_SCALE })
        : await runDemo({ ...common, scale: DEMO_SCALE });
      process.stdout.write(`${formatSummary(r.results)}\n`);
      log(`wrote ${r.resultsFile} and ${r.reportFile}`);
    });
}
